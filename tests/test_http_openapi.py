"""The OpenAPI document: it covers exactly what each app serves, and the live gateway conforms to it
(schemathesis: examples, coverage, fuzzing and stateful phases, every check)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from shared.http.apps import ANALYZE, GATEWAY, RESULT, SUBMIT
from shared.http.gateway import create_app
from shared.http.openapi import openapi_document
from tests.support.gateway import http_settings, instant_analysis, running_gateway

SCHEMATHESIS_CONFIG = Path(__file__).parent / "http" / "schemathesis.toml"
API_KEY = "openapi-test-key-0123456789"
TASK_SECRET = "openapi-task-secret"
SCHEMATHESIS_TIMEOUT_S = 100


def test_the_document_lists_every_route_of_the_gateway() -> None:
    app = create_app(http_settings(), analyze=instant_analysis)
    document = openapi_document(GATEWAY, http_settings())
    served = {
        (route.path, method) for route in app.routes if isinstance(route, Route) for method in route.methods or ()
    }
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert documented == {(path, method) for path, method in served if method != "HEAD"}
    assert document["openapi"] == "3.1.0"
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["responses"], operation["operationId"]
            for status, response in operation["responses"].items():
                if int(status) >= 400 and operation["operationId"] != "readyz":
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"
                    }


@pytest.mark.parametrize(
    ("operations", "path"),
    [(SUBMIT, "/v1/analyses"), (RESULT, "/v1/analyses/{job_id}"), (ANALYZE, "/v1/tasks/analyze")],
)
def test_each_function_documents_its_own_operations(operations: tuple, path: str) -> None:
    document = openapi_document(operations, http_settings())
    assert path in document["paths"]
    assert len(document["paths"]) < len(openapi_document(GATEWAY, http_settings())["paths"])


def test_security_follows_the_configuration() -> None:
    open_doc = openapi_document(GATEWAY, http_settings())
    keyed_doc = openapi_document(GATEWAY, http_settings(api_keys=API_KEY))
    assert {} in open_doc["paths"]["/v1/analyses"]["post"]["security"]
    assert {} not in keyed_doc["paths"]["/v1/analyses"]["post"]["security"]
    assert "security" not in keyed_doc["paths"]["/healthz"]["get"]
    assert keyed_doc["components"]["securitySchemes"]["ApiKeyHeader"]["name"] == "X-API-Key"


def schemathesis(url: str, report_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st),
        "--config-file",
        str(SCHEMATHESIS_CONFIG),
        "--no-color",
        "run",
        url,
        "--checks",
        "all",
        "--max-examples",
        "25",
        "--workers",
        "1",
        "--seed",
        "20261128",
        "--request-timeout",
        "10",
        "--report-dir",
        str(report_dir),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=SCHEMATHESIS_TIMEOUT_S, cwd=report_dir)


@pytest.mark.timeout(2 * SCHEMATHESIS_TIMEOUT_S + 30)
def test_the_live_gateway_conforms_to_its_document(tmp_path: Path) -> None:
    """The public operations with a valid API key (both ways of sending it), then the task endpoint with
    the task secret: Authorization means an API key to the first and an OIDC token to the second."""
    settings = http_settings(
        api_keys=API_KEY, task_secret=TASK_SECRET, rate_limit_per_minute=0, max_body_bytes=4096, dns_timeout_s=0.5
    )
    with running_gateway(settings, analyze=instant_analysis) as server:
        assert httpx.get(server.url("/openapi.json")).status_code == 200
        public = schemathesis(
            server.url("/openapi.json"),
            tmp_path,
            "--exclude-path",
            "/v1/tasks/analyze",
            "--header",
            f"X-API-Key: {API_KEY}",
            "--header",
            f"Authorization: Bearer {API_KEY}",
        )
        tasks = schemathesis(
            server.url("/openapi.json"),
            tmp_path,
            "--include-path",
            "/v1/tasks/analyze",
            "--phases",
            "examples,coverage,fuzzing",
            "--header",
            f"X-Task-Secret: {TASK_SECRET}",
        )
    assert public.returncode == 0, public.stdout[-8000:] + public.stderr[-2000:]
    assert tasks.returncode == 0, tasks.stdout[-8000:] + tasks.stderr[-2000:]
