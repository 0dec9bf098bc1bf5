"""The HTTP side under test: the gateway on a real uvicorn server in a thread, on a free loopback port.

`running_gateway(settings, analyze=...)` serves `create_app` exactly as `cro-analyzer serve` does, with an
injected analysis function where a test does not need Chromium. `GatedAnalysis` holds every analysis
until the test opens the gate, so a test can observe a job while it is queued or running.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn

from shared.config import Settings
from shared.errors import AnalysisError
from shared.http.gateway import create_app
from tests.support.servers import LoopbackServer, free_port

if TYPE_CHECKING:
    from shared.engine import AnalysisOptions, AnalysisOutcome, ProgressCallback
    from shared.service import AnalyzeFn

# Submitted URLs point here; the allowlist lets the URL policy accept them without a server.
TARGET = "127.0.0.1:8000"
START_TIMEOUT_S = 15.0
# A subprocess imports the whole CLI (Playwright included) before it listens; the machine may be busy.
CLI_START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
GATE_TIMEOUT_S = 60.0
POLL_TIMEOUT_S = 30.0
RECEIVE_TIMEOUT_S = 30.0


def http_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": None,
        "queue_backend": "inline",
        "allowed_private_hosts": [TARGET],
        "analysis_timeout_s": 30.0,
        "lease_s": 60.0,
        "max_attempts": 3,
        "retry_backoff_s": 0.01,
        "retry_backoff_max_s": 0.05,
        "shutdown_grace_s": 5.0,
        "key_prefix": "httptest:",
        "webhook_retry_backoff_s": 0.01,
        "webhook_retry_backoff_max_s": 0.05,
    }
    values.update(overrides)
    return Settings(**values)


class ServerThread:
    """uvicorn serving an ASGI app from a thread; `url(path)` addresses it."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"uvicorn-{self.port}", daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def running_gateway(settings: Settings, analyze: AnalyzeFn | None = None) -> Iterator[ServerThread]:
    with ServerThread(create_app(settings, analyze=analyze)) as server:
        yield server


class GatedAnalysis:
    """An analysis that waits for `release()` (at most GATE_TIMEOUT_S), then succeeds or raises `error`."""

    def __init__(self, error: AnalysisError | None = None) -> None:
        self.gate = threading.Event()
        self.calls: list[AnalysisOptions] = []
        self.error = error

    def release(self) -> None:
        self.gate.set()

    async def __call__(self, options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
        self.calls.append(options)
        await progress("capturing", 10)
        await asyncio.to_thread(self.gate.wait, GATE_TIMEOUT_S)
        if self.error is not None:
            raise self.error
        await progress("reporting", 95)
        return _outcome(options)


async def instant_analysis(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    await progress("capturing", 10)
    return _outcome(options)


def _outcome(options: AnalysisOptions) -> AnalysisOutcome:
    # Imported on use: the engine module pulls in capture, which a test of HTTP alone does not need.
    from tests.support.scripted_analysis import make_outcome

    return make_outcome(options)


def wait_for_status(client: httpx.Client, url: str, *statuses: str, timeout_s: float = POLL_TIMEOUT_S) -> dict:
    """Polls a JobView URL until its status is one of `statuses` (default: final)."""
    wanted = set(statuses or ("succeeded", "failed"))
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(url).json()
        if body.get("status") in wanted:
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(f"job at {url} stayed {body.get('status')!r}")
        time.sleep(0.02)


def target(path: str = "/") -> str:
    return f"http://{TARGET}{path}"


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=15.0) as client:
        yield client


class CliServer:
    """`cro-analyzer serve` (or any command that serves HTTP) as a subprocess on a free loopback port."""

    def __init__(self, *args: str, env: dict[str, str], log_path: Path, serves_http: bool = True) -> None:
        self.port = free_port()
        self._serves_http = serves_http
        command = [str(Path(sys.executable).with_name("cro-analyzer")), *args]
        if serves_http:
            command += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> CliServer:
        if not self._serves_http:
            return self
        deadline = time.monotonic() + CLI_START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self._log.name}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url("/healthz"), timeout=1.0).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)

    def terminate(self) -> int:
        """SIGTERM, then the exit code (killed after STOP_TIMEOUT_S)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def __exit__(self, *exc: object) -> None:
        self.terminate()


def settings_env(**values: object) -> dict[str, str]:
    """Settings as the environment variables a subprocess reads."""
    env: dict[str, str] = {}
    for name, value in values.items():
        env[name.upper()] = ",".join(value) if isinstance(value, list) else str(value)
    return env


class Receiver:
    """A webhook endpoint on loopback answering the scripted statuses in turn (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._arrived = threading.Condition()
        self.server = LoopbackServer(routes={"/hook": self._handle})

    def _handle(self, handler: SimpleHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = handler.rfile.read(length)
        status = self.statuses.pop(0) if self.statuses else 200
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        with self._arrived:
            self.received.append(({k.lower(): v for k, v in handler.headers.items()}, body))
            self._arrived.notify_all()

    @property
    def url(self) -> str:
        return self.server.url("/hook")

    def wait_for(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.received) >= count, timeout=RECEIVE_TIMEOUT_S):
                raise TimeoutError(f"{len(self.received)} webhook(s) arrived, expected {count}")
            return list(self.received)
