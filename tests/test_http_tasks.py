"""`POST /v1/tasks/analyze` as Cloud Tasks uses it: the attempt from X-CloudTasks-TaskRetryCount, 503 to be
retried, 200 when done, and a task delivered twice analysed once. Jobs live in a real redis-server with
the Redis Streams backend and no worker, so only the pushes in the test run analyses."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shared.config import Settings
from shared.errors import AnalysisError, ErrorCode
from tests.support.gateway import ServerThread, http_settings, running_gateway, target

SECRET = "push-secret"


@pytest.fixture
def scripted() -> Iterator[type]:
    from harness.scripted_analysis import ScriptedAnalysis

    yield ScriptedAnalysis


def push(client: httpx.Client, server: ServerThread, job_id: str, retry_count: int | None) -> httpx.Response:
    headers = {"X-Task-Secret": SECRET}
    if retry_count is not None:
        headers["X-CloudTasks-TaskRetryCount"] = str(retry_count)
    return client.post(server.url("/v1/tasks/analyze"), json={"job_id": job_id}, headers=headers)


def queued_job(client: httpx.Client, server: ServerThread, path: str) -> str:
    response = client.post(server.url("/v1/analyses"), json={"url": target(path)})
    assert response.status_code == 202
    return response.json()["id"]


def job(client: httpx.Client, server: ServerThread, job_id: str) -> dict:
    return client.get(server.url(f"/v1/analyses/{job_id}")).json()


def settings(redis_url: str, **overrides: object) -> Settings:
    return http_settings(redis_url=redis_url, queue_backend="redis", task_secret=SECRET, **overrides)


def test_a_transient_failure_is_503_then_the_retry_succeeds_and_a_repeat_is_acknowledged(
    redis_url: str, http_client: httpx.Client, scripted: type
) -> None:
    analysis = scripted([AnalysisError(ErrorCode.capture_timeout, "the page did not load in time")])
    with running_gateway(settings(redis_url), analyze=analysis) as server:
        job_id = queued_job(http_client, server, "/transient")
        first = push(http_client, server, job_id, retry_count=0)
        assert first.status_code == 503
        assert first.json()["error"]["code"] == "retry"
        assert job(http_client, server, job_id)["error"]["code"] == "capture_timeout"

        second = push(http_client, server, job_id, retry_count=1)
        assert second.status_code == 200
        assert second.json() == {"job_id": job_id, "outcome": "done"}
        done = job(http_client, server, job_id)
        assert done["status"] == "succeeded" and done["attempts"] == 2

        assert push(http_client, server, job_id, retry_count=2).status_code == 200
    assert len(analysis.calls) == 2


def test_the_last_allowed_attempt_fails_the_job(redis_url: str, http_client: httpx.Client, scripted: type) -> None:
    error = AnalysisError(ErrorCode.browser_crashed, "Chromium exited")
    analysis = scripted([error, error])
    with running_gateway(settings(redis_url, max_attempts=2), analyze=analysis) as server:
        job_id = queued_job(http_client, server, "/crashy")
        assert push(http_client, server, job_id, retry_count=1).status_code == 200
        failed = job(http_client, server, job_id)
    assert failed["status"] == "failed"
    assert failed["error"] == {"code": "browser_crashed", "message": "Chromium exited"}


def test_a_permanent_failure_is_done_at_once(redis_url: str, http_client: httpx.Client, scripted: type) -> None:
    analysis = scripted([AnalysisError(ErrorCode.not_html, "the URL serves a PDF")])
    with running_gateway(settings(redis_url), analyze=analysis) as server:
        job_id = queued_job(http_client, server, "/pdf")
        assert push(http_client, server, job_id, retry_count=None).status_code == 200
        assert job(http_client, server, job_id)["error"]["code"] == "not_html"
        assert push(http_client, server, job_id, retry_count=1).status_code == 200
    assert len(analysis.calls) == 1


@pytest.mark.parametrize(
    "body", [b'{"job_id": "../../etc"}', b'{"job_id": ""}', b'{"job": "x"}', b'{"job_id": "a", "extra": 1}']
)
def test_a_bad_payload_is_422(redis_url: str, http_client: httpx.Client, body: bytes) -> None:
    with running_gateway(settings(redis_url)) as server:
        response = http_client.post(
            server.url("/v1/tasks/analyze"),
            content=body,
            headers={"X-Task-Secret": SECRET, "content-type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
