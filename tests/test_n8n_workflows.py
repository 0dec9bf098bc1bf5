"""The n8n examples: importable workflows whose every URL path, body field and read field is in /openapi.json.

Each workflow is read as n8n would run it: a field a node reads with `$json.x.y` must exist in the
output of the node before it (for an HTTP node, the response schema of its operation in the live
gateway's OpenAPI document), and `$('Node').first().json.x` in that node's output. A typo in a field
name, or an API change that drops a field a workflow uses, fails here instead of in someone's n8n.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.gateway import http_settings, running_gateway

EXAMPLES = Path(__file__).parent.parent / "examples" / "n8n"
WORKFLOWS = sorted(EXAMPLES.glob("*.json"))
BASE_URL_EXPR = "{{ $('Settings').first().json.base_url }}"
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
JSON_REF = re.compile(r"\$json((?:\??\.[A-Za-z_]\w*)+)(\()?")
NODE_REF = re.compile(r"\$\('([^']+)'\)\.(?:first\(\)|last\(\)|item)\.json((?:\??\.[A-Za-z_]\w*)+)(\()?")
EMPTY: dict[str, Any] = {"type": "object", "properties": {}}
ANY: dict[str, Any] = {}
TRIGGERS = frozenset({"n8n-nodes-base.manualTrigger", "n8n-nodes-base.scheduleTrigger"})

Schema = dict[str, Any]


@pytest.fixture(scope="module")
def openapi() -> Iterator[dict[str, Any]]:
    with running_gateway(http_settings(api_keys=["n8n-example-key"])) as server:
        response = httpx.get(server.url("/openapi.json"), timeout=10)
    assert response.status_code == 200
    yield response.json()


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_is_one_workflow_per_integration_style() -> None:
    assert [path.name for path in WORKFLOWS] == [
        "cro-analyzer-callback.json",
        "cro-analyzer-monitor.json",
        "cro-analyzer-original-routes.json",
        "cro-analyzer-poll.json",
    ]


def test_every_workflow_has_its_own_stable_id() -> None:
    """`n8n import:workflow --input=FILE` (2.x) stores the file's `id` as is: without one the insert fails."""
    workflows = [load(path) for path in WORKFLOWS]
    ids = [workflow["id"] for workflow in workflows]
    assert len(set(ids)) == len(ids)
    for workflow in workflows:
        assert re.fullmatch(r"[A-Za-z0-9]{16}", workflow["id"]), "the shape of the ids n8n makes itself"
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", workflow["versionId"])
        assert isinstance(workflow["meta"], dict)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.stem)
def test_workflow_has_n8n_export_shape(path: Path) -> None:
    workflow = load(path)
    assert isinstance(workflow["name"], str) and workflow["name"]
    nodes = workflow["nodes"]
    names = [node["name"] for node in nodes]
    assert len(names) == len(set(names)), "node names must be unique: connections refer to them"
    assert len({node["id"] for node in nodes}) == len(nodes)
    for node in nodes:
        assert re.fullmatch(r"n8n-nodes-base\.[A-Za-z]+", node["type"]), node["name"]
        assert isinstance(node["typeVersion"], int | float)
        assert isinstance(node["parameters"], dict)
        x, y = node["position"]
        assert isinstance(x, int) and isinstance(y, int)
        if node["type"] == "n8n-nodes-base.httpRequest":
            params = node["parameters"]
            assert params["authentication"] == "genericCredentialType"
            assert params["genericAuthType"] == "httpHeaderAuth"
            assert set(node["credentials"]) == {"httpHeaderAuth"}
    assert sum(node["type"] in TRIGGERS for node in nodes) == 1
    for source, outputs in workflow["connections"].items():
        assert source in names
        for branch in outputs["main"]:
            for link in branch:
                assert link["node"] in names and link["type"] == "main" and link["index"] == 0
    reachable = _reachable(workflow)
    assert reachable == set(names), f"unconnected nodes: {set(names) - reachable}"


def test_callback_workflow_resumes_on_a_post_to_its_resume_url() -> None:
    workflow = load(EXAMPLES / "cro-analyzer-callback.json")
    waits = [node for node in workflow["nodes"] if node["type"] == "n8n-nodes-base.wait"]
    assert len(waits) == 1
    params = waits[0]["parameters"]
    assert (params["resume"], params["httpMethod"]) == ("webhook", "POST")
    assert params["limitWaitTime"] is True, "a lost callback must not leave the execution waiting forever"
    assert waits[0]["webhookId"]
    submit = _node(workflow, "Submit analysis")
    assert json.loads(_blank_expressions(submit["parameters"]["jsonBody"]))["callback_url"] is None
    assert "$execution.resumeUrl" in submit["parameters"]["jsonBody"]
    # Every run waits, a cache hit's too: n8n answers a callback for an execution that did not wait with
    # 409 for good ("has finished already"), so the webhook would end failed.
    assert _successors(workflow, "Submit analysis") == [(0, waits[0]["name"])]


@pytest.mark.parametrize("name", ["cro-analyzer-callback.json", "cro-analyzer-poll.json", "cro-analyzer-monitor.json"])
def test_idempotency_keys_do_not_collide_across_n8n_instances(name: str) -> None:
    """Execution ids count 1, 2, 3 in every n8n: a second instance on the same API key would get another's
    job (or a 422). The resume URL holds a token n8n draws for each execution; a digest of it, never the
    token itself, makes the key unique and stays the same when the node retries."""
    (header,) = _node(load(EXAMPLES / name), "Submit analysis")["parameters"]["headerParameters"]["parameters"]
    assert header["name"] == "Idempotency-Key"
    key = header["value"]
    assert "$workflow.id" in key and "$execution.id" in key
    assert "$execution.resumeUrl.hash('sha256')" in key
    assert key.count("$execution.resumeUrl") == 1


@pytest.mark.parametrize("name", ["cro-analyzer-callback.json", "cro-analyzer-poll.json"])
def test_the_summary_keeps_the_ranking_and_hands_on_the_share_link(name: str) -> None:
    summary = _node(load(EXAMPLES / name), "Report summary")
    fields = {a["name"]: a["value"] for a in summary["parameters"]["assignments"]["assignments"]}
    # Mapped from top_issues (ranked), not filtered from findings (report order).
    assert fields["top_issues"].startswith("={{ $json.result.top_issues.map(")
    # The link that needs no key; the API's own link where the service issues no share links (null).
    assert fields["share_link"] == "={{ $json.links.share_report_html ?? $json.links.report_html }}"
    assert "share_report_html" in summary["notes"]


def test_the_monitor_reanalyses_each_page_and_alerts_only_past_its_threshold() -> None:
    workflow = load(EXAMPLES / "cro-analyzer-monitor.json")
    (trigger,) = [node for node in workflow["nodes"] if node["type"] in TRIGGERS]
    assert trigger["type"] == "n8n-nodes-base.scheduleTrigger"
    submit = _node(workflow, "Submit analysis")
    body = json.loads(_blank_expressions(submit["parameters"]["jsonBody"]))
    assert body["force"] is True, "a cache hit would compare a report with itself"
    # One job per page of the list in one execution: the page is part of the key.
    (header,) = submit["parameters"]["headerParameters"]["parameters"]
    assert "$json.url.hash('sha256')" in header["value"]
    # Compared only with an earlier analysis, and alerted only on the regression branch.
    assert _successors(workflow, "Has previous?") == [(0, "Compare with previous")]
    assert "$json.links.previous" in _node(workflow, "Compare with previous")["parameters"]["jsonBody"]
    assert _successors(workflow, "Regression?") == [(0, "Regression alert")]
    settings = {a["name"]: a["value"] for a in _node(workflow, "Settings")["parameters"]["assignments"]["assignments"]}
    assert settings["score_drop_threshold"] == 5
    rules = json.dumps(_node(workflow, "Regression?")["parameters"]["conditions"])
    assert "score_drop_threshold" in rules and "severity === 'high'" in rules
    alert = {
        a["name"]: a["value"] for a in _node(workflow, "Regression alert")["parameters"]["assignments"]["assignments"]
    }
    assert "links.share_report_html ?? " in alert["share_link"] and "share_report_html" in alert["message"]


@pytest.mark.parametrize(
    "name", ["cro-analyzer-poll.json", "cro-analyzer-original-routes.json", "cro-analyzer-monitor.json"]
)
def test_polling_workflows_loop_with_a_limit(name: str) -> None:
    workflow = load(EXAMPLES / name)
    loop = _cycle_nodes(workflow)
    types = {_node(workflow, node)["type"] for node in loop}
    assert {"n8n-nodes-base.wait", "n8n-nodes-base.httpRequest", "n8n-nodes-base.if"} <= types
    limit = _node(workflow, "Polls left?")
    assert limit["name"] in loop
    condition = limit["parameters"]["conditions"]["conditions"][0]
    assert "$json.polls" in condition["leftValue"] and "max_polls" in condition["rightValue"]
    counter = _node(workflow, "Count polls")
    assert counter["name"] in loop and "$runIndex" in json.dumps(counter["parameters"])
    # The loop's exit when the limit is reached ends in an error, not silently.
    exits = workflow["connections"]["Polls left?"]["main"][1]
    assert [_node(workflow, link["node"])["type"] for link in exits] == ["n8n-nodes-base.stopAndError"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.stem)
def test_every_request_matches_an_openapi_operation(path: Path, openapi: dict[str, Any]) -> None:
    workflow = load(path)
    checked = 0
    for node in workflow["nodes"]:
        if node["type"] != "n8n-nodes-base.httpRequest":
            continue
        params = node["parameters"]
        operation = _operation_for(params, openapi)
        if operation is None:
            continue  # a URL taken from a response field (links.*): checked as a field read below
        checked += 1
        security = operation.get("security", [])
        assert {"ApiKeyHeader": []} in security, node["name"]
        assert openapi["components"]["securitySchemes"]["ApiKeyHeader"]["name"] == "X-API-Key"
        documented_headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        for header in params.get("headerParameters", {}).get("parameters", []):
            assert header["name"] in documented_headers, f"{node['name']}: header {header['name']}"
        body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if "jsonBody" in params:
            assert body_schema is not None, f"{node['name']} sends a body its operation does not take"
            body = json.loads(_blank_expressions(params["jsonBody"]))
            schema = _deref(body_schema, openapi)
            properties = schema["properties"]
            unknown = set(body) - set(properties)
            assert not unknown, f"{node['name']} sends fields the API does not know: {unknown}"
            assert set(schema.get("required", [])) <= set(body), node["name"]
            for field, value in body.items():
                if value is not None:
                    assert _accepts(properties[field], value, openapi), f"{node['name']}: {field}={value!r}"
        else:
            assert body_schema is None or not operation["requestBody"].get("required"), node["name"]
    assert checked >= 2


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.stem)
def test_every_field_a_node_reads_exists_in_what_the_node_before_produced(path: Path, openapi: dict[str, Any]) -> None:
    workflow = load(path)
    outputs = _OutputSchemas(workflow, openapi)
    reads = 0
    for node in workflow["nodes"]:
        inputs = outputs.inputs(node["name"])
        for expression in _expressions(node["parameters"]):
            for match in JSON_REF.finditer(expression):
                segments = _segments(match.group(1), called=match.group(2) is not None)
                assert inputs, f"{node['name']} reads $json but has no input"
                for schema in inputs:
                    assert _resolve(schema, segments, openapi) is not None, (
                        f"{path.name}: {node['name']} reads $json.{'.'.join(segments)}, which its input lacks"
                    )
                reads += 1
            for match in NODE_REF.finditer(expression):
                source, segments = match.group(1), _segments(match.group(2), called=match.group(3) is not None)
                produced = outputs.of(source)
                assert produced, f"{node['name']} reads from {source!r}, which produces nothing"
                for schema in produced:
                    assert _resolve(schema, segments, openapi) is not None, (
                        f"{path.name}: {node['name']} reads $('{source}').json.{'.'.join(segments)}, "
                        f"which {source} does not produce"
                    )
                reads += 1
    assert reads >= 10


def test_the_field_check_catches_a_misspelt_field(openapi: dict[str, Any]) -> None:
    """The checker itself can fail: a workflow reading a field the API does not have is caught."""
    workflow = load(EXAMPLES / "cro-analyzer-poll.json")
    outputs = _OutputSchemas(workflow, openapi)
    (job_view,) = outputs.of("Get analysis")
    assert _resolve(job_view, ["result", "scores", "overall"], openapi) is not None
    assert _resolve(job_view, ["result", "score", "overall"], openapi) is None
    assert _resolve(job_view, ["links", "report_htm"], openapi) is None
    (issue,) = _OutputSchemas(load(EXAMPLES / "cro-analyzer-original-routes.json"), openapi).of("One item per issue")
    assert _resolve(issue, ["recommendation"], openapi) is not None
    assert _resolve(issue, ["fix"], openapi) is None


# --- reading workflows ------------------------------------------------------------------------------


def _node(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    return next(node for node in workflow["nodes"] if node["name"] == name)


def _successors(workflow: dict[str, Any], name: str) -> list[tuple[int, str]]:
    outputs = workflow["connections"].get(name, {}).get("main", [])
    return [(index, link["node"]) for index, branch in enumerate(outputs) for link in branch]


def _reachable(workflow: dict[str, Any]) -> set[str]:
    start = next(n["name"] for n in workflow["nodes"] if n["type"] in TRIGGERS)
    seen, stack = {start}, [start]
    while stack:
        for _, successor in _successors(workflow, stack.pop()):
            if successor not in seen:
                seen.add(successor)
                stack.append(successor)
    return seen


def _cycle_nodes(workflow: dict[str, Any]) -> set[str]:
    """Nodes that can reach themselves again."""
    names = [node["name"] for node in workflow["nodes"]]
    in_cycle = set()
    for name in names:
        seen, stack = set(), [s for _, s in _successors(workflow, name)]
        while stack:
            current = stack.pop()
            if current == name:
                in_cycle.add(name)
                break
            if current not in seen:
                seen.add(current)
                stack.extend(s for _, s in _successors(workflow, current))
    return in_cycle


def _expressions(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith("="):
            yield from (match.group(1) for match in EXPRESSION.finditer(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)


def _blank_expressions(body: str) -> str:
    """An n8n JSON body template with every {{ }} as null, so its field names can be read."""
    assert body.startswith("=")
    return EXPRESSION.sub("null", body[1:])


def _segments(path: str, *, called: bool) -> list[str]:
    segments = [part for part in path.replace("?.", ".").split(".") if part]
    return segments[:-1] if called else segments  # `.filter(`, `.includes(`: a method, not a field


def _operation_for(params: dict[str, Any], openapi: dict[str, Any]) -> dict[str, Any] | None:
    url = params["url"]
    assert url.startswith("="), "URLs are expressions over the Settings node"
    if not url[1:].startswith(BASE_URL_EXPR):
        return None
    path = EXPRESSION.sub("{}", url[1 + len(BASE_URL_EXPR) :])
    method = params["method"].lower()
    for template, operations in openapi["paths"].items():
        if re.sub(r"\{[^}]+\}", "{}", template) == path:
            assert method in operations, f"{method.upper()} {template} is not in the OpenAPI document"
            return operations[method]
    raise AssertionError(f"{path} is not in the OpenAPI document")


class _OutputSchemas:
    """What each node hands on, as JSON schemas: one per way data can arrive (n8n has no types)."""

    def __init__(self, workflow: dict[str, Any], openapi: dict[str, Any]) -> None:
        self.workflow = workflow
        self.openapi = openapi
        self.nodes = {node["name"]: node for node in workflow["nodes"]}
        self._memo: dict[str, list[Schema]] = {}
        self._busy: set[str] = set()

    def inputs(self, name: str) -> list[Schema]:
        predecessors = [
            source for source in self.nodes for _, target in _successors(self.workflow, source) if target == name
        ]
        return [schema for source in predecessors for schema in self.of(source)]

    def of(self, name: str) -> list[Schema]:
        if name in self._memo:
            return self._memo[name]
        if name in self._busy:
            return []  # a loop's back edge: the schema arrives through the loop's entry
        self._busy.add(name)
        try:
            result = self._compute(self.nodes[name])
        finally:
            self._busy.discard(name)
        self._memo[name] = result
        return result

    def _compute(self, node: dict[str, Any]) -> list[Schema]:
        kind, params = node["type"].removeprefix("n8n-nodes-base."), node["parameters"]
        if kind in {"manualTrigger", "scheduleTrigger"}:
            return [EMPTY]
        if kind == "code":
            return [ANY]  # what a script returns is not declared anywhere; its readers go unchecked
        if kind == "set":
            fields = {a["name"]: ANY for a in params["assignments"]["assignments"]}
            added = {"type": "object", "properties": fields}
            if params.get("includeOtherFields"):
                return [{"allOf": [schema, added]} for schema in self.inputs(node["name"])]
            return [added]
        if kind == "httpRequest":
            operation = _operation_for(params, self.openapi)
            if operation is None or "file" in json.dumps(params.get("options", {})):
                return [EMPTY]  # a file download: the item carries binary data, no JSON fields
            responses = operation["responses"]
            status = next(code for code in ("200", "201", "202") if code in responses)
            return [responses[status]["content"]["application/json"]["schema"]]
        if kind == "wait" and params.get("resume") == "webhook":
            # The callback's request; when the wait limit hits instead, the input item goes on.
            received = {"type": "object", "properties": {"body": ANY, "headers": ANY, "query": ANY}}
            return [received, *(self.inputs(node["name"]) if params.get("limitWaitTime") else [])]
        if kind == "splitOut":
            field = params["fieldToSplitOut"].split(".")
            items = []
            for schema in self.inputs(node["name"]):
                array = _resolve(schema, field, self.openapi)
                assert array is not None, f"{node['name']} splits {params['fieldToSplitOut']}, which is absent"
                items.append(_items(array, self.openapi))
            return items
        if kind in {"if", "wait"}:
            return self.inputs(node["name"])
        if kind == "stopAndError":
            return []
        raise AssertionError(f"no schema rule for node type {node['type']}")


# --- reading JSON schemas ---------------------------------------------------------------------------


def _deref(schema: Schema, openapi: dict[str, Any]) -> Schema:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _branches(schema: Schema, openapi: dict[str, Any]) -> list[Schema]:
    schema = _deref(schema, openapi)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [b for branch in schema[key] for b in _branches(branch, openapi) if b.get("type") != "null"]
    return [schema]


def _resolve(schema: Schema, segments: list[str], openapi: dict[str, Any]) -> Schema | None:
    """The schema at `segments` inside `schema`, or None when some segment is not a field there."""
    current = schema
    for segment in segments:
        found = None
        for branch in _branches(current, openapi):
            if branch == ANY:
                found = ANY
            elif branch.get("type") == "array" and segment == "length":
                found = {"type": "integer"}
            elif segment in branch.get("properties", {}):
                found = branch["properties"][segment]
            elif branch.get("type") == "object" and branch.get("additionalProperties") not in (None, False):
                found = ANY if branch["additionalProperties"] is True else branch["additionalProperties"]
            if found is not None:
                break
        if found is None:
            return None
        current = found
    return current


def _items(schema: Schema, openapi: dict[str, Any]) -> Schema:
    for branch in _branches(schema, openapi):
        if branch.get("type") == "array":
            return branch.get("items", ANY)
    raise AssertionError(f"not an array: {schema}")


def _accepts(schema: Schema, value: object, openapi: dict[str, Any]) -> bool:
    """Enough of JSON Schema for the literal values the workflows send (booleans, strings, lists)."""
    for branch in _branches(schema, openapi):
        kind = branch.get("type")
        if kind == "boolean" and isinstance(value, bool):
            return True
        if kind == "string" and isinstance(value, str):
            return "enum" not in branch or value in branch["enum"]
        if kind == "array" and isinstance(value, list):
            return all(_accepts(branch.get("items", ANY), item, openapi) for item in value)
        if kind == "object" and isinstance(value, dict):
            return True
        if branch == ANY:
            return True
    return False
