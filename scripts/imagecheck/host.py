"""What runs on the host beside the containers: redis-server, the Cloud Tasks emulator, the page."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from imagecheck.tools import STOP_TIMEOUT_S, ImageCheckError, free_port, wait_for

PAGE_DIR = Path(__file__).resolve().parents[2] / "examples" / "demo"
BIN = Path(sys.executable).parent  # the venv's, where `make install` puts gcloud-tasks-emulator
EMULATOR_PROJECT, EMULATOR_LOCATION, EMULATOR_QUEUE = "image-check", "local", "analyses"
EMULATOR_RETRIES = 2  # MAX_ATTEMPTS (3) deliveries in all


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@dataclass
class HostServices:
    """redis-server, the Cloud Tasks emulator and the page to analyse, on loopback ports of this host."""

    work: Path
    redis_port: int = field(default_factory=free_port)
    emulator_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    page_server: ThreadingHTTPServer | None = None

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def page_host(self) -> str:
        assert self.page_server is not None
        return f"127.0.0.1:{self.page_server.server_address[1]}"

    @property
    def page_url(self) -> str:
        return f"http://{self.page_host}/index.html"

    def start(self) -> None:
        self.page_server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(PAGE_DIR)))
        threading.Thread(target=self.page_server.serve_forever, daemon=True).start()
        redis_dir = self.work / "redis"
        redis_dir.mkdir()
        self._spawn(
            "redis",
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--dir", str(redis_dir), "--save", "", "--appendonly", "no"),
            ],
        )
        emulator = BIN / "gcloud-tasks-emulator"
        if not emulator.exists():
            raise ImageCheckError(f"{emulator} is missing: make install installs it")
        queue = f"projects/{EMULATOR_PROJECT}/locations/{EMULATOR_LOCATION}/queues/{EMULATOR_QUEUE}"
        self._spawn(
            "emulator",
            [
                str(emulator),
                "start",
                "--port",
                str(self.emulator_port),
                "--default-queue",
                queue,
                "--max-retries",
                str(EMULATOR_RETRIES),
            ],
        )
        wait_for(lambda: _accepts(self.redis_port), "redis-server to accept connections")
        wait_for(lambda: _accepts(self.emulator_port), "the Cloud Tasks emulator to accept connections")

    def _spawn(self, name: str, command: list[str]) -> None:
        with (self.work / f"{name}.log").open("wb") as log:
            self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.page_server is not None:
            self.page_server.shutdown()
            self.page_server.server_close()


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False
