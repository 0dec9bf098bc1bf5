"""Fixtures every test area shares. Area fixtures live in tests/support/<area>.py, registered below."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.paths import CORPUS_DIR, FIXTURE_PAGES_DIR
from harness.servers import LoopbackServer
from shared.config import Settings

pytest_plugins: list[str] = [
    "tests.support.netguard",
    "tests.support.redis",
    "tests.support.cloudtasks",
    "tests.support.reports",
    "tests.support.fake_claude",
    "tests.support.gateway",
    "tests.support.browser",
    "tests.support.faults",
    "tests.support.crux",
    "tests.support.rule_pages",
]


@pytest.fixture(scope="session")
def corpus_server() -> Iterator[LoopbackServer]:
    """The Start Bootstrap corpus (tests/corpus, facts in its README) served on loopback."""
    with LoopbackServer(CORPUS_DIR) as server:
        yield server


@pytest.fixture(scope="session")
def pages_server() -> Iterator[LoopbackServer]:
    """Fixture pages written for the tests (tests/pages), served on loopback."""
    with LoopbackServer(FIXTURE_PAGES_DIR) as server:
        yield server


# Tests of what capture finds run at full speed: a throttled phone load takes several times longer, and only
# the tests of throttling itself (or of the production default end to end) ask for it.
UNTHROTTLED: dict[str, object] = {"mobile_throttling": "none", "desktop_throttling": "none"}


def make_settings(*allowed: LoopbackServer | str, **overrides: object) -> Settings:
    """Settings that let the browser reach exactly these loopback servers, nothing else private; unthrottled
    unless `overrides` say otherwise."""
    hosts = [item if isinstance(item, str) else item.host_port for item in allowed]
    return Settings(allowed_private_hosts=hosts, **{**UNTHROTTLED, **overrides})  # type: ignore[arg-type]
