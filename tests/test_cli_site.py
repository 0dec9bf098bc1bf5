"""`cro-analyzer analyze-site` and `cro-analyzer compare` as a user runs them: real processes; analyze-site
on the embedded default (in-process store and inline queue, no Redis) with real Chromium and a sitemap on
loopback; compare on two report files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.scripted_analysis import site_outcome
from harness.servers import LoopbackServer
from shared.batches.model import BatchView
from shared.engine import AnalysisOptions
from tests.conftest import FIXTURE_PAGES_DIR
from tests.test_batches import urlset, xml_route

CLI = str(Path(sys.executable).with_name("cro-analyzer"))
RUN_TIMEOUT_S = 180


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANTHROPIC_", "REDIS_", "QUEUE_"))}
    env.update({"MOBILE_THROTTLING": "none", "DESKTOP_THROTTLING": "none"})
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT_S, check=False)


@pytest.mark.browser
@pytest.mark.timeout(200)
def test_analyze_site_reads_the_sitemap_analyses_each_page_and_summarises(tmp_path: Path) -> None:
    with LoopbackServer(FIXTURE_PAGES_DIR) as site:
        pages = [site.url("/compare/before.html"), site.url("/compare/after.html"), site.url("/compare/gone.html")]
        site.routes["/sitemap.xml"] = xml_route(urlset(*pages, "https://example.com/other"))
        done = run_cli(
            "analyze-site",
            site.url("/compare/"),  # a page of the site: its /sitemap.xml is read
            "--no-llm",
            "--max-pages",
            "3",
            "--allow-host",
            site.host_port,
            "--json",
            str(tmp_path / "site.json"),
            "--html",
            str(tmp_path / "site.html"),
        )
    assert done.returncode == 0, done.stderr
    assert sum(line.startswith(("[1/3]", "[2/3]", "[3/3]")) for line in done.stderr.splitlines()) == 3
    assert "3 page(s): 2 analysed, 1 failed" in done.stdout and "Worst pages" in done.stdout
    view = BatchView.model_validate_json((tmp_path / "site.json").read_text())
    assert view.status == "finished" and view.discovery.off_site == 1
    assert view.summary is not None and view.summary.failures == {"target_http_error": 1}
    assert {rule.rule for rule in view.summary.top_rules} >= {"a11y.image_alt_missing", "mobile.viewport_meta_missing"}
    assert (tmp_path / "site.html").read_text().count('src="data:image/jpeg;base64,') == 2


def test_analyze_site_refuses_bad_input_with_exit_2() -> None:
    done = run_cli("analyze-site", "http://169.254.169.254/sitemap.xml", "--no-llm")
    assert done.returncode == 2 and "blocked_by_policy" in done.stderr


def test_compare_two_report_files(tmp_path: Path) -> None:
    for name, path in (("a", "/p0"), ("b", "/p2-form")):
        report = site_outcome(AnalysisOptions(url=f"http://example.com{path}", devices=("desktop",), llm=False)).report
        (tmp_path / f"{name}.json").write_text(report.model_dump_json())
    done = run_cli("compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--json", "-")
    assert done.returncode == 0, done.stderr
    diff = json.loads(done.stdout)
    assert diff["overall"]["delta"] == -14 and [f["rule"] for f in diff["new"]] == ["forms.too_many_fields"]
    assert [f["rule"] for f in diff["persisting"]] == ["cta.weak_primary"] and diff["resolved"] == []
    assert "New in B (1)" in done.stderr
    missing = run_cli("compare", str(tmp_path / "a.json"), "not a url or a file")
    assert missing.returncode == 2
