"""A real redis-server for the tests: one per test session (harness/redis_server.py).

`redis_url` flushes it before each test; `redis_server` gives stop/restart for fault tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of an empty redis-server (restarted if an earlier test stopped it)."""
    if not redis_server.running:
        redis_server.start()
    redis_server.flush()
    return redis_server.url
