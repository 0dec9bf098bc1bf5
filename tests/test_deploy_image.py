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
    LOCK_FILE,
    REPO_ROOT,
    Stage,
    dockerfile_stages,
    installed_requirements,
    iter_lock,
    lock_script,
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


def test_no_stage_installs_build_tools_and_none_keeps_caches(stages: list[Stage], final: Stage) -> None:
    # Every locked package has a wheel for amd64 and arm64 (docker/lock.py checks), so not even the
    # builder needs a compiler.
    for stage in stages:
        runs = " ".join(stage.values("RUN"))
        for tool in BUILD_TOOLS:
            assert not re.search(rf"(^|\s){re.escape(tool)}(\s|$)", runs), f"{tool} installed in {stage.alias}"
    assert "pip install" not in " ".join(final.values("RUN")), "dependencies belong in the builder stage"
    for stage in stages:
        for run in stage.values("RUN"):
            if "apt-get install" in run:
                assert "rm -rf /var/lib/apt/lists/*" in run, f"apt lists kept in a layer: {run}"
                assert "apt-get clean" in run, f"downloaded packages kept in a layer: {run}"
            if "pip install" in run:
                assert "--no-cache-dir" in run, f"pip cache kept in a layer: {run}"
    copies_from_builder = [copy for copy in final.values("COPY") if copy.startswith("--from=")]
    assert copies_from_builder == ["--from=builder /opt/venv /opt/venv"], copies_from_builder


def test_final_stage_ships_debian_chromium_headless_shell(final: Stage) -> None:
    runs = " ".join(final.values("RUN"))
    assert re.search(r"apt-get install .*\bchromium-headless-shell\b", runs)
    # Playwright's bundled Node.js links libatomic.so.1; without it no browser starts in the image.
    assert re.search(r"apt-get install .*\blibatomic1\b", runs)
    env = _env(final)
    assert env["CHROMIUM_PATH"] == "/usr/lib/chromium/chromium-headless-shell"
    assert env["CHROMIUM_SANDBOX"] == "false", "no user namespaces promised on Cloud Run or Render"


def test_the_build_starts_chromium_as_the_roles_will(final: Stage) -> None:
    """A library missing from the runtime stage fails the build, not every analysis in production."""
    names = [item.name for item in final.instructions]
    check = next(
        index
        for index, item in enumerate(final.instructions)
        if item.name == "RUN" and "docker/browser_check.py" in item.value
    )
    assert "USER" in names[:check], "the check runs as the user the roles run as"
    assert "ENV" in names[:check], "with the roles' CHROMIUM_PATH and sandbox setting"
    assert any("docker/browser_check.py" in copy for copy in final.values("COPY"))
    script = (REPO_ROOT / "docker" / "browser_check.py").read_text(encoding="utf-8")
    assert "BrowserPool" in script, "the check launches through the roles' own pool"


@pytest.mark.browser
def test_the_build_step_starts_chromium_here() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "docker" / "browser_check.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Chromium ") and result.stdout.strip().endswith(": ok")


def test_the_lock_alone_decides_what_pip_installs(stages: list[Stage]) -> None:
    runs = [run for stage in stages[:-1] for run in stage.values("RUN") if "pip install" in run]
    (from_lock,) = [run for run in runs if "requirements.lock" in run]
    for option in ("--require-hashes", "--no-deps", "--only-binary=:all:"):
        assert option in from_lock, f"the lock is installed without {option}"
    (project,) = [run for run in runs if run is not from_lock]
    assert "--no-deps" in project and "--no-build-isolation" in project, "the project's install fetches nothing"
    assert project.rstrip().endswith("pip check"), "pip check after the last install"


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
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    locked = {canonicalize_name(entry.name): entry.version for entry in iter_lock()}
    for line in [*project["dependencies"], *pyproject["build-system"]["requires"]]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in docker/requirements.lock: run `python docker/lock.py`"
        assert requirement.specifier.contains(locked[name]), (
            f"{name}: pyproject wants {requirement.specifier}, the lock has {locked[name]}: run `python docker/lock.py`"
        )
    dev_only = {canonicalize_name(Requirement(line).name) for line in project["optional-dependencies"]["dev"]}
    assert not (dev_only & locked.keys()), f"dev tools in the image: {sorted(dev_only & locked.keys())}"


def test_every_locked_package_has_wheel_hashes() -> None:
    entries = list(iter_lock())
    assert entries
    for entry in entries:
        assert entry.hashes, f"{entry.name} has no --hash: pip --require-hashes refuses the whole lock"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in entry.hashes), entry.name
    names = [canonicalize_name(entry.name) for entry in entries]
    assert len(names) == len(set(names)), "a package locked twice"


def test_lock_follows_requirements_for_the_images_interpreters() -> None:
    """Bookworm's python3 is 3.11.2, where redis needs async-timeout (python_full_version < 3.11.3): a
    dependency behind a marker the image meets is locked even where this machine does not meet it."""
    lock = lock_script()
    pythons = {target.python for target in lock.TARGETS}
    assert {"3.11.2", "3.11.14"} <= pythons, "bookworm's python3 and the Dockerfile's pinned base"
    assert {target.machine for target in lock.TARGETS} == {"x86_64", "aarch64"}
    locked = {canonicalize_name(entry.name) for entry in iter_lock()}
    for entry in iter_lock():
        for requirement in installed_requirements(entry.name, entry.version):
            if lock.wanted(requirement, frozenset(), lock.TARGETS):
                assert canonicalize_name(requirement.name) in locked, (
                    f"{entry.name} needs {requirement} on the image: run `python docker/lock.py`"
                )
    assert "async-timeout" in locked


def test_a_dependency_only_the_image_needs_is_fetched_and_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    lock = lock_script()
    real_installed = lock.installed
    monkeypatch.setattr(lock, "installed", lambda name: None if name == "async-timeout" else real_installed(name))
    fetched: list[str] = []

    def fetch(name: str, specifier: object) -> object:
        fetched.append(f"{name}{specifier}")
        return lock.Package("5.0.1", ())

    here = lock.Target("3.11.7", "x86_64")
    closure = lock.runtime_closure([Requirement("redis")], fetch, targets=[here])
    assert "async-timeout" not in closure, "3.11.7 does not meet the marker"
    closure = lock.runtime_closure([Requirement("redis")], fetch, targets=[here, lock.Target("3.11.2", "x86_64")])
    assert closure["async-timeout"] == "5.0.1"
    assert fetched == ["async-timeout>=4.0.3"]


def test_platform_tags_cover_every_older_manylinux() -> None:
    lock = lock_script()
    amd64 = lock.Target("3.11.2", "x86_64").platform_tags()
    assert amd64[0] == "manylinux_2_36_x86_64" and "manylinux_2_37_x86_64" not in amd64
    assert {"manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(amd64)
    arm64 = lock.Target("3.11.2", "aarch64").platform_tags()
    assert "manylinux2014_aarch64" in arm64 and "manylinux_2_16_aarch64" not in arm64


def test_rendered_lock_reads_back(tmp_path: Path) -> None:
    lock = lock_script()
    pins = {"a-b": lock.Pin("1.0", ("0" * 64, "f" * 64)), "c": lock.Pin("2.0", ("1" * 64,))}
    path = tmp_path / LOCK_FILE.name
    path.write_text(lock.render_lock(pins), encoding="utf-8")
    assert [(e.name, e.version, e.hashes) for e in iter_lock(path)] == [
        ("a-b", "1.0", ("0" * 64, "f" * 64)),
        ("c", "2.0", ("1" * 64,)),
    ]


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
