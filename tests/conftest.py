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


def make_settings(*allowed: LoopbackServer | str, **overrides: object) -> Settings:
    """Settings that let the browser reach exactly these loopback servers, nothing else private."""
    hosts = [item if isinstance(item, str) else item.host_port for item in allowed]
    return Settings(allowed_private_hosts=hosts, **overrides)  # type: ignore[arg-type]
