"""The image's roles as podman containers, grouped as the two deploy layouts, and one analysis through them."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from imagecheck.host import EMULATOR_LOCATION, EMULATOR_PROJECT, EMULATOR_QUEUE, HostServices
from imagecheck.memory import PeakMemory, memory_cgroup
from imagecheck.tools import (
    PODMAN_TIMEOUT_S,
    POLL_S,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    ImageCheckError,
    Podman,
    free_port,
    wait_for,
)

IMAGE = "localhost/cro-analyzer:image-check"
LABEL = "cro-analyzer.image-check"
ANALYSIS_TIMEOUT_S = 300.0
REPORT_TIMEOUT_S = 120.0


@dataclass
class RoleResult:
    """What one role showed: its processes' users, its /readyz checks, how it stopped."""

    role: str
    users: str
    ready: dict[str, object] = field(default_factory=dict)
    exit_code: int | None = None
    stop_s: float | None = None


@dataclass
class Container:
    """One role of the image, started as the platforms start it: FUNCTION_TARGET, no command."""

    podman: Podman
    run_id: str
    role: str
    env: dict[str, str]
    port: int | None = None  # None: the worker serves no HTTP
    name: str = ""

    def start(self) -> Container:
        self.name = f"cro-image-check-{self.run_id}-{self.role}"
        env = {**self.env, "FUNCTION_TARGET": self.role, "HOST": "127.0.0.1"}
        if self.port is not None:
            env["PORT"] = str(self.port)
        self.podman(
            "run",
            "--detach",
            "--name",
            self.name,
            "--label",
            f"{LABEL}={self.run_id}",
            "--network",
            "host",
            # HEALTHCHECK runs on demand below: its timer would need systemd, which is not PID 1 here.
            "--health-interval",
            "disable",
            *(option for key, value in env.items() for option in ("--env", f"{key}={value}")),
            IMAGE,
        )
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        result = subprocess.run(
            ["podman", "logs", "--tail", "60", self.name],
            capture_output=True,
            text=True,
            timeout=PODMAN_TIMEOUT_S,
            env=self.podman.env,
            check=False,
        )
        return result.stdout + result.stderr

    def running(self) -> bool:
        return self.podman("inspect", "--format", "{{.State.Running}}", self.name).strip() == "true"

    def wait_started(self) -> None:
        def started() -> bool:
            if not self.running():
                raise ImageCheckError(f"{self.role} exited while starting:\n{self.logs()}")
            if self.port is None:
                return self.healthcheck_passes()
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{self.url}/healthz", timeout=2.0).status_code == 200
            return False

        wait_for(started, f"{self.role} to start")

    def healthcheck_passes(self) -> bool:
        return self.podman.quietly("healthcheck", "run", self.name) == 0

    def process_users(self) -> set[str]:
        """The user of every process in the container (tini, the role, Chromium's helpers)."""
        table = self.podman("top", self.name, "user").splitlines()[1:]
        return {line.strip() for line in table if line.strip()}

    def cgroup_dir(self) -> Path:
        pid = self.podman("inspect", "--format", "{{.State.Pid}}", self.name).strip()
        return memory_cgroup(int(pid))

    def check(self) -> RoleResult:
        """Non-root, HEALTHCHECK, /readyz: what every role must show once it is up."""
        users = self.process_users()
        if not users or users & {"root", "0"}:
            raise ImageCheckError(f"{self.role} runs processes as {sorted(users)}")
        result = RoleResult(self.role, users=",".join(sorted(users)))
        if not self.healthcheck_passes():
            raise ImageCheckError(f"the HEALTHCHECK of {self.role} failed:\n{self.logs()}")
        if self.port is not None:
            ready = httpx.get(f"{self.url}/readyz", timeout=START_TIMEOUT_S)
            if ready.status_code != 200:
                raise ImageCheckError(f"{self.role} /readyz answered {ready.status_code}: {ready.text}")
            result.ready = ready.json()["checks"]
        return result

    def stop(self, result: RoleResult) -> None:
        """SIGTERM, as Cloud Run and Render send it; it must exit 0 within STOP_TIMEOUT_S."""
        started = time.monotonic()
        self.podman("kill", "--signal", "TERM", self.name)
        try:
            code = self.podman("wait", self.name, timeout=STOP_TIMEOUT_S).strip()
        except subprocess.TimeoutExpired:
            self.podman.quietly("kill", self.name)
            raise ImageCheckError(f"{self.role} ignored SIGTERM for {STOP_TIMEOUT_S:g} s:\n{self.logs()}") from None
        result.stop_s = time.monotonic() - started
        result.exit_code = int(code)
        if result.exit_code != 0:
            raise ImageCheckError(f"{self.role} exited {code} on SIGTERM:\n{self.logs()}")


@dataclass
class Analysis:
    layout: str
    analyser: str
    seconds: float
    html_bytes: int
    pdf_bytes: int
    memory: str


def analyse(layout: str, submit_url: str, page_url: str, analyser: Container) -> Analysis:
    """Submits the page, waits for `succeeded` while watching `analyser`'s memory, fetches both reports."""
    with httpx.Client(timeout=REPORT_TIMEOUT_S) as client:
        with PeakMemory(analyser.cgroup_dir()) as memory:
            started = time.monotonic()
            job = _submit(client, layout, submit_url, page_url)
            while job["status"] not in ("succeeded", "failed"):
                if time.monotonic() - started > ANALYSIS_TIMEOUT_S:
                    raise ImageCheckError(f"{layout}: still {job['status']} after {ANALYSIS_TIMEOUT_S:g} s")
                time.sleep(POLL_S)
                job = client.get(job["links"]["self"]).json()
            seconds = time.monotonic() - started
        if job["status"] != "succeeded":
            raise ImageCheckError(f"{layout}: the analysis failed: {job.get('error')}\n{analyser.logs()}")
        html = client.get(job["links"]["report_html"])
        if html.status_code != 200 or page_url not in html.text:
            raise ImageCheckError(f"{layout}: report.html answered {html.status_code}")
        pdf = client.get(job["links"]["report_pdf"])
        if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF-"):
            raise ImageCheckError(f"{layout}: report.pdf answered {pdf.status_code}: {pdf.text[:300]}")
    return Analysis(layout, analyser.role, seconds, len(html.content), len(pdf.content), memory.describe())


def _submit(client: httpx.Client, layout: str, submit_url: str, page_url: str) -> dict[str, Any]:
    submitted = client.post(f"{submit_url}/v1/analyses", json={"url": page_url, "llm": False})
    if submitted.status_code not in (200, 202):
        raise ImageCheckError(f"{layout}: submit answered {submitted.status_code}: {submitted.text}")
    job: dict[str, Any] = submitted.json()
    return job


@dataclass
class Layout:
    """Containers of one deployment shape: started together, checked, then stopped one by one."""

    name: str
    containers: list[Container]
    results: list[RoleResult] = field(default_factory=list)

    @contextlib.contextmanager
    def running(self) -> Iterator[Layout]:
        try:
            for container in self.containers:
                container.start()
            for container in self.containers:
                container.wait_started()
            self.results = [container.check() for container in self.containers]
            yield self
            for container, result in zip(self.containers, self.results, strict=True):
                container.stop(result)
        finally:
            for container in self.containers:
                if container.name:
                    container.podman.quietly("rm", "--force", "--time", "0", container.name)

    def role(self, name: str) -> Container:
        return next(container for container in self.containers if container.role == name)


def common_env(services: HostServices, layout: str) -> dict[str, str]:
    return {
        "REDIS_URL": services.redis_url,
        "KEY_PREFIX": f"image-check-{layout}:",
        "ALLOWED_PRIVATE_HOSTS": services.page_host,
        "LOG_LEVEL": "INFO",
    }


def render_layout(podman: Podman, run_id: str, services: HostServices) -> Layout:
    env = {**common_env(services, "render"), "QUEUE_BACKEND": "redis"}
    return Layout(
        "Render (gateway + worker + redis-server)",
        [Container(podman, run_id, "gateway", env, free_port()), Container(podman, run_id, "worker", env)],
    )


def cloud_run_layout(podman: Podman, run_id: str, services: HostServices) -> Layout:
    ports = {role: free_port() for role in ("submit", "analyze", "result")}
    env = {
        **common_env(services, "cloudrun"),
        "QUEUE_BACKEND": "cloudtasks",
        "CLOUD_TASKS_EMULATOR_HOST": f"127.0.0.1:{services.emulator_port}",
        "CLOUD_TASKS_PROJECT": EMULATOR_PROJECT,
        "CLOUD_TASKS_LOCATION": EMULATOR_LOCATION,
        "CLOUD_TASKS_QUEUE": EMULATOR_QUEUE,
        "ANALYZE_URL": f"http://127.0.0.1:{ports['analyze']}/v1/tasks/analyze",
        "TASK_SECRET": secrets.token_urlsafe(24),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['result']}",
    }
    return Layout(
        "Cloud Run (submit + analyze + result + Cloud Tasks emulator + redis-server)",
        [Container(podman, run_id, role, env, port) for role, port in ports.items()],
    )
