"""Readers of the deploy files (Dockerfile, render.yaml, infra/*.tf) and a runner for the image's roles.

No Docker engine and no cloud account exist here, so the tests read the files as the platforms would and
start docker/entrypoint.sh directly, as the container would, for each role.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import hcl2
import httpx
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from packaging.requirements import Requirement

from harness.paths import REPO_ROOT
from harness.servers import free_port
from shared.config import Settings

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
ENTRYPOINT = REPO_ROOT / "docker" / "entrypoint.sh"
HEALTHCHECK = REPO_ROOT / "docker" / "healthcheck.py"
LOCK_FILE = REPO_ROOT / "docker" / "requirements.lock"
LOCK_SCRIPT = REPO_ROOT / "docker" / "lock.py"
RENDER_BLUEPRINT = REPO_ROOT / "render.yaml"
INFRA_DIR = REPO_ROOT / "infra"

ROLE_START_TIMEOUT_S = 60.0
ROLE_STOP_TIMEOUT_S = 20.0


# --- Dockerfile -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    name: str
    value: str


@dataclass(frozen=True)
class Stage:
    base: str
    alias: str | None
    instructions: tuple[Instruction, ...]

    def values(self, name: str) -> list[str]:
        return [item.value for item in self.instructions if item.name == name]


def dockerfile_stages(path: Path = DOCKERFILE) -> list[Stage]:
    """The build stages, base images resolved through the global ARG defaults as Docker resolves them."""
    parser = DockerfileParser(path=str(path))
    global_args: dict[str, str] = {}
    stages: list[tuple[str, str | None, list[Instruction]]] = []
    for item in parser.structure:
        name, value = item["instruction"], item["value"]
        if name == "FROM":
            words = value.split()
            base = _substitute(words[0], global_args)
            alias = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append((base, alias, []))
        elif not stages:
            if name == "ARG" and "=" in value:
                key, default = value.split("=", 1)
                global_args[key.strip()] = default.strip()
        else:
            stages[-1][2].append(Instruction(name, value))
    return [Stage(base, alias, tuple(items)) for base, alias, items in stages]


def _substitute(text: str, variables: Mapping[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda match: variables.get(match.group(1), match.group(0)), text)


# --- render.yaml ------------------------------------------------------------------------------------------


def render_services(path: Path = RENDER_BLUEPRINT) -> dict[str, dict[str, Any]]:
    """Blueprint services by type (keyvalue, web, worker); the blueprint has one of each."""
    blueprint = yaml.safe_load(path.read_text(encoding="utf-8"))
    services: dict[str, dict[str, Any]] = {}
    for service in blueprint["services"]:
        assert service["type"] not in services, f"two services of type {service['type']}"
        services[service["type"]] = service
    return services


# --- Terraform --------------------------------------------------------------------------------------------

_HCL_OPTIONS = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
# `${var.x}`, `${local.x}`, and the same wrapped in tostring(), which only changes the type.
_REFERENCE = re.compile(r"\$\{(?:tostring\()?(var|local)\.(\w+)\)?\}")


@dataclass(frozen=True)
class TerraformConfig:
    """Every infra/*.tf file merged: resources by type and name, variables, locals, outputs, checks."""

    resources: dict[str, dict[str, dict[str, Any]]]
    variables: dict[str, dict[str, Any]]
    locals: dict[str, Any]
    outputs: dict[str, dict[str, Any]]
    checks: dict[str, dict[str, Any]]
    providers: dict[str, Any]

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        return self.resources[kind][name]

    def default(self, variable: str) -> Any:
        return self.variables[variable]["default"]

    def resolve(self, value: str) -> str:
        """Substitutes `${var.x}` (its default) and `${local.x}` until only other references remain,
        so two expressions that must agree (a URL and an audience) can be compared as text."""
        for _ in range(20):
            resolved = _REFERENCE.sub(self._lookup, value)
            if resolved == value:
                return resolved
            value = resolved
        raise AssertionError(f"reference cycle in {value!r}")

    def _lookup(self, match: re.Match[str]) -> str:
        kind, name = match.groups()
        if kind == "var":
            default = self.variables[name].get("default")
            return match.group(0) if default is None else str(default)
        value = self.locals[name]
        if not isinstance(value, str):
            return match.group(0)
        return value[2:-1] if _is_bare_interpolation(value) else value


def _is_bare_interpolation(value: str) -> bool:
    """`${expr}` with nothing around it: an expression, not a string template."""
    return value.startswith("${") and value.endswith("}") and value.count("${") == 1 and "'" not in value


def terraform_config(directory: Path = INFRA_DIR) -> TerraformConfig:
    resources: dict[str, dict[str, dict[str, Any]]] = {}
    variables: dict[str, dict[str, Any]] = {}
    local_values: dict[str, Any] = {}
    outputs: dict[str, dict[str, Any]] = {}
    checks: dict[str, dict[str, Any]] = {}
    providers: dict[str, Any] = {}
    declared: list[tuple[str, str, dict[str, Any]]] = []
    for path in sorted(directory.glob("*.tf")):
        document = hcl2.loads(path.read_text(encoding="utf-8"), serialization_options=_HCL_OPTIONS)
        for block in document.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    declared.append((kind, name, body))
        for block in document.get("variable", []):
            variables.update(block)
        for block in document.get("locals", []):
            local_values.update(block)
        for block in document.get("output", []):
            outputs.update(block)
        for block in document.get("check", []):
            checks.update(block)
        for block in document.get("terraform", []):
            for requirement in block.get("required_providers", []):
                providers.update(requirement)
    for kind, name, body in declared:
        for instance, instance_body in _instances(name, body, local_values):
            assert instance not in resources.setdefault(kind, {}), f"{kind}.{instance} declared twice"
            resources[kind][instance] = instance_body
    return TerraformConfig(resources, variables, local_values, outputs, checks, providers)


EACH = "__each__"
_EACH_VALUE = re.compile(r"\$\{each\.value\.(\w+)\}")


def _instances(name: str, body: dict[str, Any], local_values: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A resource as Terraform plans it: one instance per key of a `for_each` over a local map of objects
    (named by the key, `each.key` and whole `each.value.x` attributes bound, the map's entry kept under
    EACH for what is bound inside an expression), else the one block as declared (a `for_each` over a set
    of names, as the secrets', stays one block the tests read as such)."""
    source = body.get("for_each")
    entries = local_values.get(_local_name(source)) if isinstance(source, str) and "local." in source else None
    if not isinstance(entries, dict) or not all(isinstance(entry, dict) for entry in entries.values()):
        return [(name, body)]
    rest = {key: value for key, value in body.items() if key != "for_each"}
    return [(key, {**_bind_each(rest, key, entry), EACH: entry}) for key, entry in entries.items()]


def _bind_each(value: Any, key: str, entry: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {name: _bind_each(item, key, entry) for name, item in value.items()}
    if isinstance(value, list):
        return [_bind_each(item, key, entry) for item in value]
    if not isinstance(value, str):
        return value
    if value == "${each.key}":
        return key
    whole = _EACH_VALUE.fullmatch(value)
    return entry[whole.group(1)] if whole else value


SECRET_MARK = "secret:"


def cloud_run_env(tf: TerraformConfig, service: dict[str, Any]) -> dict[str, str]:
    """A Cloud Run v2 service's container environment: literal env blocks, `dynamic "env"` over a local
    map (name = key, value = value), and secret references, which come back as `secret:<secret key>`."""
    (container,) = service["template"][0]["containers"]
    env: dict[str, str] = {item["name"]: tf.resolve(str(item["value"])) for item in container.get("env", [])}
    for dynamic in container.get("dynamic", []):
        if "env" not in dynamic:
            continue
        block = dynamic["env"]
        (content,) = block["content"]
        source = block["for_each"]
        if "value_source" in content:
            keys = _local_list(tf, source)
            name_template = content["name"]
            for key in keys:
                name = tf.locals[_local_name(name_template)][key]
                env[name] = SECRET_MARK + key
        else:
            assert content == {"name": "${env.key}", "value": "${env.value}"}, content
            for name, value in _env_map(tf, service, source).items():
                env[name] = tf.resolve(str(value))
    return env


def _env_map(tf: TerraformConfig, service: dict[str, Any], source: str) -> dict[str, Any]:
    """`local.x`, or `merge(local.x, each.value.y)` of a for_each instance, as the map it names."""
    merged = re.fullmatch(r"\$\{merge\(local\.(\w+), each\.value\.(\w+)\)\}", source)
    if merged:
        return {**tf.locals[merged.group(1)], **service[EACH][merged.group(2)]}
    return tf.locals[_local_name(source)]


def _local_name(expression: str) -> str:
    match = re.search(r"local\.(\w+)", expression)
    assert match, f"expected a local in {expression!r}"
    return match.group(1)


def _local_list(tf: TerraformConfig, expression: str) -> list[str]:
    value = tf.locals[_local_name(expression)]
    assert isinstance(value, list), f"{expression!r} is not a list local"
    return [str(item) for item in value]


def duration_s(value: str) -> float:
    """A Google duration such as `600s`, after variable substitution."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)s", value)
    assert match, f"not a duration in seconds: {value!r}"
    return float(match.group(1))


# --- running a role of the image --------------------------------------------------------------------------


class RoleProcess:
    """docker/entrypoint.sh started as the container would start it, in its own process group."""

    def __init__(self, args: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.role_file = log_path.with_suffix(".role")
        self._log_path = log_path
        self._env = {
            **os.environ,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "CRO_ROLE_FILE": str(self.role_file),
            "PYTHONPATH": str(REPO_ROOT),
            **env,
        }
        self._args = args
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RoleProcess:
        with self._log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(ENTRYPOINT), *self._args],
                cwd=REPO_ROOT,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log(self) -> str:
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def wait_healthy(self, path: str = "/healthz") -> httpx.Response:
        """The first 200 answer on `path`; fails with the role's output if it exits or never answers."""
        assert self.process is not None
        deadline = time.monotonic() + ROLE_START_TIMEOUT_S
        last_error = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"role exited with {self.process.returncode}:\n{self.log()}")
            try:
                response = httpx.get(self.base_url + path, timeout=2.0)
                if response.status_code == 200:
                    return response
                last_error = f"HTTP {response.status_code}"
            except httpx.TransportError as error:
                last_error = repr(error)
            time.sleep(0.2)
        raise AssertionError(f"{path} never answered 200 ({last_error}):\n{self.log()}")

    def terminate(self) -> int:
        """SIGTERM, as Cloud Run and Render send it, then the exit status (SIGKILL after the bound)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=ROLE_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=ROLE_STOP_TIMEOUT_S)
                raise AssertionError(f"role ignored SIGTERM:\n{self.log()}") from None
        return self.process.returncode

    def kill_group(self) -> None:
        """Whatever the role left behind (gunicorn workers, a browser) goes with it."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return

    def __enter__(self) -> RoleProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            self.terminate()
        finally:
            self.kill_group()


def healthcheck(env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """docker/healthcheck.py run as Docker's HEALTHCHECK would run it."""
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@dataclass(frozen=True)
class LockEntry:
    name: str
    version: str
    hashes: tuple[str, ...]


def iter_lock(path: Path = LOCK_FILE) -> Iterator[LockEntry]:
    """The lock's requirements: `name==version` with `--hash=sha256:...` options on continuation lines."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        name, version = requirement.split("==")
        assert all(option.startswith("--hash=sha256:") for option in options), line
        yield LockEntry(name, version, tuple(option.removeprefix("--hash=sha256:") for option in options))


def installed_requirements(name: str, version: str) -> list[Requirement]:
    """What the installed distribution `name` requires, if this machine has that version (the lock's own
    build backend, say, is not installed here); else nothing to check."""
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return []
    if distribution.version != version:
        return []
    return [Requirement(line) for line in distribution.requires or ()]


def lock_script() -> ModuleType:
    """docker/lock.py as a module: docker/ is the image's build context, not a package."""
    name = "cro_docker_lock"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, LOCK_SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve their annotations through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


# --- Settings from a platform's environment ---------------------------------------------------------------

DUMMY_SECRET = "dummy-secret-value"
_UNRESOLVED = re.compile(r"\$\{[^}]*\}")


def secret_setting_names() -> set[str]:
    """Environment names of the Settings fields that hold secrets (typed SecretStr): never literal."""
    return {name.upper() for name, field in Settings.model_fields.items() if "SecretStr" in str(field.annotation)}


def settings_from_env(env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as a service would build them at start from exactly `env`: nothing else from this machine's
    environment leaks in, references the platform fills at deploy time become dummies."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, _UNRESOLVED.sub("x1", value))
    return Settings()
