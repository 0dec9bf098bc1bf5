"""`cro-analyzer analyze` as a user runs it: a real process, real Chromium, pages on loopback.

Exit codes are the contract: 0 a report, 2 bad input, 3 the page could not be analysed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from harness.fake_claude import FakeClaude
from harness.servers import LoopbackServer, RouteHandler
from shared.models.report import Report

CLI = str(Path(sys.executable).with_name("cro-analyzer"))
RUN_TIMEOUT_S = 120


def run_cli(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANTHROPIC_")}
    env.update({"MOBILE_THROTTLING": "none", "DESKTOP_THROTTLING": "none", **(extra_env or {})})
    return subprocess.run(
        [CLI, "analyze", *args], capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT_S, check=False
    )


def test_a_page_gives_exit_0_a_json_report_on_stdout_and_a_summary_on_stderr(corpus_server: LoopbackServer) -> None:
    done = run_cli(
        corpus_server.url("/landing-page/index.html"),
        "--no-llm",
        "--json",
        "-",
        "--allow-host",
        corpus_server.host_port,
    )
    assert done.returncode == 0, done.stderr
    report = Report.model_validate_json(done.stdout)
    assert report.llm.status == "disabled"
    assert {d.device for d in report.devices} == {"desktop", "mobile"}
    assert "cta.missing_above_fold" not in {f.rule for f in report.findings}
    assert report.top_issues and set(report.top_issues) <= {f.id for f in report.findings}
    assert "CRO report" in done.stderr and "overall" in done.stderr


def test_files_are_written_where_asked(corpus_server: LoopbackServer, tmp_path: Path) -> None:
    done = run_cli(
        corpus_server.url("/one-page-wonder/index.html"),
        "--no-llm",
        "--devices",
        "mobile",
        "--json",
        str(tmp_path / "report.json"),
        "--screenshots",
        str(tmp_path / "shots"),
        "--html",
        str(tmp_path / "report.html"),
        "--allow-host",
        corpus_server.host_port,
    )
    assert done.returncode == 0, done.stderr
    report = Report.model_validate_json((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [d.device for d in report.devices] == ["mobile"]
    assert not any(f.category == "forms" for f in report.findings), "one-page-wonder has no form"
    for shot in report.screenshots:
        assert (tmp_path / "shots" / shot.name).read_bytes().startswith(b"\x89PNG")
    assert report.final_url in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert str(tmp_path / "report.json") in done.stdout, "the summary says where the files went"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/", "unsupported_scheme"),
        ("http://user:secret@example.com/", "credentials_in_url"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_by_policy"),
        ("http://127.0.0.1:9/", "blocked_by_policy"),
        ("not a url", "invalid_url"),
    ],
)
def test_bad_input_exits_2_and_says_why(url: str, code: str) -> None:
    done = run_cli(url, "--no-llm")
    assert done.returncode == 2, done.stderr
    assert code in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("args", [["--devices", "tablet"], ["--allow-host", "no-port"]])
def test_bad_options_exit_2(args: list[str]) -> None:
    done = run_cli("https://example.com/", *args)
    assert done.returncode == 2
    assert done.stderr


def test_a_page_that_cannot_be_analysed_exits_3_and_says_why(corpus_server: LoopbackServer) -> None:
    done = run_cli(corpus_server.url("/no-such-page.html"), "--no-llm", "--allow-host", corpus_server.host_port)
    assert done.returncode == 3, done.stderr
    assert "target_http_error" in done.stderr and "404" in done.stderr


def test_with_a_key_the_cli_asks_claude_and_reports_its_grounded_findings(corpus_server: LoopbackServer) -> None:
    with FakeClaude() as fake:
        done = run_cli(
            corpus_server.url("/agency/index.html"),
            "--json",
            "-",
            "--allow-host",
            corpus_server.host_port,
            extra_env={"ANTHROPIC_API_KEY": fake.api_key, "ANTHROPIC_BASE_URL": fake.url},
        )
        assert done.returncode == 0, done.stderr
        report = Report.model_validate_json(done.stdout)
        assert len(fake.requests) == 1
    assert report.llm.status == "ok", report.llm
    assert report.llm.input_tokens > 0 and report.summary
    model_findings = [f for f in report.findings if f.source == "llm"]
    assert model_findings or report.llm.merged_findings, "the fake's grounded finding is kept or merged"
    assert json.loads(done.stdout)["llm"]["model"] == report.llm.model


HOSTILE_PAGE = b"""<!doctype html><html lang="en"><head><title>[bold]Styled?[/bold]</title></head>
<body><h1>Plans [link=https://evil.example]that grow[/link]</h1>
<script>history.replaceState(null, "", "/[/bold][link=https://evil.example]x");</script></body></html>"""


def _route(status: int, reason: str, body: bytes) -> RouteHandler:
    def handler(request: SimpleHTTPRequestHandler) -> None:
        request.send_response(status, reason)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def test_page_and_server_text_is_never_read_as_markup() -> None:
    routes = {
        "/markup.html": _route(200, "OK", HOSTILE_PAGE),
        "/gone.html": _route(404, "Not Found [/bold][link=https://evil.example]", b"gone"),
    }
    with LoopbackServer(routes=routes) as server:
        page = run_cli(server.url("/markup.html"), "--no-llm", "--allow-host", server.host_port)
        gone = run_cli(server.url("/gone.html"), "--no-llm", "--allow-host", server.host_port)
    assert page.returncode == 0, page.stderr
    assert "/[/bold][link=https://evil.example]x" in page.stdout.replace("\n", "")
    assert gone.returncode == 3, gone.stderr
    assert "Not Found [/bold][link=https://evil.example]" in gone.stderr.replace("\n", "")
    for output in (page.stdout, page.stderr, gone.stderr):
        assert "\x1b]8;" not in output, "no terminal hyperlink"
