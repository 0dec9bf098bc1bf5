"""A function as functions-framework runs it (`--asgi`, gunicorn + uvicorn worker): it answers only its
own paths, in the error shape, documents only those, logs JSON lines, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from harness.servers import free_port
from tests.support.gateway import TARGET

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def start_function(name: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("functions-framework")),
        "--target",
        name,
        "--source",
        str(ROOT / "functions" / name / "main.py"),
        "--asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = {**os.environ, "REDIS_URL": "", "ALLOWED_PRIVATE_HOSTS": TARGET, "LOG_LEVEL": "INFO"}
    with log_path.open("wb") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        assert process.poll() is None, "the function exited while starting"
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the function did not start"
        time.sleep(0.1)


@pytest.mark.timeout(150)
def test_the_submit_function_serves_its_paths_only_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "submit.log"
    process = start_function("submit", port, log_path)
    try:
        wait_healthy(url, process)
        with httpx.Client(timeout=15) as client:
            refused = client.post(f"{url}/v1/analyses", json={"url": "http://10.0.0.7/"})
            assert refused.status_code == 422 and refused.json()["error"]["code"] == "blocked_by_policy"
            accepted = client.post(f"{url}/v1/analyses", json={"url": f"http://{TARGET}/", "llm": False})
            assert accepted.status_code == 202, accepted.text

            other = client.get(f"{url}/v1/analyses/{'a' * 32}")
            assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
            wrong_method = client.put(f"{url}/v1/analyses", json={})
            assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
            assert wrong_method.json()["error"]["code"] == "method_not_allowed"
            assert client.get(f"{url}/healthz").json() == {"status": "ok"}

            paths = set(client.get(f"{url}/openapi.json").json()["paths"])
            assert {"/v1/analyses", "/analyze/async", "/healthz", "/readyz"} <= paths
            assert not paths & {"/v1/analyses/{job_id}", "/v1/tasks/analyze", "/analyze/status/{task_id}"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_TIMEOUT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = log_path.read_text()
    assert '"severity": "INFO"' in log and '"logger": "shared.service"' in log, log[-2000:]


@pytest.mark.timeout(150)
def test_the_result_and_analyze_functions_answer_their_own_paths(tmp_path: Path) -> None:
    processes = {}
    try:
        for name in ("result", "analyze"):
            port = free_port()
            processes[name] = (f"http://127.0.0.1:{port}", start_function(name, port, tmp_path / f"{name}.log"))
        for url, process in processes.values():
            wait_healthy(url, process)
        result_url, analyze_url = processes["result"][0], processes["analyze"][0]
        with httpx.Client(timeout=15) as client:
            missing = client.get(f"{result_url}/v1/analyses/{'b' * 32}")
            assert missing.status_code == 404 and missing.json()["error"]["code"] == "job_not_found"
            # The result function lists analyses on that path but does not take submits.
            not_here = client.post(f"{result_url}/v1/analyses", json={"url": "http://x"})
            assert not_here.status_code == 405 and not_here.headers["allow"] == "GET, HEAD"
            unauthenticated = client.post(f"{analyze_url}/v1/tasks/analyze", json={"job_id": "b" * 32})
            assert unauthenticated.status_code == 401
            assert client.get(f"{analyze_url}/v1/analyses/{'b' * 32}").status_code == 404
    finally:
        for _, process in processes.values():
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
