"""Settings by concern: the groups cover every setting once, and a module that takes a group reads only it."""

from __future__ import annotations

from harness.settings_reads import group_violations, shared_sources
from shared.config import GROUPS, Settings

TAKES_CAPTURE = """
def budget(settings: CaptureSettings) -> float:
    return settings.load_budget_s + settings.llm_timeout_s


class Run:
    def __init__(self, settings: CaptureSettings) -> None:
        self._settings = settings

    def go(self) -> None:
        settings = self._settings
        send(settings)


def send(settings: WebhookSettings) -> None:
    return None
"""


def test_every_setting_is_in_exactly_one_group() -> None:
    names = [name for group in GROUPS for name in group.model_fields]
    assert len(names) == len(set(names)) and set(names) == set(Settings.model_fields)


def test_a_module_that_takes_a_group_reads_only_that_group() -> None:
    assert group_violations(shared_sources()) == []


def test_the_check_sees_a_read_and_a_hand_over_outside_the_group() -> None:
    assert group_violations({"example.py": TAKES_CAPTURE}) == [
        "example.py:budget(settings) takes CaptureSettings but reads llm_timeout_s",
        "example.py:Run(settings) takes CaptureSettings but hands it to send (WebhookSettings)",
    ]
