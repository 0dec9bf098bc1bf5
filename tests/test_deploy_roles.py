"""Each role of the image, started through docker/entrypoint.sh as the container starts it: it answers (or
consumes a job), the image's health check agrees, and SIGTERM ends it cleanly."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from harness.servers import LoopbackServer, free_port
from shared.cli import COMMANDS
from shared.service import Runtime, submit_job
from tests.support.deploy import REPO_ROOT, RoleProcess, healthcheck
from tests.support.jobs import jobs_settings, request, wait_until

FUNCTIONS = ("submit", "analyze", "result")
VENV_PATH = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
# Graceful exits: 0, or the signal re-raised once shutdown finished (uvicorn does so, as a good citizen
# should, so the platform sees "terminated by SIGTERM"). RoleProcess.terminate fails if SIGKILL was needed.
GRACEFUL_EXITS = (0, -signal.SIGTERM)
# The worker runs this instead of Chromium: a real analysis function from the job tests' support.
SCRIPTED_ANALYSIS = "harness.scripted_analysis:slow_analysis"


def _require_command(name: str) -> None:
    if name not in COMMANDS:
        pytest.skip(f"`cro-analyzer {name}` is not registered yet (shared/cli/{name}.py has not landed)")


def _require_function(name: str) -> None:
    if not (REPO_ROOT / "functions" / name / "main.py").exists():
        pytest.skip(f"functions/{name}/main.py has not landed yet")


def _healthz_route(status: int) -> dict[str, object]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return {"/healthz": answer}


# --- the health check on its own --------------------------------------------------------------------------


def test_healthcheck_passes_an_http_role_only_while_healthz_answers_200(tmp_path: Path) -> None:
    role_file = tmp_path / "role"
    role_file.write_text(f"gateway {os.getpid()}\n", encoding="utf-8")
    with LoopbackServer(routes=_healthz_route(200)) as server:  # type: ignore[arg-type]
        env = {"CRO_ROLE_FILE": str(role_file), "PORT": str(server.port)}
        assert healthcheck(env).returncode == 0
    with LoopbackServer(routes=_healthz_route(503)) as server:  # type: ignore[arg-type]
        assert healthcheck({**env, "PORT": str(server.port)}).returncode == 1
    assert healthcheck({**env, "PORT": str(free_port())}).returncode == 1


def test_healthcheck_passes_a_worker_while_its_process_lives(tmp_path: Path) -> None:
    role_file = tmp_path / "role"
    # Nothing listens on the port: a worker must not be judged by HTTP.
    env = {"CRO_ROLE_FILE": str(role_file), "PORT": str(free_port())}
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        role_file.write_text(f"worker {sleeper.pid}\n", encoding="utf-8")
        assert healthcheck(env).returncode == 0
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)
    assert healthcheck(env).returncode == 1


def test_healthcheck_without_a_role_file_probes_the_function_target(tmp_path: Path) -> None:
    env = {"CRO_ROLE_FILE": str(tmp_path / "missing"), "FUNCTION_TARGET": "submit"}
    with LoopbackServer(routes=_healthz_route(200)) as server:  # type: ignore[arg-type]
        assert healthcheck({**env, "PORT": str(server.port)}).returncode == 0
    assert healthcheck({**env, "PORT": str(free_port())}).returncode == 1


# --- the roles --------------------------------------------------------------------------------------------


def test_gateway_role_serves_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    _require_command("serve")
    role = RoleProcess([], {**VENV_PATH, "FUNCTION_TARGET": "gateway"}, tmp_path / "gateway.log")
    with role:
        role.wait_healthy()
        assert role.role_file.read_text(encoding="utf-8").split() == ["gateway", str(role.process.pid)]  # type: ignore[union-attr]
        assert healthcheck({"CRO_ROLE_FILE": str(role.role_file), "PORT": str(role.port)}).returncode == 0
        assert role.terminate() in GRACEFUL_EXITS, role.log()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_role_serves_healthz_and_stops_on_sigterm(name: str, tmp_path: Path) -> None:
    _require_function(name)
    assert importlib.util.find_spec("functions_framework") is not None
    role = RoleProcess([], {**VENV_PATH, "FUNCTION_TARGET": name}, tmp_path / f"{name}.log")
    with role:
        role.wait_healthy()
        assert healthcheck({"CRO_ROLE_FILE": str(role.role_file), "PORT": str(role.port)}).returncode == 0
        assert role.terminate() in GRACEFUL_EXITS, role.log()


async def test_worker_role_consumes_a_job_from_redis(redis_url: str, tmp_path: Path) -> None:
    _require_command("worker")
    settings = jobs_settings(redis_url, queue_backend="redis")
    calls_file = tmp_path / "calls"
    env = {
        **VENV_PATH,
        "REDIS_URL": redis_url,
        "QUEUE_BACKEND": "redis",
        "KEY_PREFIX": settings.key_prefix,
        "ALLOWED_PRIVATE_HOSTS": ",".join(settings.allowed_private_hosts),
        "SCRIPTED_ANALYSIS_CALLS_FILE": str(calls_file),
    }
    # The command form (`worker` as the first argument), as `docker run IMAGE worker` gives it.
    role = RoleProcess(["worker", "--analyze-fn", SCRIPTED_ANALYSIS], env, tmp_path / "worker.log")
    rt = await Runtime.create(settings)
    try:
        with role:
            outcome = await submit_job(rt, request("/deploy"), principal="deploy-test", idempotency_key=None)
            job = await wait_until(rt, outcome.job.id)
            assert job.status == "succeeded", role.log()
            assert calls_file.read_text(encoding="utf-8").split() == [str(role.process.pid), job.url]  # type: ignore[union-attr]
            assert healthcheck({"CRO_ROLE_FILE": str(role.role_file), "PORT": str(free_port())}).returncode == 0
            assert role.terminate() in GRACEFUL_EXITS, role.log()
    finally:
        await rt.close()
