"""End to end through `cro-analyzer serve` as a subprocess, with the real engine (Chromium) on a corpus page:
the embedded mode (one process: in-process store, inline queue), and the gateway with `cro-analyzer
worker` on redis-server (Redis Streams). Both end with SIGTERM and a clean exit."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from harness.processes import CliServer, settings_env
from harness.servers import LoopbackServer

ANALYSIS_TIMEOUT_S = 120.0


def wait_final(client: httpx.Client, url: str) -> dict:
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
    while True:
        job = client.get(url).json()
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.5)


def analyse(client: httpx.Client, server: CliServer, page: str) -> dict:
    response = client.post(server.url("/v1/analyses"), json={"url": page, "llm": False})
    assert response.status_code == 202, response.text
    return wait_final(client, response.json()["links"]["self"])


@pytest.mark.browser
@pytest.mark.timeout(200)
def test_embedded_serve(corpus_server: LoopbackServer, tmp_path: Path) -> None:
    env = settings_env(allowed_private_hosts=[corpus_server.host_port], log_level="INFO")
    env["REDIS_URL"] = ""
    page = corpus_server.url("/shop-homepage/index.html")
    with CliServer("serve", env=env, log_path=tmp_path / "serve.log") as server, httpx.Client(timeout=30) as client:
        done = analyse(client, server, page)
        assert done["status"] == "succeeded", (tmp_path / "serve.log").read_text()[-3000:]
        assert done["result"]["final_url"] == page
        # The one end-to-end run on the production default: each device measured under Lighthouse's conditions.
        conditions = {device["device"]: device["metrics"]["conditions"] for device in done["result"]["devices"]}
        assert conditions["mobile"]["profile"] == "lighthouse-mobile" and conditions["mobile"]["cpu_slowdown"] == 4
        assert conditions["desktop"]["profile"] == "lighthouse-desktop"
        html = client.get(done["links"]["report_html"])
        assert html.status_code == 200 and page in html.text
        assert html.headers["x-content-type-options"] == "nosniff"
        pdf = client.get(done["links"]["report_pdf"])
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        again = client.post(server.url("/v1/analyses"), json={"url": page, "llm": False})
        assert again.status_code == 200 and again.json()["cached"] is True
        ready = client.get(server.url("/readyz")).json()
        assert ready["checks"]["queue_backend"] == "inline" and ready["checks"]["browser"] is True
        assert server.terminate() == 0
    log = (tmp_path / "serve.log").read_text()
    assert '"message": "job succeeded"' in log
    assert log.index('"message": "Application shutdown complete."') < log.index('"message": "stopped"')


@pytest.mark.browser
@pytest.mark.timeout(200)
def test_gateway_and_worker_on_redis(corpus_server: LoopbackServer, redis_url: str, tmp_path: Path) -> None:
    env = settings_env(
        allowed_private_hosts=[corpus_server.host_port],
        redis_url=redis_url,
        queue_backend="redis",
        key_prefix="e2e-gateway:",
        mobile_throttling="none",
        desktop_throttling="none",
    )
    page = corpus_server.url("/new-age/index.html")
    with (
        CliServer("serve", env=env, log_path=tmp_path / "serve.log") as server,
        CliServer("worker", env=env, log_path=tmp_path / "worker.log", serves_http=False) as worker,
        httpx.Client(timeout=30) as client,
    ):
        ready = client.get(server.url("/readyz")).json()
        assert ready["checks"]["queue_backend"] == "redis" and ready["ready"] is True
        done = analyse(client, server, page)
        assert done["status"] == "succeeded", (tmp_path / "worker.log").read_text()[-3000:]
        assert done["result"]["final_url"] == page
        assert {device["device"] for device in done["result"]["devices"]} == {"desktop", "mobile"}
        assert worker.terminate() == 0
        assert server.terminate() == 0
    assert "job succeeded" in (tmp_path / "worker.log").read_text()
