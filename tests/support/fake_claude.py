"""The fake Claude as a fixture: a fresh server per test (harness/fake_claude.py has the server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.fake_claude import FakeClaude


@pytest.fixture
def fake_claude() -> Iterator[FakeClaude]:
    """A fresh fake Claude per test; `fake_claude.settings(...)` or `settings_overrides()` point at it."""
    with FakeClaude() as fake:
        yield fake
