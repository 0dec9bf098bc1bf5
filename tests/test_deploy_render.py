"""render.yaml, read as Render reads a Blueprint, checked against the settings the code validates at start."""

from __future__ import annotations

from typing import Any

import pytest

from shared.config import Settings
from shared.models.facts import DEVICES
from tests.support.deploy import (
    DUMMY_SECRET,
    REPO_ROOT,
    render_services,
    secret_setting_names,
    settings_from_env,
)

# Render's shutdown delay is bounded (seconds).
RENDER_MAX_SHUTDOWN_DELAY_S = 300
DUMMY_REDIS_URL = "redis://red-dummy:6379"


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return render_services()


def _env_vars(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in service.get("envVars", [])}


def _start_env(service: dict[str, Any]) -> dict[str, str]:
    """The environment the service starts with: literals, dummies for prompted secrets and wired URLs."""
    env: dict[str, str] = {}
    for key, item in _env_vars(service).items():
        if "value" in item:
            env[key] = str(item["value"])
        elif item.get("sync") is False:
            env[key] = DUMMY_SECRET
        elif item.get("fromService", {}).get("property") == "connectionString":
            env[key] = DUMMY_REDIS_URL
        else:
            raise AssertionError(f"{key}: unknown source {item}")
    return env


def test_one_keyvalue_one_web_one_worker(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"keyvalue", "web", "worker"}
    assert len({service["region"] for service in services.values()}) == 1, "private network needs one region"


def test_keyvalue_is_internal_and_never_evicts(services: dict[str, dict[str, Any]]) -> None:
    store = services["keyvalue"]
    assert store["ipAllowList"] == []
    assert store["maxmemoryPolicy"] == "noeviction"


def test_both_services_build_the_one_dockerfile(services: dict[str, dict[str, Any]]) -> None:
    web, worker = services["web"], services["worker"]
    for service in (web, worker):
        assert service["runtime"] == "docker"
        assert (REPO_ROOT / service["dockerfilePath"]).resolve() == (REPO_ROOT / "Dockerfile").resolve()
        # dockerCommand would replace the image's tini + entrypoint chain; the role comes from the env.
        assert "dockerCommand" not in service
    assert web["dockerContext"] == worker["dockerContext"] == "."
    assert web["healthCheckPath"] == "/healthz"
    assert _start_env(web)["FUNCTION_TARGET"] == "gateway"
    assert _start_env(worker)["FUNCTION_TARGET"] == "worker"


def test_redis_url_comes_from_the_keyvalue_service(services: dict[str, dict[str, Any]]) -> None:
    for kind in ("web", "worker"):
        wiring = _env_vars(services[kind])["REDIS_URL"]
        assert wiring["fromService"] == {
            "type": "keyvalue",
            "name": services["keyvalue"]["name"],
            "property": "connectionString",
        }


def test_no_secret_has_a_literal_value(services: dict[str, dict[str, Any]]) -> None:
    secrets = secret_setting_names() | {"REDIS_URL"}
    for kind in ("web", "worker"):
        for key, item in _env_vars(services[kind]).items():
            if key in secrets:
                assert "value" not in item, f"{kind}: {key} has a literal value"
    # Asked for at deploy time: the secrets, and the service's own public URL (known only once it exists).
    asked = {key for key, item in _env_vars(services["web"]).items() if item.get("sync") is False}
    assert asked == secret_setting_names() | {"PUBLIC_BASE_URL"}, "the gateway takes every secret the settings know"


@pytest.mark.parametrize("kind", ["web", "worker"])
def test_settings_validate_from_the_blueprint_env(
    kind: str, services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_from_env(_start_env(services[kind]), monkeypatch)
    assert settings.queue_backend == "redis"
    assert settings.redis_url == DUMMY_REDIS_URL
    assert settings.llm_configured
    assert settings.webhook_secret is not None
    if kind == "web":
        assert settings.api_keys, "the web service is public: it needs API keys"
        assert settings.task_secret is not None, "the gateway's task route must not be open"


def test_worker_capacity_and_shutdown_fit_the_analysis_budget(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = services["worker"]
    settings = settings_from_env(_start_env(worker), monkeypatch)
    # Each analysis opens one page per device; the browser's page bound must hold them all.
    assert settings.worker_concurrency * len(DEVICES) <= settings.max_concurrent_pages
    # On SIGTERM, running analyses get their whole budget, and the worker still hands back leases and exits
    # before Render's SIGKILL.
    assert settings.shutdown_grace_s >= settings.analysis_timeout_s
    assert settings.shutdown_grace_s < worker["maxShutdownDelaySeconds"] <= RENDER_MAX_SHUTDOWN_DELAY_S
    assert Settings.model_fields["analysis_timeout_s"].default == settings.analysis_timeout_s
