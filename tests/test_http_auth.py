"""API keys, the per-key rate limit, and who may push tasks (OIDC tokens signed here, served on loopback)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt
from google.auth import jwt as google_jwt

from harness.servers import LoopbackServer
from tests.support.gateway import ServerThread, http_settings, instant_analysis, running_gateway, target

KEYS = ["first-key-0123456789", "second-key-9876543210"]
SERVICE_ACCOUNT = "tasks@project.iam.gserviceaccount.com"
AUDIENCE = "https://analyze.example.run.app/v1/tasks/analyze"
TASK_SECRET = "task-secret-abcdef"


def submit(client: httpx.Client, server: ServerThread, **headers: str) -> httpx.Response:
    return client.post(server.url("/v1/analyses"), json={"url": target("/auth")}, headers=headers)


@pytest.fixture(scope="module")
def keyed_gateway() -> Iterator[ServerThread]:
    settings = http_settings(api_keys=",".join(KEYS), rate_limit_per_minute=3)
    with running_gateway(settings, analyze=instant_analysis) as server:
        yield server


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "unauthorized"),
        ({"Authorization": "Bearer wrong-key"}, "invalid_api_key"),
        ({"X-API-Key": KEYS[0][:-1]}, "invalid_api_key"),
        ({"Authorization": f"Basic {KEYS[0]}"}, "invalid_api_key"),
        ({"Authorization": "Bearer wrong-key", "X-API-Key": KEYS[0]}, "invalid_api_key"),
        ({"Authorization": f"Bearer {KEYS[0]}", "X-API-Key": ""}, "invalid_api_key"),
    ],
)
def test_missing_or_wrong_keys_are_401(
    keyed_gateway: ServerThread, http_client: httpx.Client, headers: dict[str, str], code: str
) -> None:
    response = submit(http_client, keyed_gateway, **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response.headers["www-authenticate"].startswith("Bearer")
    result = http_client.get(keyed_gateway.url(f"/v1/analyses/{'a' * 32}"), headers=headers)
    assert result.status_code == 401
    legacy = http_client.get(keyed_gateway.url(f"/analyze/status/{'a' * 32}"), headers=headers)
    assert legacy.status_code == 401


@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ([("X-API-Key", KEYS[0]), ("X-API-Key", "WRONG")], False),
        ([("X-API-Key", "WRONG"), ("X-API-Key", KEYS[0])], False),
        ([("Authorization", f"Bearer {KEYS[0]}"), ("Authorization", "Bearer WRONG")], False),
        ([("X-API-Key", KEYS[0]), ("X-API-Key", KEYS[1])], False),
        ([("X-API-Key", KEYS[1]), ("X-API-Key", KEYS[1])], True),
    ],
)
def test_every_value_of_a_repeated_key_header_counts(
    keyed_gateway: ServerThread, http_client: httpx.Client, headers: list[tuple[str, str]], accepted: bool
) -> None:
    response = http_client.get(keyed_gateway.url(f"/v1/analyses/{'a' * 32}"), headers=headers)
    if accepted:
        assert response.json()["error"]["code"] == "job_not_found"
    else:
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"


def test_every_configured_key_works_as_bearer_or_header(keyed_gateway: ServerThread, http_client: httpx.Client) -> None:
    job = submit(http_client, keyed_gateway, Authorization=f"Bearer {KEYS[1]}").json()
    read = http_client.get(job["links"]["self"], headers={"X-API-Key": KEYS[0]})
    assert read.status_code == 200
    assert read.json()["id"] == job["id"]
    assert http_client.get(keyed_gateway.url("/healthz")).status_code == 200


def test_the_rate_limit_is_per_key_with_retry_after(http_client: httpx.Client) -> None:
    settings = http_settings(api_keys=",".join(KEYS), rate_limit_per_minute=2)
    with running_gateway(settings, analyze=instant_analysis) as server:
        statuses = [submit(http_client, server, **{"X-API-Key": KEYS[0]}).status_code for _ in range(2)]
        assert all(status in (200, 202) for status in statuses)
        limited = submit(http_client, server, **{"X-API-Key": KEYS[0]})
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        retry_after = int(limited.headers["retry-after"])
        assert 1 <= retry_after <= 60
        other_key = submit(http_client, server, **{"X-API-Key": KEYS[1]})
        assert other_key.status_code in (200, 202)


def test_keys_never_reach_the_store(redis_url: str, http_client: httpx.Client) -> None:
    import redis

    settings = http_settings(redis_url=redis_url, api_keys=",".join(KEYS), rate_limit_per_minute=100)
    with running_gateway(settings, analyze=instant_analysis) as server:
        headers = {"X-API-Key": KEYS[0], "Idempotency-Key": "k-1"}
        assert submit(http_client, server, **headers).status_code in (200, 202)
    client = redis.Redis.from_url(redis_url)
    stored = b" ".join(client.keys("*"))
    stored += b" ".join(
        value for key in client.keys("*") if client.type(key) == b"string" for value in [client.get(key)]
    )
    assert stored
    assert KEYS[0].encode() not in stored


# --- task pushes -----------------------------------------------------------------------------------


class SigningKey:
    """An RSA key, its self-signed certificate, and ID tokens signed with it."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
        now = datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self._key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
            .decode()
        )
        pem = self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self._signer = crypt.RSASigner.from_string(pem, key_id=kid)

    def token(self, **claims: object) -> str:
        now = int(time.time())
        payload: dict[str, object] = {
            "iss": "https://accounts.google.com",
            "aud": AUDIENCE,
            "email": SERVICE_ACCOUNT,
            "email_verified": True,
            "sub": "1234567890",
            "iat": now,
            "exp": now + 600,
        }
        payload.update(claims)
        return google_jwt.encode(self._signer, payload).decode()


@pytest.fixture(scope="module")
def google_key() -> SigningKey:
    return SigningKey("kid-1")


@pytest.fixture(scope="module")
def impostor_key(google_key: SigningKey) -> SigningKey:
    """Another key claiming the same key id: what a forger would sign with."""
    return SigningKey(google_key.kid)


@pytest.fixture(scope="module")
def unknown_key() -> SigningKey:
    return SigningKey("kid-2")


@pytest.fixture(scope="module")
def certs_server(google_key: SigningKey) -> Iterator[LoopbackServer]:
    def certs(handler: SimpleHTTPRequestHandler) -> None:
        body = json.dumps({google_key.kid: google_key.certificate}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with LoopbackServer(routes={"/certs": certs}) as server:
        yield server


@pytest.fixture(scope="module")
def task_gateway(certs_server: LoopbackServer) -> Iterator[ServerThread]:
    settings = http_settings(
        task_oidc_audience=AUDIENCE,
        task_oidc_certs_url=certs_server.url("/certs"),
        cloud_tasks_service_account=SERVICE_ACCOUNT,
        task_secret=TASK_SECRET,
    )
    with running_gateway(settings, analyze=instant_analysis) as server:
        yield server


def push(client: httpx.Client, server: ServerThread, **headers: str) -> httpx.Response:
    return client.post(server.url("/v1/tasks/analyze"), json={"job_id": "a" * 32}, headers=headers)


def test_a_valid_oidc_token_of_the_queue_account_is_accepted(
    task_gateway: ServerThread, http_client: httpx.Client, google_key: SigningKey, certs_server: LoopbackServer
) -> None:
    response = push(http_client, task_gateway, Authorization=f"Bearer {google_key.token()}")
    assert response.status_code == 200, response.text
    assert response.json() == {"job_id": "a" * 32, "outcome": "done"}
    hits = certs_server.hits.count("/certs")
    assert push(http_client, task_gateway, Authorization=f"Bearer {google_key.token()}").status_code == 200
    assert certs_server.hits.count("/certs") == hits, "certificates are fetched once, then cached"


def test_the_task_secret_is_accepted(task_gateway: ServerThread, http_client: httpx.Client) -> None:
    assert push(http_client, task_gateway, **{"X-Task-Secret": TASK_SECRET}).status_code == 200


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("missing", 401, "unauthorized"),
        ("not bearer", 401, "invalid_token"),
        ("forged token beside the right secret", 401, "invalid_token"),
        ("wrong secret", 401, "invalid_task_secret"),
        ("expired", 401, "invalid_token"),
        ("wrong audience", 401, "invalid_token"),
        ("forged", 401, "invalid_token"),
        ("unknown kid", 401, "invalid_token"),
        ("not google", 401, "invalid_token"),
        ("garbage", 401, "invalid_token"),
        ("other account", 403, "forbidden"),
        ("unverified email", 403, "forbidden"),
    ],
)
def test_bad_task_credentials_are_refused(
    task_gateway: ServerThread,
    http_client: httpx.Client,
    google_key: SigningKey,
    impostor_key: SigningKey,
    unknown_key: SigningKey,
    case: str,
    status: int,
    code: str,
) -> None:
    past = int(time.time()) - 7200
    headers = {
        "missing": {},
        "not bearer": {"Authorization": f"Basic {TASK_SECRET}"},
        "forged token beside the right secret": {
            "Authorization": f"Bearer {impostor_key.token()}",
            "X-Task-Secret": TASK_SECRET,
        },
        "wrong secret": {"X-Task-Secret": TASK_SECRET + "x"},
        "expired": {"Authorization": f"Bearer {google_key.token(iat=past, exp=past + 600)}"},
        "wrong audience": {"Authorization": f"Bearer {google_key.token(aud='https://elsewhere.example/')}"},
        "forged": {"Authorization": f"Bearer {impostor_key.token()}"},
        "unknown kid": {"Authorization": f"Bearer {unknown_key.token()}"},
        "not google": {"Authorization": f"Bearer {google_key.token(iss='https://evil.example')}"},
        "garbage": {"Authorization": "Bearer not.a.jwt"},
        "other account": {"Authorization": f"Bearer {google_key.token(email='someone@evil.example')}"},
        "unverified email": {"Authorization": f"Bearer {google_key.token(email_verified=False)}"},
    }[case]
    response = push(http_client, task_gateway, **headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_unreachable_certificates_are_503_so_the_queue_retries(
    google_key: SigningKey, http_client: httpx.Client
) -> None:
    from harness.servers import free_port

    settings = http_settings(
        task_oidc_audience=AUDIENCE,
        task_oidc_certs_url=f"http://127.0.0.1:{free_port()}/certs",
        task_oidc_certs_timeout_s=2.0,
        cloud_tasks_service_account=SERVICE_ACCOUNT,
    )
    with running_gateway(settings, analyze=instant_analysis) as server:
        response = push(http_client, server, Authorization=f"Bearer {google_key.token()}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "certificates_unavailable"


def test_anonymous_pushes_only_when_configured(http_client: httpx.Client) -> None:
    with running_gateway(http_settings(allow_anonymous_tasks=True), analyze=instant_analysis) as server:
        assert push(http_client, server).status_code == 200
    with running_gateway(http_settings(), analyze=instant_analysis) as server:
        assert push(http_client, server).status_code == 401
