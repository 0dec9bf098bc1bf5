"""`make image-check` and CI, read without running them (the check itself needs root, buildah and podman,
and takes minutes; .ci/run runs it): what CI runs, what the build is given, and the parts that read this
machine."""

from __future__ import annotations

import importlib
import os
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.deploy import DOCKERFILE, REPO_ROOT

CI_SCRIPT = REPO_ROOT / ".ci" / "run"
MAKEFILE = REPO_ROOT / "Makefile"


@pytest.fixture
def imagecheck(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(REPO_ROOT / "scripts"))
    return {name: importlib.import_module(f"imagecheck.{name}") for name in ("build", "memory", "tools")}


def _recipe(target: str) -> list[str]:
    makefile = MAKEFILE.read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match, f"no make target {target}"
    return [line.strip() for line in match.group(1).splitlines()]


def test_ci_runs_the_readme_test_command_then_the_image_check() -> None:
    commands = [
        line.strip()
        for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    makes = [line for line in commands if line.startswith("make ")]
    assert [line.split()[1] for line in makes] == ["test", "image-check"]
    assert not any("apt-get" in line for line in commands), "make installs what it needs, so CI proves it does"


def test_make_test_installs_redis_server_first() -> None:
    recipe = _recipe("test")
    assert recipe.index("sh scripts/install_test_tools.sh") < next(
        index for index, line in enumerate(recipe) if "pytest" in line
    )
    script = (REPO_ROOT / "scripts" / "install_test_tools.sh").read_text(encoding="utf-8")
    assert "apt-get install" in script and "redis-server" in script


def test_make_image_check_runs_the_script() -> None:
    assert any("scripts/image_check.py" in line for line in _recipe("image-check"))


def test_podman_gets_a_containers_conf_of_its_own(imagecheck: dict[str, ModuleType], tmp_path: Path) -> None:
    machine_conf = os.environ.get("CONTAINERS_CONF")
    podman = imagecheck["tools"].Podman(tmp_path)
    assert Path(podman.env["CONTAINERS_CONF"]).parent == tmp_path
    assert os.environ.get("CONTAINERS_CONF") == machine_conf, "this process's environment is left alone"
    conf = tomllib.loads(Path(podman.env["CONTAINERS_CONF"]).read_text(encoding="utf-8"))
    assert conf["engine"]["runtime"] == "runc" and conf["engine"]["cgroup_manager"] == "cgroupfs"
    assert any(limit.startswith("nofile=") for limit in conf["containers"]["default_ulimits"])


def test_the_build_gets_the_hosts_ca_and_pip_config_read_only_never_baked(imagecheck: dict[str, ModuleType]) -> None:
    mounts = imagecheck["build"].BUILD_MOUNTS
    assert ("/etc/ssl/certs", "/etc/ssl/certs") in mounts and ("/etc/pip.conf", "/etc/pip.conf") in mounts
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    for host, _inside in mounts:
        assert host not in dockerfile, f"{host} is the build machine's, not the image's"
    build_source = Path(imagecheck["build"].__file__).read_text(encoding="utf-8")
    assert ':ro"' in build_source, "mounted read-only"


def test_the_standin_base_is_named_after_its_recipe(imagecheck: dict[str, ModuleType]) -> None:
    build = imagecheck["build"]
    reference = build.standin_reference()
    assert reference == build.standin_reference()
    assert reference.startswith(f"{build.STANDIN_REPOSITORY}:bookworm-")
    assert set(build.STANDIN_PACKAGES) == {"python3", "python3-venv", "python-is-python3", "ca-certificates"}
    assert "bookworm-security" in build.STANDIN_SOURCES, "security updates reach the stand-in as the real base"


@pytest.mark.skipif(not Path("/proc/self/cgroup").exists(), reason="no cgroups on this system")
def test_a_process_memory_cgroup_is_found(imagecheck: dict[str, ModuleType]) -> None:
    directory = imagecheck["memory"].memory_cgroup(os.getpid())
    assert (directory / "memory.stat").exists(), directory
