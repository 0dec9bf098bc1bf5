"""The OpenAPI 3.1 document, generated from the operations and their pydantic models.

Schemas come from `models_json_schema`, which names each model once and splits a model into -Input
and -Output only where validation and serialisation really differ. Security follows the deployment:
with API keys configured the key is required, without them the operations are documented as open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from shared.http.operations import Operation, Reply
from shared.models.api import ErrorBody
from shared.settings.http import HttpSettings
from shared.version import ANALYZER_VERSION

REF_TEMPLATE = "#/components/schemas/{model}"

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "One of API_KEYS."},
    "ApiKeyBearer": {"type": "http", "scheme": "bearer", "description": "One of API_KEYS as a bearer token."},
    "CloudTasksOidc": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Google-signed OIDC token of the queue's service account, audience = this endpoint.",
    },
    "TaskSecret": {"type": "apiKey", "in": "header", "name": "X-Task-Secret", "description": "TASK_SECRET."},
}

_BINARY = {"type": "string", "format": "binary"}


def _models(operations: Sequence[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(ErrorBody, "serialization"): None}
    for op in operations:
        if op.body is not None:
            wanted[(op.body, "validation")] = None
        for reply in op.replies:
            if reply.model is not None:
                wanted[(reply.model, "serialization")] = None
    return list(wanted)


def _security(op: Operation, settings: HttpSettings) -> list[dict[str, list[str]]] | None:
    if op.auth == "api_key":
        required = [{"ApiKeyHeader": []}, {"ApiKeyBearer": []}]
        return required if settings.api_keys else [*required, {}]
    if op.auth == "task":
        return [{"CloudTasksOidc": []}, {"TaskSecret": []}, *([{}] if settings.allow_anonymous_tasks else [])]
    return None


def _content(reply: Reply, refs: dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]]) -> dict[str, Any]:
    model = reply.model or (ErrorBody if reply.status >= 400 else None)
    if model is not None:
        schema: dict[str, Any] = refs[(model, "serialization")]
    elif reply.media_type == "application/json":
        schema = {"type": "object"}
    elif reply.media_type.startswith("text/"):
        schema = {"type": "string"}
    else:
        schema = _BINARY
    return {reply.media_type: {"schema": schema}}


def _responses(op: Operation, refs: dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]]) -> dict[str, Any]:
    by_status: dict[int, list[Reply]] = defaultdict(list)
    for reply in op.replies:
        by_status[reply.status].append(reply)
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        replies = by_status[status]
        entry: dict[str, Any] = {"description": "; ".join(dict.fromkeys(r.description for r in replies))}
        content: dict[str, Any] = {}
        headers: dict[str, Any] = {}
        links: dict[str, Any] = {}
        for reply in replies:
            content.update(_content(reply, refs))
            for name in reply.headers:
                headers[name] = {"schema": {"type": "string"}, "required": False}
            for link in reply.links:
                links[link.name] = {"operationId": link.operation, "parameters": {link.parameter: link.expression}}
        entry["content"] = content
        if headers:
            entry["headers"] = headers
        if links:
            entry["links"] = links
        responses[str(status)] = entry
    return responses


def _operation(
    op: Operation, settings: HttpSettings, refs: dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]]
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": _responses(op, refs),
    }
    if op.description:
        document["description"] = op.description
    if op.params:
        document["parameters"] = [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                "schema": p.schema,
                **({"description": p.description} if p.description else {}),
            }
            for p in op.params
        ]
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    security = _security(op, settings)
    if security is not None:
        document["security"] = security
    return document


def openapi_document(operations: Sequence[Operation], settings: HttpSettings) -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(operations), ref_template=REF_TEMPLATE)
    paths: dict[str, dict[str, Any]] = defaultdict(dict)
    for op in operations:
        paths[op.path][op.method.lower()] = _operation(op, settings, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CRO Analyzer",
            "version": ANALYZER_VERSION,
            "description": "Render a landing page like a real visitor, measure it, and report what costs conversions.",
        },
        "paths": dict(paths),
        "components": {"schemas": definitions.get("$defs", {}), "securitySchemes": SECURITY_SCHEMES},
    }
