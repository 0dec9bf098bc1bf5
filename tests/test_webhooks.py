"""Signed webhooks: the signature checked by an independent implementation (the `standardwebhooks`
package), delivery to a receiver on loopback, retries with the same id, refusal of private targets."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler

import httpx
import pytest
from standardwebhooks import Webhook

from harness.servers import ConnectionSentinel, LoopbackServer
from shared.config import Settings
from shared.logs import redact_url
from shared.models.api import AnalysisRequest, Job
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.webhooks import WebhookResult, send_job_webhook
from shared.webhooks.signing import secret_key, signature
from tests.support.gateway import (
    Receiver,
    http_settings,
    instant_analysis,
    running_gateway,
    target,
    wait_for_status,
)
from tests.support.netguard import LoopbackSentinel

SECRET = "whsec_" + base64.b64encode(b"a very secret webhook key 32 by").decode()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    with hook.server:
        yield hook


def test_signature_matches_the_reference_implementation() -> None:
    body = b'{"id": "x"}'
    now = int(time.time())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(now)}
    headers["webhook-signature"] = signature(secret_key(SECRET), "msg_1", now, body)
    assert Webhook(SECRET).verify(body, headers) == {"id": "x"}
    raw = "a raw secret, not base64"
    headers["webhook-signature"] = signature(secret_key(raw), "msg_1", now, body)
    assert Webhook(raw.encode()).verify(body, headers) == {"id": "x"}
    with pytest.raises(Exception, match="signature"):
        Webhook(SECRET).verify(body + b" ", headers)


def test_a_finished_job_is_posted_signed_to_its_callback(receiver: Receiver, http_client: httpx.Client) -> None:
    settings = http_settings(
        allowed_private_hosts=[target("").removeprefix("http://"), receiver.server.host_port],
        webhook_secret=SECRET,
        public_base_url="https://cro.example.com",
    )
    request = {"url": target("/hooked"), "callback_url": receiver.url, "metadata": {"row": 7}}
    with running_gateway(settings, analyze=instant_analysis) as server:
        submitted = http_client.post(server.url("/v1/analyses"), json=request).json()
        ((headers, body),) = receiver.wait_for(1)
        # The same page analysed again: its webhook names the first job as the one to compare with.
        again = http_client.post(server.url("/v1/analyses"), json={**request, "force": True}).json()
        (_, (again_headers, again_body)) = receiver.wait_for(2)
    event = Webhook(SECRET).verify(body, headers)
    assert event["links"]["previous"] is None
    again_event = Webhook(SECRET).verify(again_body, again_headers)
    assert again_event["id"] == again["id"]
    assert again_event["links"]["previous"] == f"https://cro.example.com/v1/analyses/{submitted['id']}"
    assert event["type"] == "analysis.succeeded"
    assert event["id"] == submitted["id"]
    assert event["status"] == "succeeded"
    assert event["metadata"] == {"row": 7}
    assert event["result"]["url"] == target("/hooked")
    assert event["result_omitted"] is False
    assert event["links"]["self"] == f"https://cro.example.com/v1/analyses/{submitted['id']}"
    assert headers["webhook-id"] == f"msg_{submitted['id']}_succeeded"
    assert headers["content-type"] == "application/json"


def test_the_callback_is_delivered_to_the_url_the_check_normalised(
    receiver: Receiver, http_client: httpx.Client
) -> None:
    with LoopbackSentinel(("127.0.0.2",)) as other_host:
        # Both endpoints may be reached: only the parse decides which one the webhook goes to.
        raw = f"http://{receiver.server.host_port}\\@127.0.0.2:{other_host.port}/hook"
        normalised = f"http://{receiver.server.host_port}/@127.0.0.2:{other_host.port}/hook"
        receiver.server.routes[f"/@127.0.0.2:{other_host.port}/hook"] = receiver.server.routes["/hook"]
        settings = http_settings(
            allowed_private_hosts=[
                target("").removeprefix("http://"),
                receiver.server.host_port,
                f"127.0.0.2:{other_host.port}",
            ]
        )
        with running_gateway(settings, analyze=instant_analysis) as server:
            submitted = http_client.post(
                server.url("/v1/analyses"), json={"url": target("/differential"), "callback_url": raw}
            )
            assert submitted.status_code == 202, submitted.text
            receiver.wait_for(1)
        assert other_host.connections == 0, "the webhook went to the host another parser reads in the raw URL"
    assert receiver.server.hits == [normalised.removeprefix(f"http://{receiver.server.host_port}")]


def _finished_job(callback_url: str, status: str = "failed") -> Job:
    now = datetime.now(UTC)
    request = AnalysisRequest(url=target("/direct"), callback_url=callback_url)
    return Job(
        id="f" * 32,
        status=status,  # type: ignore[arg-type]
        url=request.url,
        request=request,
        created_at=now,
        finished_at=now,
        error={"code": "dns_failure", "message": "no such host"} if status == "failed" else None,  # type: ignore[arg-type]
    )


def _send(settings: Settings, job: Job) -> WebhookResult:
    guard = EgressGuard.from_settings(settings, Allowlist.parse(settings.allowed_private_hosts))
    return asyncio.run(send_job_webhook(job, None, settings=settings, guard=guard))


def test_transient_answers_are_retried_with_the_same_id(receiver: Receiver) -> None:
    receiver.statuses = [503, 429]
    settings = http_settings(allowed_private_hosts=[receiver.server.host_port], webhook_secret=SECRET)
    result = _send(settings, _finished_job(receiver.url))
    assert result.delivered and result.attempts == 3 and result.status_code == 200
    deliveries = receiver.wait_for(3)
    assert len({headers["webhook-id"] for headers, _ in deliveries}) == 1
    for headers, body in deliveries:
        event = Webhook(SECRET).verify(body, headers)
        assert event["type"] == "analysis.failed"
        assert event["error"] == {"code": "dns_failure", "message": "no such host"}


def test_a_conflict_is_retried_until_the_receiver_is_ready(receiver: Receiver) -> None:
    # n8n's answer to a callback that arrives while the execution has not reached its Wait node yet.
    receiver.statuses = [409, 409]
    settings = http_settings(allowed_private_hosts=[receiver.server.host_port])
    result = _send(settings, _finished_job(receiver.url))
    assert result.delivered and result.attempts == 3 and result.status_code == 200


def test_a_cache_hits_early_callback_is_delivered(receiver: Receiver, http_client: httpx.Client) -> None:
    settings = http_settings(allowed_private_hosts=[target("").removeprefix("http://"), receiver.server.host_port])
    body = {"url": target("/cached-hook"), "callback_url": receiver.url}
    with running_gateway(settings, analyze=instant_analysis) as server:
        first = http_client.post(server.url("/v1/analyses"), json=body).json()
        assert _settled_webhook(http_client, first["links"]["self"])["status"] == "delivered"
        receiver.statuses = [409]
        hit = http_client.post(server.url("/v1/analyses"), json={**body, "metadata": {"again": True}}).json()
        assert hit["cached"] is True
        webhook = _settled_webhook(http_client, hit["links"]["self"])
    assert webhook["status"] == "delivered" and webhook["attempts"] == 2, webhook
    assert len(receiver.received) == 3


def test_a_callback_urls_query_is_never_logged_nor_shown(
    receiver: Receiver, http_client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    """n8n's resume URL carries its token in the query: whoever reads it can wake the execution."""
    token = "resume-token-0123456789"
    settings = http_settings(allowed_private_hosts=[target("").removeprefix("http://"), receiver.server.host_port])
    caplog.set_level(logging.DEBUG)
    with running_gateway(settings, analyze=instant_analysis) as server:
        submitted = http_client.post(
            server.url("/v1/analyses"),
            json={"url": target("/secret-hook"), "callback_url": f"{receiver.url}?signature={token}"},
        ).json()
        ((_, body),) = receiver.wait_for(1)
        assert _settled_webhook(http_client, submitted["links"]["self"])["status"] == "delivered"
        view = http_client.get(submitted["links"]["self"]).json()
    shown = [json.dumps(submitted), json.dumps(view), body.decode()]
    logged = [record.getMessage() + json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert not [text for text in shown + logged if token in text]
    requests = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert f"POST {receiver.url}?[redacted] " in " ".join(requests), "the client's request line is redacted, not gone"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://localhost:5678/webhook-waiting/7?signature=abc", "http://localhost:5678/webhook-waiting/7?[redacted]"),
        ("https://user:pw@hooks.example.com/in#frag", "https://[redacted]@hooks.example.com/in#[redacted]"),
        ("https://[::1]:8443/hook", "https://[::1]:8443/hook"),
    ],
)
def test_a_url_is_shown_without_what_can_hold_a_secret(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def _settled_webhook(client: httpx.Client, job_url: str) -> dict:
    """The job's webhook state once delivery has recorded it (it is `pending` until then)."""
    wait_for_status(client, job_url)
    deadline = time.monotonic() + 10
    while (webhook := client.get(job_url).json()["webhook"])["status"] == "pending":
        assert time.monotonic() < deadline, "the webhook state was never recorded"
        time.sleep(0.02)
    return webhook


def test_a_client_error_is_not_retried(receiver: Receiver) -> None:
    receiver.statuses = [410]
    settings = http_settings(allowed_private_hosts=[receiver.server.host_port])
    result = _send(settings, _finished_job(receiver.url))
    assert not result.delivered and result.attempts == 1 and result.status_code == 410
    time.sleep(0.2)
    assert len(receiver.received) == 1


def test_attempts_are_bounded(receiver: Receiver) -> None:
    receiver.statuses = [500] * 10
    settings = http_settings(allowed_private_hosts=[receiver.server.host_port], webhook_max_attempts=3)
    result = _send(settings, _finished_job(receiver.url))
    assert not result.delivered and result.attempts == 3
    assert len(receiver.wait_for(3)) == 3


def test_a_large_report_is_left_out(receiver: Receiver, http_client: httpx.Client) -> None:
    settings = http_settings(
        allowed_private_hosts=[target("").removeprefix("http://"), receiver.server.host_port],
        webhook_max_report_bytes=0,
    )
    with running_gateway(settings, analyze=instant_analysis) as server:
        http_client.post(server.url("/v1/analyses"), json={"url": target("/big"), "callback_url": receiver.url})
        ((headers, body),) = receiver.wait_for(1)
    event = json.loads(body)
    assert event["status"] == "succeeded"
    assert event["result"] is None
    assert event["result_omitted"] is True
    assert "webhook-signature" not in headers, "no secret configured: unsigned"


def test_a_target_outside_the_allowlist_is_never_contacted() -> None:
    with ConnectionSentinel() as sentinel:
        settings = http_settings(allowed_private_hosts=[])
        result = _send(settings, _finished_job(f"http://127.0.0.1:{sentinel.port}/hook"))
        assert not result.delivered and "refused" in (result.error or "")
        assert result.attempts == 1
        assert sentinel.connections == 0


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    def redirect(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(307)
        handler.send_header("Location", receiver.url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with LoopbackServer(routes={"/moved": redirect}) as mover:
        settings = http_settings(allowed_private_hosts=[mover.host_port, receiver.server.host_port])
        result = _send(settings, _finished_job(mover.url("/moved")))
    assert not result.delivered and result.status_code == 307
    assert receiver.received == []
