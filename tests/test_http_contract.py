"""The HTTP contract (ARCHITECTURE.md section 4) through a real uvicorn server on loopback: shapes, every bad
input of issue 3, idempotency, cache, the error shape everywhere."""

from __future__ import annotations

import base64
import logging
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.gateway import (
    GatedAnalysis,
    ServerThread,
    http_settings,
    instant_analysis,
    running_gateway,
    target,
    wait_for_status,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def gateway() -> Iterator[ServerThread]:
    with running_gateway(http_settings(max_body_bytes=2048), analyze=instant_analysis) as server:
        yield server


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def submit(client: httpx.Client, server: ServerThread, body: dict, **headers: str) -> httpx.Response:
    return client.post(server.url("/v1/analyses"), json=body, headers=headers)


def test_submit_answers_202_with_the_job_then_the_result_arrives(
    gateway: ServerThread, http_client: httpx.Client
) -> None:
    response = submit(http_client, gateway, {"url": target("/a"), "include_screenshots": True, "metadata": {"k": 1}})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "queued"
    assert job["url"] == target("/a")
    assert job["metadata"] == {"k": 1}
    assert job["result"] is None
    assert job["links"] == {
        "self": gateway.url(f"/v1/analyses/{job['id']}"),
        "report_html": gateway.url(f"/v1/analyses/{job['id']}/report.html"),
        "report_pdf": gateway.url(f"/v1/analyses/{job['id']}/report.pdf"),
        "share_report_html": None,  # only a succeeded job has share links (and only with SHARE_LINK_SECRET)
        "share_report_pdf": None,
        "previous": None,  # only a succeeded job has one, when an earlier analysis of its page succeeded
    }
    assert response.headers["location"] == job["links"]["self"]

    done = wait_for_status(http_client, job["links"]["self"])
    assert done["status"] == "succeeded"
    assert done["progress"] == {"stage": "done", "percent": 100}
    assert done["attempts"] == 1
    shots = done["result"]["screenshots"]
    assert {shot["name"] for shot in shots} == {"desktop-fold.png", "mobile-fold.png"}
    assert all(base64.b64decode(shot["data_base64"]).startswith(PNG_SIGNATURE) for shot in shots)

    png = http_client.get(gateway.url(f"/v1/analyses/{job['id']}/screenshots/desktop-fold.png"))
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(PNG_SIGNATURE)
    assert_error(
        http_client.get(gateway.url(f"/v1/analyses/{job['id']}/screenshots/tablet.png")), 404, "screenshot_not_found"
    )


def test_screenshots_are_inline_only_when_asked(gateway: ServerThread, http_client: httpx.Client) -> None:
    job = submit(http_client, gateway, {"url": target("/no-inline")}).json()
    done = wait_for_status(http_client, job["links"]["self"])
    assert done["result"]["screenshots"]
    assert all(shot["data_base64"] is None for shot in done["result"]["screenshots"])


def test_a_finished_identical_request_is_served_from_cache_and_force_bypasses_it(
    gateway: ServerThread, http_client: httpx.Client
) -> None:
    first = submit(http_client, gateway, {"url": target("/cache")}).json()
    wait_for_status(http_client, first["links"]["self"])

    again = submit(http_client, gateway, {"url": target("/cache")})
    assert again.status_code == 200
    cached = again.json()
    assert cached["cached"] is True
    assert cached["status"] == "succeeded"
    assert cached["id"] != first["id"]
    assert cached["result"] is not None

    forced = submit(http_client, gateway, {"url": target("/cache"), "force": True})
    assert forced.status_code == 202
    assert forced.json()["cached"] is False


def test_idempotency_key_returns_the_same_job_and_rejects_another_body(
    gateway: ServerThread, http_client: httpx.Client
) -> None:
    headers = {"Idempotency-Key": "order-42"}
    first = submit(http_client, gateway, {"url": target("/idem"), "force": True}, **headers)
    second = submit(http_client, gateway, {"url": target("/idem"), "force": True}, **headers)
    assert first.json()["id"] == second.json()["id"]
    other = submit(http_client, gateway, {"url": target("/idem-other")}, **headers)
    assert_error(other, 422, "idempotency_key_reused")
    for bad in ("x" * 256, "é".encode("latin-1")):
        response = http_client.post(
            gateway.url("/v1/analyses"), json={"url": target()}, headers={"Idempotency-Key": bad}
        )
        assert_error(response, 400, "invalid_idempotency_key")


def test_an_identical_request_in_flight_gets_the_same_job(http_client: httpx.Client) -> None:
    analysis = GatedAnalysis()
    with running_gateway(http_settings(), analyze=analysis) as server:
        try:
            first = submit(http_client, server, {"url": target("/inflight")})
            second = submit(http_client, server, {"url": target("/inflight")})
            assert first.status_code == second.status_code == 202
            assert first.json()["id"] == second.json()["id"]
        finally:
            analysis.release()
    assert len(analysis.calls) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_error"),
        ({"url": ""}, "validation_error"),
        ({"url": target(), "colour": "red"}, "validation_error"),
        ({"url": target(), "devices": ["tablet"]}, "validation_error"),
        ({"url": target(), "devices": ["mobile", "mobile"]}, "validation_error"),
        ({"url": "ftp://example.com/"}, "unsupported_scheme"),
        ({"url": "javascript:alert(1)"}, "unsupported_scheme"),
        ({"url": "http://user:pw@example.com/"}, "credentials_in_url"),
        ({"url": "http://10.1.2.3/"}, "blocked_by_policy"),
        ({"url": "http://169.254.169.254/computeMetadata/v1/"}, "blocked_by_policy"),
        ({"url": "http://127.0.0.1:6379/"}, "blocked_by_policy"),
        ({"url": target(), "callback_url": "http://192.168.1.1/hook"}, "blocked_by_policy"),
    ],
)
def test_bad_input_is_422_with_a_code(gateway: ServerThread, http_client: httpx.Client, body: dict, code: str) -> None:
    error = assert_error(submit(http_client, gateway, body), 422, code)
    if code == "validation_error":
        assert error["details"] and all({"loc", "msg", "type"} <= set(item) for item in error["details"])


def test_unknown_fields_are_named_in_the_details(gateway: ServerThread, http_client: httpx.Client) -> None:
    error = assert_error(submit(http_client, gateway, {"url": target(), "calback_url": "x"}), 422)
    assert error["details"] == [
        {"loc": ["calback_url"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]


@pytest.mark.parametrize("raw", [b"{", b"", b"not json", b'{"url": "http://x"'])
def test_malformed_json_is_400(gateway: ServerThread, http_client: httpx.Client, raw: bytes) -> None:
    response = http_client.post(gateway.url("/v1/analyses"), content=raw, headers={"content-type": "application/json"})
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_415(
    gateway: ServerThread, http_client: httpx.Client, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = http_client.post(gateway.url("/v1/analyses"), content=b'{"url": "x"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")


def test_an_oversized_body_is_413(gateway: ServerThread, http_client: httpx.Client) -> None:
    body = {"url": target(), "metadata": {"pad": "x" * 4000}}
    error = assert_error(submit(http_client, gateway, body), 413, "body_too_large")
    assert error["details"] == {"limit": 2048}


def test_an_oversized_chunked_body_without_content_length_is_413(
    gateway: ServerThread, http_client: httpx.Client
) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        yield b'{"url": "' + target().encode() + b'", "metadata": {"pad": "'
        for _ in range(64):
            sent.append(1)
            yield b"x" * 512
        yield b'"}}'

    response = http_client.post(
        gateway.url("/v1/analyses"), content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "body_too_large")


def test_a_lying_content_length_cannot_smuggle_a_larger_body(gateway: ServerThread) -> None:
    """Content-Length claims 100 bytes; 4 KiB follow. The server must read at most the declared length
    (h11) and never parse more than the limit: the answer is an error, never a 2xx."""
    payload = b'{"url": "' + target().encode() + b'", "metadata": {"pad": "' + b"x" * 4096 + b'"}}'
    request = (
        b"POST /v1/analyses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\nConnection: close\r\n\r\n" + payload
    )
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500


def test_a_body_that_stalls_is_408(http_client: httpx.Client) -> None:
    with running_gateway(http_settings(body_read_timeout_s=1.0), analyze=instant_analysis) as server:
        head = (
            b"POST /v1/analyses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\nConnection: close\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(head + b'{"url": ')
            answer = b""
            while chunk := sock.recv(65536):  # headers and body may arrive in separate segments
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'"code":"body_timeout"' in answer


def test_a_client_leaving_mid_body_is_logged_as_an_event_not_an_error(
    gateway: ServerThread, caplog: pytest.LogCaptureFixture
) -> None:
    head = (
        b"POST /v1/analyses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    with caplog.at_level(logging.INFO):
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as sock:
            sock.sendall(head + b'{"url": ')
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("disconnected" in r.getMessage() for r in caplog.records):
            time.sleep(0.05)
    left = [record for record in caplog.records if "disconnected" in record.getMessage()]
    assert left and left[0].levelno == logging.INFO and left[0].exc_info is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_unknown_and_malformed_ids_are_404(gateway: ServerThread, http_client: httpx.Client) -> None:
    for job_id in ("0" * 32, "no-such-job", "%2e%2e", "x" * 65):
        assert_error(http_client.get(gateway.url(f"/v1/analyses/{job_id}")), 404, "job_not_found")
        assert_error(http_client.get(gateway.url(f"/v1/analyses/{job_id}/report.html")), 404, "job_not_found")
        assert_error(http_client.get(gateway.url(f"/analyze/status/{job_id}")), 404, "job_not_found")


def test_files_of_an_unfinished_job_are_409(http_client: httpx.Client) -> None:
    analysis = GatedAnalysis()
    with running_gateway(http_settings(), analyze=analysis) as server:
        try:
            job = submit(http_client, server, {"url": target("/slow")}).json()
            running = wait_for_status(http_client, job["links"]["self"], "running")
            assert running["progress"]["stage"] in ("starting", "capturing")
            for path in ("report.html", "report.pdf", "screenshots/desktop-fold.png"):
                error = assert_error(
                    http_client.get(server.url(f"/v1/analyses/{job['id']}/{path}")), 409, "job_not_succeeded"
                )
                assert error["details"] == {"status": "running"}
        finally:
            analysis.release()
        assert wait_for_status(http_client, job["links"]["self"])["status"] == "succeeded"


def test_a_failed_job_says_why(http_client: httpx.Client) -> None:
    from shared.errors import AnalysisError, ErrorCode

    analysis = GatedAnalysis(error=AnalysisError(ErrorCode.target_http_error, "the page answered 404"))
    analysis.release()
    with running_gateway(http_settings(), analyze=analysis) as server:
        job = submit(http_client, server, {"url": target("/gone")}).json()
        failed = wait_for_status(http_client, job["links"]["self"])
        assert failed["status"] == "failed"
        assert failed["error"] == {"code": "target_http_error", "message": "the page answered 404"}
        assert failed["result"] is None
        assert_error(http_client.get(server.url(f"/v1/analyses/{job['id']}/report.html")), 409)


def test_unknown_paths_and_methods_use_the_error_shape(gateway: ServerThread, http_client: httpx.Client) -> None:
    assert_error(http_client.get(gateway.url("/v2/anything")), 404, "not_found")
    error = http_client.delete(gateway.url("/v1/analyses"))
    assert_error(error, 405, "method_not_allowed")
    assert "POST" in error.headers["allow"]


def test_health_and_readiness(gateway: ServerThread, http_client: httpx.Client) -> None:
    assert http_client.get(gateway.url("/healthz")).json() == {"status": "ok"}
    ready = http_client.get(gateway.url("/readyz"))
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert ready.json()["ready"] is True
    assert checks["store"] is True and checks["queue"] is True
    assert checks["claude"] is False


def test_a_store_that_is_down_is_503_everywhere(http_client: httpx.Client) -> None:
    from harness.servers import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"
    with running_gateway(http_settings(redis_url=dead, redis_timeout_s=1.0), analyze=instant_analysis) as server:
        error = assert_error(submit(http_client, server, {"url": target("/down")}), 503, "service_unavailable")
        assert error["message"]
        assert_error(http_client.get(server.url(f"/v1/analyses/{'a' * 32}")), 503, "service_unavailable")
        ready = http_client.get(server.url("/readyz"))
        assert ready.status_code == 503
        assert ready.json()["checks"]["store"] is False
        assert http_client.get(server.url("/healthz")).status_code == 200


def test_links_come_from_a_trusted_host_only(gateway: ServerThread, http_client: httpx.Client) -> None:
    body = {"url": target("/host-header"), "force": True}
    spoofed = submit(http_client, gateway, body, Host="evil.example")
    job_id = spoofed.json()["id"]
    assert spoofed.headers["location"] == f"/v1/analyses/{job_id}"
    assert all(link.startswith("/v1/") for link in spoofed.json()["links"].values() if link is not None)
    assert (
        http_client.get(gateway.url(f"/v1/analyses/{job_id}"), headers={"Host": "evil.example"}).json()["links"]["self"]
        == f"/v1/analyses/{job_id}"
    )
    trusted = submit(http_client, gateway, body)
    assert trusted.headers["location"] == gateway.url(f"/v1/analyses/{trusted.json()['id']}")


def test_trusted_hosts_and_the_public_base_url_decide_the_links(http_client: httpx.Client) -> None:
    body = {"url": target("/host-header-2")}
    with running_gateway(http_settings(trusted_hosts="*.example.com"), analyze=instant_analysis) as server:
        response = submit(http_client, server, body, Host="cro.example.com")
        assert response.headers["location"].startswith("http://cro.example.com/v1/analyses/")
        assert submit(http_client, server, body, Host="example.com.evil.test").headers["location"].startswith("/v1/")
    public = http_settings(public_base_url="https://cro.example.com/")
    with running_gateway(public, analyze=instant_analysis) as server:
        response = submit(http_client, server, body, Host="evil.example")
        assert response.headers["location"].startswith("https://cro.example.com/v1/analyses/")
