"""Lighthouse's mobile run of a page, for bench/capture.py to set our throttled phone figures beside.

Runs the `lighthouse` CLI of an npm install given by `--lighthouse DIR` or LIGHTHOUSE_DIR (the directory
where `npm install lighthouse@12` was run, holding node_modules/.bin/lighthouse), on the Chromium given by
CHROME_PATH (default: Debian's headless shell), with its default mobile configuration. `method` is
Lighthouse's throttling method: `simulate` (its default: Lantern predicts the throttled load from an
unthrottled trace) or `devtools` (it applies the conditions through DevTools, as our capture does).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROME = "/usr/lib/chromium/chromium-headless-shell"
RUN_TIMEOUT_S = 300
AUDITS = {"fcp_ms": "first-contentful-paint", "lcp_ms": "largest-contentful-paint", "tbt_ms": "total-blocking-time"}


@dataclass(frozen=True)
class LighthouseRun:
    version: str
    method: str
    metrics: dict[str, float | None]
    warnings: list[str]


def lighthouse_cli(install_dir: str | None) -> Path | None:
    """The CLI of the install at `install_dir` (or LIGHTHOUSE_DIR), None when there is none."""
    root = install_dir or os.environ.get("LIGHTHOUSE_DIR")
    if not root:
        return None
    cli = Path(root) / "node_modules" / ".bin" / "lighthouse"
    return cli if cli.exists() else None


def run_lighthouse(cli: Path, url: str, method: str) -> LighthouseRun:
    """One performance-only mobile run of `url`; raises RuntimeError when Lighthouse fails."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", DEFAULT_CHROME)}
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        done = subprocess.run(
            [
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance",
                f"--throttling-method={method}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0 or not report.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-500:]}")
        data = json.loads(report.read_text())
    audits = data["audits"]
    return LighthouseRun(
        version=data["lighthouseVersion"],
        method=data["configSettings"]["throttlingMethod"],
        metrics={ours: audits.get(theirs, {}).get("numericValue") for ours, theirs in AUDITS.items()},
        warnings=[str(warning) for warning in data.get("runWarnings", [])],
    )
