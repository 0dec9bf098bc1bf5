"""The service's own commands as subprocesses: `cro-analyzer serve` (or another HTTP role) on a free
loopback port, started, waited for and stopped the way a platform would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from harness.servers import free_port

# A subprocess imports the whole CLI (Playwright included) before it listens; the machine may be busy.
CLI_START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


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
