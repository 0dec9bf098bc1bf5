"""`make dev`: the Cloud Run shape on one machine, with real parts.

redis-server, the Cloud Tasks emulator and the three functions as separate `functions-framework`
processes on loopback ports, wired as in Cloud Run: submit stores the job and creates a Cloud Task, the
emulator pushes it to the analyze function (with the task secret: the emulator sends no OIDC token),
and result serves the job and its report. Links in answers point at the result function.

    python scripts/dev.py [--port 8081]     submit :8081, result :8082, analyze :8083,
                                            emulator :8084, redis :8085

Variables already in the environment (ANTHROPIC_API_KEY, ALLOWED_PRIVATE_HOSTS, ...) reach the
functions. Ctrl-C or SIGTERM stops every process; a process that exits on its own stops the rest.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FUNCTIONS = ("submit", "result", "analyze")
PROJECT, LOCATION, QUEUE = "dev", "local", "analyses"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
POLL_S = 0.1


def _executable(name: str) -> str:
    beside_python = BIN / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (make install; apt-get install redis-server)")
    return found


@dataclass
class DevStack:
    """The five processes; `start()` returns once every one answers, `stop()` ends them all."""

    port: int = 8081
    host: str = "127.0.0.1"
    env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path | None = None  # None: every process writes to this terminal
    task_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def function_url(self, name: str) -> str:
        return f"http://{self.host}:{self.port + FUNCTIONS.index(name)}"

    @property
    def emulator_port(self) -> int:
        return self.port + 3

    @property
    def redis_port(self) -> int:
        return self.port + 4

    @property
    def analyze_url(self) -> str:
        return self.function_url("analyze") + "/v1/tasks/analyze"

    def function_env(self) -> dict[str, str]:
        return {
            **os.environ,
            **self.env,
            "REDIS_URL": f"redis://{self.host}:{self.redis_port}/0",
            "QUEUE_BACKEND": "cloudtasks",
            "CLOUD_TASKS_EMULATOR_HOST": f"{self.host}:{self.emulator_port}",
            "CLOUD_TASKS_PROJECT": PROJECT,
            "CLOUD_TASKS_LOCATION": LOCATION,
            "CLOUD_TASKS_QUEUE": QUEUE,
            "ANALYZE_URL": self.analyze_url,
            "TASK_SECRET": self.task_secret,
            "PUBLIC_BASE_URL": self.function_url("result"),
        }

    def start(self) -> DevStack:
        try:
            self._start_redis()
            self._start_emulator()
            for name in FUNCTIONS:
                self._start_function(name)
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, name: str, command: list[str], env: Mapping[str, str] | None = None) -> None:
        output = (self.log_dir / f"{name}.log").open("wb") if self.log_dir is not None else None
        # Own session: a Ctrl-C in the terminal reaches only this script, which then stops the children
        # in order instead of all of them dying at once.
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env or os.environ),
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        if output is not None:
            output.close()

    def _start_redis(self) -> None:
        self._redis_dir = tempfile.TemporaryDirectory(prefix="cro-dev-redis-")
        self._spawn(
            "redis",
            [
                _executable("redis-server"),
                "--port",
                str(self.redis_port),
                "--bind",
                self.host,
                "--dir",
                self._redis_dir.name,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )

    def _start_emulator(self) -> None:
        max_retries = int(self.function_env().get("MAX_ATTEMPTS", "3")) - 1
        self._spawn(
            "emulator",
            [
                _executable("gcloud-tasks-emulator"),
                "start",
                "--port",
                str(self.emulator_port),
                "--default-queue",
                f"projects/{PROJECT}/locations/{LOCATION}/queues/{QUEUE}",
                "--max-retries",
                str(max(max_retries, 0)),
            ],
        )

    def _start_function(self, name: str) -> None:
        port = self.port + FUNCTIONS.index(name)
        self._spawn(
            name,
            [
                _executable("functions-framework"),
                "--target",
                name,
                "--source",
                str(ROOT / "functions" / name / "main.py"),
                "--asgi",
                "--host",
                self.host,
                "--port",
                str(port),
            ],
            env=self.function_env(),
        )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = {
            "redis": lambda: _accepts(self.host, self.redis_port),
            "emulator": lambda: _accepts(self.host, self.emulator_port),
            **{name: (lambda name=name: _healthy(self.function_url(name))) for name in FUNCTIONS},
        }
        while waiting:
            for name, ready in list(waiting.items()):
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited with {self.processes[name].returncode} while starting")
                if ready():
                    del waiting[name]
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {START_TIMEOUT_S:g} s: {', '.join(waiting)}")
            time.sleep(POLL_S)

    def exited(self) -> str | None:
        """The name of a process that has stopped on its own, if any."""
        return next((name for name, process in self.processes.items() if process.poll() is not None), None)

    def stop(self) -> None:
        # Functions first (they finish in-flight requests), then the queue, then the store.
        for name in (*reversed(FUNCTIONS), "emulator", "redis"):
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        redis_dir = getattr(self, "_redis_dir", None)
        if redis_dir is not None:
            redis_dir.cleanup()

    def __enter__(self) -> DevStack:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8081, help="first of five consecutive ports (default 8081)")
    args = parser.parse_args(argv)
    stack = DevStack(port=args.port)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        with stack:
            submit, result = stack.function_url("submit"), stack.function_url("result")
            print(
                f"\nsubmit   {submit}/v1/analyses\nresult   {result}/v1/analyses/{{id}}\n"
                f"analyze  {stack.analyze_url}  (pushed by the Cloud Tasks emulator on :{stack.emulator_port})\n"
                f"redis    redis://{stack.host}:{stack.redis_port}/0\n\n"
                f"try:  curl -s -X POST {submit}/v1/analyses -H 'content-type: application/json' "
                '-d \'{"url": "https://example.com"}\'\n\nCtrl-C stops everything.\n',
                flush=True,
            )
            while (stopped := stack.exited()) is None:
                time.sleep(0.5)
            print(f"{stopped} exited; stopping the rest", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
