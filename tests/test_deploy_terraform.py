"""infra/ (Terraform), parsed with python-hcl2 and checked against Settings: who may invoke what, where
Cloud Tasks delivers, and whether the timeouts of the analysis budget nest."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from typing import Any

import pytest

from shared.config import Settings
from shared.models.facts import DEVICES
from tests.support.deploy import (
    DUMMY_SECRET,
    INFRA_DIR,
    SECRET_MARK,
    TerraformConfig,
    cloud_run_env,
    duration_s,
    secret_setting_names,
    settings_from_env,
    terraform_config,
)

SERVICE = "google_cloud_run_v2_service"
SERVICES = ("submit", "result", "analyze")
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
TASKS_IDENTITY = "google_service_account.tasks"
# ARCHITECTURE.md section 3: where the queue delivers a job.
TASK_PATH = "/v1/tasks/analyze"
IAM_MEMBER_KINDS = (
    "google_cloud_run_v2_service_iam_member",
    "google_cloud_run_v2_service_iam_binding",
    "google_cloud_run_service_iam_member",
    "google_cloud_run_service_iam_binding",
)


@pytest.fixture(scope="module")
def tf() -> TerraformConfig:
    return terraform_config()


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


def _service(tf: TerraformConfig, name: str) -> dict[str, Any]:
    return tf.resource(SERVICE, name)


def _iam_grants(tf: TerraformConfig) -> list[tuple[str, str, list[str]]]:
    """(target service, role, members) of every Cloud Run IAM grant."""
    grants = []
    for kind in IAM_MEMBER_KINDS:
        for body in tf.resources.get(kind, {}).values():
            target = body.get("name") or body.get("service")
            members = body["members"] if "members" in body else [body["member"]]
            grants.append((target, body["role"], members))
    return grants


def _targets(target: str, service: str) -> bool:
    return target == f'${{{SERVICE}.app["{service}"].name}}'


def test_provider_is_pinned(tf: TerraformConfig) -> None:
    google = tf.providers["google"]
    assert google["source"] == "hashicorp/google"
    assert google["version"].startswith(("~>", "=")), "an open >= range lets a major release change the plan"


def test_analyze_is_not_publicly_invokable(tf: TerraformConfig) -> None:
    analyze = _service(tf, "analyze")
    assert analyze.get("invoker_iam_disabled") in (None, False)
    assert analyze["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    for target, _role, members in _iam_grants(tf):
        if _targets(target, "analyze"):
            assert not PUBLIC_MEMBERS & set(members), f"public grant on analyze: {members}"
    assert not tf.resources.get("google_project_iam_member"), "project-wide roles would reach analyze too"


def test_submit_and_result_are_public_and_protected_by_api_keys(tf: TerraformConfig) -> None:
    for name in ("submit", "result"):
        invokers = [
            member
            for target, role, members in _iam_grants(tf)
            if _targets(target, name) and role == "roles/run.invoker"
            for member in members
        ]
        assert invokers == ["allUsers"], name
        assert cloud_run_env(tf, _service(tf, name))["API_KEYS"] == SECRET_MARK + "api-keys"
    validation = tf.variables["api_keys"]["validation"][0]
    assert "length(trimspace(var.api_keys)) > 0" in validation["condition"]


def test_only_the_tasks_identity_invokes_analyze_and_nothing_else(tf: TerraformConfig) -> None:
    tasks_grants = [
        (target, role) for target, role, members in _iam_grants(tf) if any(TASKS_IDENTITY in m for m in members)
    ]
    assert len(tasks_grants) == 1
    ((target, role),) = tasks_grants
    assert _targets(target, "analyze") and role == "roles/run.invoker"
    analyze_grants = [members for target, _role, members in _iam_grants(tf) if _targets(target, "analyze")]
    assert analyze_grants == [[f"serviceAccount:${{{TASKS_IDENTITY}.email}}"]]


def test_oidc_audience_is_the_analyze_task_url(tf: TerraformConfig) -> None:
    analyze = _service(tf, "analyze")
    region = tf.default("region")
    analyze_url = f"https://{tf.resolve(analyze['name'])}-${{data.google_project.this.number}}.{region}.run.app"
    task_url = analyze_url + TASK_PATH
    submit_env = cloud_run_env(tf, _service(tf, "submit"))
    assert submit_env["ANALYZE_URL"] == task_url
    assert submit_env["TASK_OIDC_AUDIENCE"] == task_url
    assert submit_env["CLOUD_TASKS_SERVICE_ACCOUNT"] == f"${{{TASKS_IDENTITY}.email}}"
    # The receiving side checks the same audience, and Cloud Run itself accepts it.
    assert cloud_run_env(tf, analyze)["TASK_OIDC_AUDIENCE"] == task_url
    assert [tf.resolve(item) for item in analyze["custom_audiences"]] == [task_url]
    # The URL is computed before the service exists; the check block confirms it after apply.
    (assertion,) = tf.checks["analyze_url_is_deterministic"]["assert"]
    assert assertion["condition"] == f'${{contains({SERVICE}.app["analyze"].urls, local.analyze_service_url)}}'
    assert tf.resolve("${local.analyze_service_url}") == analyze_url


def test_links_point_at_the_result_service(tf: TerraformConfig) -> None:
    """Submit serves no GET: the links it answers with (and the webhooks) must lead to result."""
    result = _service(tf, "result")
    region = tf.default("region")
    result_url = f"https://{tf.resolve(result['name'])}-${{data.google_project.this.number}}.{region}.run.app"
    assert tf.resolve("${local.result_service_url}") == result_url
    assert tf.default("public_base_url") == ""
    assert tf.locals["public_base_url"] == (
        '${var.public_base_url != "" ? var.public_base_url : local.result_service_url}'
    )
    for name in SERVICES:
        assert cloud_run_env(tf, _service(tf, name))["PUBLIC_BASE_URL"] == tf.resolve("${local.public_base_url}")
    (assertion,) = tf.checks["result_url_is_deterministic"]["assert"]
    assert f'{SERVICE}.app["result"].urls' in assertion["condition"]


def test_queue_retries_like_the_settings_and_is_rate_limited(tf: TerraformConfig) -> None:
    queue = tf.resource("google_cloud_tasks_queue", "analyze")
    (retry,) = queue["retry_config"]
    assert int(tf.resolve(str(retry["max_attempts"]))) == _default("max_attempts")
    assert duration_s(tf.resolve(retry["min_backoff"])) == _default("retry_backoff_s")
    assert duration_s(tf.resolve(retry["max_backoff"])) == _default("retry_backoff_max_s")
    (rate,) = queue["rate_limits"]
    assert float(tf.resolve(str(rate["max_dispatches_per_second"]))) > 0
    # As many deliveries at once as the analyze instances can hold, no more.
    assert rate["max_concurrent_dispatches"] == "${var.analyze_max_instances * local.analyze_concurrency}"
    env = cloud_run_env(tf, _service(tf, "analyze"))
    assert int(env["MAX_ATTEMPTS"]) == _default("max_attempts")
    assert float(env["RETRY_BACKOFF_S"]) == _default("retry_backoff_s")


def test_timeouts_nest_within_the_analysis_budget(tf: TerraformConfig) -> None:
    analysis_timeout = float(tf.default("analysis_timeout_s"))
    dispatch_deadline = float(tf.default("dispatch_deadline_s"))
    analyze = _service(tf, "analyze")
    cloud_run_timeout = duration_s(tf.resolve(analyze["template"][0]["timeout"]))
    assert analysis_timeout == _default("analysis_timeout_s")
    assert dispatch_deadline == _default("dispatch_deadline_s")
    assert float(tf.default("lease_s")) == _default("lease_s")
    # A throttled phone load is the longest part of an analysis; the capture and Claude both fit in it.
    assert _default("capture_timeout_s") + _default("llm_timeout_s") + _default("crux_budget_s") < analysis_timeout
    lease = float(tf.default("lease_s"))
    assert analysis_timeout < lease < dispatch_deadline <= cloud_run_timeout
    env = cloud_run_env(tf, analyze)
    assert float(env["ANALYSIS_TIMEOUT_S"]) == analysis_timeout
    assert float(env["DISPATCH_DEADLINE_S"]) == dispatch_deadline
    # Submit stamps the deadline on each task, so it must see the same value.
    assert cloud_run_env(tf, _service(tf, "submit"))["DISPATCH_DEADLINE_S"] == env["DISPATCH_DEADLINE_S"]


def test_analyze_is_sized_for_one_chromium(tf: TerraformConfig) -> None:
    template = _service(tf, "analyze")["template"][0]
    (container,) = template["containers"]
    (resources,) = container["resources"]
    assert resources["limits"] == {"cpu": "2", "memory": "2Gi"}
    assert template["execution_environment"] == "EXECUTION_ENVIRONMENT_GEN2"
    pages = tf.default("max_concurrent_pages")
    assert pages == _default("max_concurrent_pages")
    assert template["max_instance_request_concurrency"] == "${local.analyze_concurrency}"
    assert tf.locals["analyze_concurrency"] == "${max(1, floor(var.max_concurrent_pages / 2))}"
    # Terraform's max(1, floor(pages / 2)) analyses, each one page per device, fit the page bound.
    assert max(1, math.floor(pages / 2)) * len(DEVICES) <= pages
    assert cloud_run_env(tf, _service(tf, "analyze"))["MAX_CONCURRENT_PAGES"] == str(pages)


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_starts_with_valid_settings(
    name: str, tf: TerraformConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = cloud_run_env(tf, _service(tf, name))
    assert env["FUNCTION_TARGET"] == name
    for key, value in env.items():
        if key in secret_setting_names() | {"REDIS_URL"}:
            assert value.startswith(SECRET_MARK), f"{name}: {key} is not read from Secret Manager"
    concrete = {key: DUMMY_SECRET if value.startswith(SECRET_MARK) else value for key, value in env.items()}
    concrete["REDIS_URL"] = "redis://10.0.0.3:6379/0"
    settings = settings_from_env(concrete, monkeypatch)
    assert settings.queue_backend == "cloudtasks"
    assert settings.cloud_tasks_service_account
    if name == "analyze":
        assert settings.llm_configured and settings.webhook_secret is not None


def test_secrets_are_readable_by_the_runtime_identity_only_where_needed(tf: TerraformConfig) -> None:
    secrets = tf.resource("google_secret_manager_secret", "app")
    assert set(tf.locals["secret_env"].values()) == secret_setting_names() - {"TASK_SECRET"} | {"REDIS_URL"}
    assert secrets["for_each"] == "${local.stored_secret_env}"
    accessor = tf.resource("google_secret_manager_secret_iam_member", "runtime_reads_secrets")
    assert accessor["role"] == "roles/secretmanager.secretAccessor"
    assert accessor["member"] == "serviceAccount:${google_service_account.runtime.email}"
    enqueuer = tf.resource("google_cloud_tasks_queue_iam_member", "runtime_enqueuer")
    assert enqueuer["role"] == "roles/cloudtasks.enqueuer"
    acts_as = tf.resource("google_service_account_iam_member", "runtime_acts_as_tasks")
    assert acts_as["service_account_id"] == f"${{{TASKS_IDENTITY}.name}}"
    assert acts_as["role"] == "roles/iam.serviceAccountUser"
    for name in SERVICES:
        assert _service(tf, name)["template"][0]["service_account"] == "${google_service_account.runtime.email}"


def test_memorystore_never_evicts(tf: TerraformConfig) -> None:
    store = tf.resource("google_redis_instance", "store")
    assert store["redis_configs"] == {"maxmemory-policy": "noeviction"}
    assert store["auth_enabled"] is True


def test_terraform_files_are_formatted() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed on this machine: `terraform fmt -check` not run")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-diff", str(INFRA_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
