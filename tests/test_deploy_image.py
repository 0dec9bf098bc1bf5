"""The Dockerfile, its build context, its dependency lock and its entrypoint, read without a Docker engine."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.deploy import (
    DOCKERFILE,
    DOCKERIGNORE,
    ENTRYPOINT,
    REPO_ROOT,
    Stage,
    dockerfile_stages,
    iter_lock,
)

BUILD_TOOLS = ("build-essential", "gcc", "g++", "make", "clang", "python3-dev")
ROOT_USERS = {"root", "0"}


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return dockerfile_stages()


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def _env(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for value in stage.values("ENV"):
        for key, item in re.findall(r"(\w+)=(\S+)", value):
            env[key] = item
    return env


def _tool_binary(name: str) -> str:
    """A linter the dev extras ship as a wheel, next to this interpreter or on PATH."""
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    assert found, f"{name} is missing: `make install` installs it with the dev extras"
    return found


def test_multi_stage_build_with_pinned_bases(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    for stage in stages:
        assert "$" not in stage.base, f"unresolved base image {stage.base}"
        reference, _, digest = stage.base.partition("@")
        if digest.startswith("sha256:"):
            continue
        tag = reference.rsplit("/", 1)[-1].partition(":")[2]
        assert tag, f"untagged base image {stage.base}"
        assert tag != "latest" and re.search(r"\d", tag), f"base image {stage.base} is not pinned by version"


def test_final_stage_runs_as_non_root(final: Stage) -> None:
    users = final.values("USER")
    assert users, "the final stage sets no USER and would run as root"
    user, _, group = users[-1].partition(":")
    assert user not in ROOT_USERS and group not in ROOT_USERS


def test_final_stage_has_no_build_tools_and_no_caches(stages: list[Stage], final: Stage) -> None:
    final_runs = " ".join(final.values("RUN"))
    for tool in BUILD_TOOLS:
        assert not re.search(rf"(^|\s){re.escape(tool)}(\s|$)", final_runs), f"{tool} installed in the final stage"
    assert "pip install" not in final_runs, "dependencies belong in the builder stage"
    builder_runs = " ".join(run for stage in stages[:-1] for run in stage.values("RUN"))
    assert "build-essential" in builder_runs, "the builder stage should own the build tools"
    for stage in stages:
        for run in stage.values("RUN"):
            if "apt-get install" in run:
                assert "rm -rf /var/lib/apt/lists/*" in run, f"apt lists kept in a layer: {run}"
            if "pip install" in run:
                assert "--no-cache-dir" in run, f"pip cache kept in a layer: {run}"
    copies_from_builder = [copy for copy in final.values("COPY") if copy.startswith("--from=")]
    assert copies_from_builder == ["--from=builder /opt/venv /opt/venv"], copies_from_builder


def test_final_stage_ships_debian_chromium_headless_shell(final: Stage) -> None:
    runs = " ".join(final.values("RUN"))
    assert re.search(r"apt-get install .*\bchromium-headless-shell\b", runs)
    env = _env(final)
    assert env["CHROMIUM_PATH"] == "/usr/lib/chromium/chromium-headless-shell"
    assert env["CHROMIUM_SANDBOX"] == "false", "no user namespaces promised on Cloud Run or Render"


def test_port_is_honoured(final: Stage) -> None:
    env = _env(final)
    assert env["PORT"] == "8080"
    assert final.values("EXPOSE") == [env["PORT"]]
    script = ENTRYPOINT.read_text(encoding="utf-8")
    assert "port=${PORT:-8080}" in script
    assert script.count('--port "$port"') == 2, "gateway and functions must listen on $PORT"


def test_healthcheck_probes_the_role(final: Stage) -> None:
    (healthcheck,) = final.values("HEALTHCHECK")
    assert "/app/docker/healthcheck.py" in healthcheck
    assert re.search(r"--timeout=\d+s", healthcheck) and re.search(r"--start-period=\d+s", healthcheck)
    assert any("docker/healthcheck.py" in copy for copy in final.values("COPY"))


def test_entrypoint_is_exec_form_under_an_init(final: Stage) -> None:
    (entrypoint,) = final.values("ENTRYPOINT")
    command = json.loads(entrypoint)
    assert command == ["/usr/bin/tini", "--", "/app/docker/entrypoint.sh"]
    assert re.search(r"apt-get install .*\btini\b", " ".join(final.values("RUN")))
    assert os.access(ENTRYPOINT, os.X_OK), "docker/entrypoint.sh must be executable"


def test_build_context_holds_what_the_dockerfile_copies(stages: list[Stage]) -> None:
    lines = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*", ".dockerignore should allowlist the context"
    included = [rule[1:].rstrip("/") for rule in rules if rule.startswith("!")]
    for stage in stages:
        for copy in stage.values("COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _destination = copy.split()
            for source in sources:
                path = source.rstrip("/")
                assert (REPO_ROOT / path).exists(), f"COPY source {path} does not exist"
                assert any(path == item or path.startswith(item + "/") for item in included), (
                    f"COPY {path} is excluded by .dockerignore"
                )


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [_tool_binary("hadolint"), "--format", "json", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_shellcheck_finds_nothing_in_the_entrypoint() -> None:
    result = subprocess.run(
        [_tool_binary("shellcheck"), "--shell=sh", str(ENTRYPOINT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_lock_pins_the_declared_dependencies_and_nothing_for_development() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = {canonicalize_name(name): version for name, version in iter_lock()}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in docker/requirements.lock: run `python docker/lock.py`"
        assert requirement.specifier.contains(locked[name]), (
            f"{name}: pyproject wants {requirement.specifier}, the lock has {locked[name]}: run `python docker/lock.py`"
        )
    dev_only = {canonicalize_name(Requirement(line).name) for line in project["optional-dependencies"]["dev"]}
    assert not (dev_only & locked.keys()), f"dev tools in the image: {sorted(dev_only & locked.keys())}"


def _run_entrypoint(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env={"PATH": os.environ["PATH"], "CRO_ROLE_FILE": str(tmp_path / "role"), **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_entrypoint_refuses_an_unknown_function_target(tmp_path: Path) -> None:
    result = _run_entrypoint([], {"FUNCTION_TARGET": "sumbit"}, tmp_path)
    assert result.returncode == 64
    assert "FUNCTION_TARGET=sumbit" in result.stderr
    assert not (tmp_path / "role").exists()


def test_entrypoint_execs_a_command_in_place(tmp_path: Path) -> None:
    # The command prints its own PID: equal to the recorded one only if the script exec-ed into it, which
    # is what lets SIGTERM reach the real process.
    result = _run_entrypoint(["sh", "-c", "echo $$"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    role, pid = (tmp_path / "role").read_text(encoding="utf-8").split()
    assert role == "command"
    assert pid == result.stdout.strip()
