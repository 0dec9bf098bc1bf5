"""End to end as on Cloud Run: the three functions as separate functions-framework processes, the Cloud
Tasks emulator pushing to analyze, redis-server holding the jobs, the real engine (Chromium) analysing a
corpus page, and the signed webhook at the end. The stack is `scripts/dev.py`, exactly what `make dev`
runs."""

from __future__ import annotations

import base64
import importlib.util
import socket
import sys
import time
from pathlib import Path
from types import ModuleType

import httpx
import psutil
import pytest
from standardwebhooks import Webhook

from harness.servers import LoopbackServer, free_port
from tests.support.gateway import Receiver

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_" + base64.b64encode(b"e2e webhook secret for functions").decode()
ANALYSIS_TIMEOUT_S = 120.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_dev_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cro_dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(count: int) -> int:
    for _ in range(100):
        base = free_port()
        if base + count < 65536 and all(_free(base + offset) for offset in range(count)):
            return base
    raise RuntimeError("no block of free ports")


def wait_final(client: httpx.Client, url: str) -> dict:
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
    while True:
        job = client.get(url).json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.5)


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_submit_emulator_analyze_result_webhook(corpus_server: LoopbackServer, tmp_path: Path) -> None:
    receiver = Receiver()
    dev = load_dev_script()
    with receiver.server:
        stack = dev.DevStack(
            port=free_port_block(5),
            log_dir=tmp_path,
            env={
                "ALLOWED_PRIVATE_HOSTS": f"{corpus_server.host_port},{receiver.server.host_port}",
                "WEBHOOK_SECRET": SECRET,
                "KEY_PREFIX": "e2e-functions:",
                "MOBILE_THROTTLING": "none",
                "DESKTOP_THROTTLING": "none",
            },
        )
        with stack, httpx.Client(timeout=30) as client:
            submit, result = stack.function_url("submit"), stack.function_url("result")
            page = corpus_server.url("/landing-page/index.html")
            response = client.post(
                f"{submit}/v1/analyses", json={"url": page, "llm": False, "callback_url": receiver.url}
            )
            assert response.status_code == 202, response.text
            job = response.json()
            assert job["links"]["self"] == f"{result}/v1/analyses/{job['id']}"
            assert client.get(f"{submit}/v1/analyses/{job['id']}").status_code == 404, "submit serves no results"

            done = wait_final(client, job["links"]["self"])
            assert done["status"] == "succeeded", (done, (tmp_path / "analyze.log").read_text()[-3000:])
            report = done["result"]
            assert report["final_url"] == page
            assert {device["device"] for device in report["devices"]} == {"desktop", "mobile"}
            assert report["findings"], "the landing page has known issues (tests/corpus/README.md)"
            assert report["llm"]["status"] == "disabled"

            shot = report["screenshots"][0]["name"]
            png = client.get(f"{result}/v1/analyses/{job['id']}/screenshots/{shot}")
            assert png.status_code == 200 and png.content.startswith(PNG_SIGNATURE)
            html = client.get(job["links"]["report_html"])
            assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
            assert page in html.text
            legacy = client.get(f"{result}/analyze/status/{job['id']}").json()
            assert legacy["status"] == "SUCCESS" and legacy["result"]["issues"]

            bad = client.post(f"{submit}/v1/analyses", json={"url": "http://169.254.169.254/latest/meta-data/"})
            assert bad.status_code == 422 and bad.json()["error"]["code"] == "blocked_by_policy"
            ready = client.get(f"{stack.function_url('analyze')}/readyz").json()
            assert ready["checks"]["queue_backend"] == "cloudtasks" and ready["ready"] is True

            ((headers, body),) = receiver.wait_for(1)
    event = Webhook(SECRET).verify(body, headers)
    assert event["id"] == job["id"] and event["type"] == "analysis.succeeded"
    assert event["links"]["self"] == job["links"]["self"]
    assert event["result"]["final_url"] == page


@pytest.mark.timeout(120)
def test_make_dev_starts_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess

    port = free_port_block(5)
    log_path = tmp_path / "dev.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "dev.py"), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "KEY_PREFIX": "e2e-dev:"},
        )
    try:
        deadline = time.monotonic() + 90
        while "Ctrl-C stops everything" not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "make dev did not come up"
            time.sleep(0.2)
        for offset in range(3):
            assert httpx.get(f"http://127.0.0.1:{port + offset}/healthz", timeout=5).status_code == 200
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).json()
        assert ready["checks"]["store"] is True and ready["checks"]["queue"] is True
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 5
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], f"left running: {[child.cmdline() for child in alive]}"
