"""Settings of speed measurement and of the analysis budget: the defaults nest, inconsistent values are refused
at start with a message naming the variables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.capture.throttling import MOBILE_SLOW_4G
from shared.config import Settings

CLOUD_TASKS = {
    "queue_backend": "cloudtasks",
    "cloud_tasks_project": "p",
    "cloud_tasks_location": "europe-west1",
    "cloud_tasks_queue": "q",
    "analyze_url": "https://analyze.example/v1/tasks/analyze",
}
DEFAULTS = {name: field.default for name, field in Settings.model_fields.items()}


def test_production_measures_under_lighthouses_conditions() -> None:
    assert (DEFAULTS["mobile_throttling"], DEFAULTS["desktop_throttling"]) == ("lighthouse", "lighthouse")


def test_the_default_budgets_nest() -> None:
    # A throttled load and its measurement window fit the capture; the capture, field data and Claude fit the
    # analysis; the analysis fits the lease; the lease fits Cloud Tasks' wait.
    window = DEFAULTS["navigation_timeout_s"] + DEFAULTS["throttled_load_budget_s"]
    window += DEFAULTS["throttled_network_quiet_budget_s"]
    window += DEFAULTS["first_paint_budget_s"] * MOBILE_SLOW_4G.cpu_slowdown
    assert window < DEFAULTS["capture_timeout_s"]
    inner = DEFAULTS["capture_timeout_s"] + DEFAULTS["crux_budget_s"] + DEFAULTS["llm_timeout_s"]
    assert inner < DEFAULTS["analysis_timeout_s"] < DEFAULTS["lease_s"] < DEFAULTS["dispatch_deadline_s"]
    Settings(**CLOUD_TASKS)  # type: ignore[arg-type]


def test_a_lease_shorter_than_the_analysis_is_refused() -> None:
    with pytest.raises(ValidationError, match="LEASE_S must exceed ANALYSIS_TIMEOUT_S"):
        Settings(analysis_timeout_s=300, lease_s=300)


def test_a_dispatch_deadline_within_the_lease_is_refused_for_cloud_tasks() -> None:
    with pytest.raises(ValidationError, match="DISPATCH_DEADLINE_S must exceed LEASE_S"):
        Settings(**CLOUD_TASKS, lease_s=600, dispatch_deadline_s=600)  # type: ignore[arg-type]


def test_the_dispatch_deadline_is_no_concern_of_other_queues() -> None:
    assert Settings(queue_backend="inline", lease_s=900, analysis_timeout_s=600).dispatch_deadline_s == 600


@pytest.mark.parametrize("variable", ["MOBILE_THROTTLING", "DESKTOP_THROTTLING"])
def test_throttling_reads_from_the_environment_and_refuses_unknown_modes(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "none")
    assert getattr(Settings(), variable.lower()) == "none"
    monkeypatch.setenv(variable, "3g")
    with pytest.raises(ValidationError):
        Settings()


def test_the_crux_base_url_must_be_http() -> None:
    assert Settings(crux_base_url="http://127.0.0.1:9/").crux_base_url == "http://127.0.0.1:9"
    with pytest.raises(ValidationError, match="CRUX_BASE_URL must be an http"):
        Settings(crux_base_url="file:///etc/passwd")
