"""The shipped n8n workflows, run in a real n8n (the version scripts/install_n8n.sh installs) against
`cro-analyzer serve` with API_KEYS and WEBHOOK_SECRET set.

Each workflow file is imported with n8n's CLI as it ships and run from its trigger to its success node;
the callback workflow is woken by the service's signed webhook (a cache hit's too, which arrives before
n8n waits); the poll workflow gives up after its polls; a failed analysis takes each workflow's failure
branch; two n8n instances sharing one API key each get their own jobs; the monitor alerts on the pages
that got worse since its last run and on no other. The service's analysis is scripted by page path
(tests/support/n8n_analysis.py): no page is fetched.

Two n8n instances start once for the module (a first boot takes tens of seconds: n8n migrates its
database); pytest-xdist keeps this file on one worker. Without n8n installed these tests skip and say how to install it.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.processes import CliServer, settings_env
from tests.support.gateway import TARGET
from tests.support.n8n import INSTALL_SCRIPT, REPO_ROOT, Execution, N8n, installed_n8n
from tests.support.n8n_analysis import (
    DIPS,
    DROP,
    DROPS,
    FAILING,
    FAILURE_MESSAGE,
    NEW_HIGH,
    NEW_HIGH_FINDING,
    SLOW,
    ranked_summary,
)

# Booting two instances (a first boot migrates n8n's database) comes before the first test.
pytestmark = pytest.mark.timeout(420)

EXAMPLES = REPO_ROOT / "examples" / "n8n"
CALLBACK = EXAMPLES / "cro-analyzer-callback.json"
POLL = EXAMPLES / "cro-analyzer-poll.json"
ORIGINAL = EXAMPLES / "cro-analyzer-original-routes.json"
MONITOR = EXAMPLES / "cro-analyzer-monitor.json"
API_KEY = "n8n-run-key"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"the n8n tests' webhook secret!!").decode()
SHARE_LINK_SECRET = "the n8n tests' share link secret"
ANALYZE_FN = "tests.support.n8n_analysis:analysis"
FAST_POLLS = {"poll_seconds": 1, "max_polls": 20}
# What each of the two instances imports.
IMPORTED = ((CALLBACK, POLL, ORIGINAL, MONITOR), (CALLBACK,))


def _workflow(path: Path) -> dict[str, Any]:
    workflow: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return workflow


def _credential_name() -> str:
    """The Header Auth credential every HTTP node names: import links the nodes to it by that name."""
    names = {
        node["credentials"]["httpHeaderAuth"]["name"]
        for path in (CALLBACK, POLL, ORIGINAL, MONITOR)
        for node in _workflow(path)["nodes"]
        if "credentials" in node
    }
    (name,) = names
    return name


@pytest.fixture(scope="module")
def install() -> Path:
    found = installed_n8n()
    if found is None:
        pytest.skip(
            "n8n is not installed, so the shipped workflows were NOT run in n8n: "
            f"run `sh {INSTALL_SCRIPT.relative_to(REPO_ROOT)}` (.ci/run does)"
        )
    return found


@pytest.fixture(scope="module")
def instances(install: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[N8n, N8n]:
    """Two n8n instances, not started yet: the service must know their ports first (its allowlist)."""
    return N8n(install, tmp_path_factory.mktemp("n8n-first")), N8n(install, tmp_path_factory.mktemp("n8n-second"))


@pytest.fixture(scope="module")
def service(instances: tuple[N8n, N8n], tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    # n8n's resume URLs name localhost: listed as n8n's callers see it, as the README says.
    allowed = [TARGET, *(instance.resume_host for instance in instances)]
    with _serve(allowed, tmp_path_factory.mktemp("service") / "serve.log") as server:
        yield server


def _serve(allowed_private_hosts: list[str], log_path: Path, *, share_links: bool = True) -> CliServer:
    env = settings_env(
        api_keys=[API_KEY],
        webhook_secret=WEBHOOK_SECRET,
        allowed_private_hosts=allowed_private_hosts,
        webhook_retry_backoff_s=0.2,
        webhook_retry_backoff_max_s=1.0,
        # The slow page's analysis is still running when the module ends: no need to wait for it.
        shutdown_grace_s=1,
        log_level="INFO",
        # Unset, the service issues no share links (the workflows then hand on the API's own link).
        **({"share_link_secret": SHARE_LINK_SECRET} if share_links else {}),
    )
    env |= {"REDIS_URL": "", "PYTHONPATH": str(REPO_ROOT)}
    return CliServer("serve", "--analyze-fn", ANALYZE_FN, env=env, log_path=log_path)


@pytest.fixture(scope="module")
def n8n(instances: tuple[N8n, N8n], service: CliServer) -> Iterator[tuple[N8n, N8n]]:
    """Both instances running, each with the credential and the workflows imported by its CLI; the first
    has all three, the second the callback workflow (the one whose submits collided)."""
    with ExitStack() as stack:
        for instance in instances:
            stack.callback(instance.stop)
        with ThreadPoolExecutor(len(instances)) as pool:
            list(pool.map(_prepare, instances, IMPORTED))
        yield instances


def _prepare(instance: N8n, workflows: tuple[Path, ...]) -> None:
    instance.start()
    instance.add_credential(_credential_name(), "httpHeaderAuth", {"name": "X-API-Key", "value": API_KEY})
    for path in workflows:
        instance.import_workflow(path)


def _settings(instance: N8n, service: CliServer, path: Path, page: str, **values: object) -> str:
    """Points a workflow's Settings node at the service and a page, as a user would; its id."""
    workflow_id: str = _workflow(path)["id"]
    instance.set_fields(workflow_id, "Settings", {"base_url": service.url(), "page_url": page, **values})
    return workflow_id


def _page(name: str) -> str:
    return f"http://{TARGET}/n8n/{name}"


def _job(service: CliServer, job_id: str) -> dict[str, Any]:
    response = httpx.get(service.url(f"/v1/analyses/{job_id}"), headers={"X-API-Key": API_KEY}, timeout=10)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job


def _succeeded(execution: Execution, instance: N8n) -> None:
    assert execution.status == "success", f"{execution.last_node}: {execution.error}\n{instance.log_tail()}"


def _assert_summary(summary: dict[str, Any], job: dict[str, Any]) -> None:
    assert summary["url"] == job["url"]
    assert summary["overall_score"] == job["result"]["scores"]["overall"]
    assert summary["top_issues"] == ranked_summary(), "ranked as the report ranks them, not in findings order"
    assert summary["report_html"] == job["links"]["report_html"]
    assert summary["report_pdf"] == job["links"]["report_pdf"]
    # The link that opens the report without the key.
    assert summary["share_link"] == job["links"]["share_report_html"] is not None


# First in the file on purpose: both instances are fresh, so their first executions have the same id,
# the case in which an Idempotency-Key made of the execution id alone collides.
def test_two_instances_sharing_an_api_key_each_get_their_own_job(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    page = _page("shared-page")
    workflow_ids = [_settings(instance, service, CALLBACK, page) for instance in n8n]
    execution_ids = [instance.start_run(workflow_id) for instance, workflow_id in zip(n8n, workflow_ids, strict=True)]
    assert execution_ids[0] == execution_ids[1], "the collision case needs equal execution ids"
    executions = [instance.finished(eid) for instance, eid in zip(n8n, execution_ids, strict=True)]
    jobs = []
    for instance, execution in zip(n8n, executions, strict=True):
        _succeeded(execution, instance)
        (submitted,) = execution.json("Submit analysis")
        (callback,) = execution.json("Wait for the callback")
        assert callback["headers"]["webhook-id"] == f"msg_{submitted['id']}_succeeded", "woken by its own job"
        jobs.append(submitted["id"])
    assert jobs[0] != jobs[1]
    for job_id in jobs:
        assert _job(service, job_id)["webhook"]["status"] == "delivered"


def test_every_http_node_is_linked_to_the_credential_by_its_name_on_import(n8n: tuple[N8n, N8n]) -> None:
    for instance, paths in zip(n8n, IMPORTED, strict=True):
        credentials = instance.client.get("/rest/credentials").json()["data"]
        (credential,) = [each for each in credentials if each["name"] == _credential_name()]
        for path in paths:
            nodes = instance.workflow(_workflow(path)["id"])["nodes"]
            linked = [node["credentials"]["httpHeaderAuth"] for node in nodes if "credentials" in node]
            assert linked and all(each["id"] == credential["id"] for each in linked), (path.name, linked)


def test_the_callback_workflow_is_woken_by_the_signed_webhook(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    first = n8n[0]
    execution = first.run(_settings(first, service, CALLBACK, _page("callback")))
    _succeeded(execution, first)
    (submitted,) = execution.json("Submit analysis")
    assert submitted["status"] == "queued"
    (callback,) = execution.json("Wait for the callback")
    assert callback["body"]["type"] == "analysis.succeeded" and callback["body"]["id"] == submitted["id"]
    assert callback["headers"]["webhook-signature"].startswith("v1,")
    job = _job(service, submitted["id"])
    (summary,) = execution.json("Report summary")
    _assert_summary(summary, job)
    (pdf,) = execution.items("Download PDF report")
    assert pdf["binary"]["data"]["mimeType"] == "application/pdf"
    assert [finding["rule"] for finding in execution.json("Finding")] == [f["rule"] for f in job["result"]["findings"]]
    # The resume URL's token wakes the execution: the service never logs it.
    token = callback["query"]["signature"]
    assert len(token) >= 16 and token not in service.log_path.read_text(encoding="utf-8")


def test_a_cache_hit_still_wakes_the_callback_workflow(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    """A cached result's webhook goes out at once, often before n8n waits (n8n answers 409 then)."""
    first = n8n[0]
    workflow_id = _settings(first, service, CALLBACK, _page("cached"))
    _succeeded(first.run(workflow_id), first)
    execution = first.run(workflow_id)
    _succeeded(execution, first)
    (submitted,) = execution.json("Submit analysis")
    assert submitted["cached"] is True and submitted["status"] == "succeeded"
    assert _job(service, submitted["id"])["webhook"]["status"] == "delivered"


def test_the_poll_workflow_runs_to_its_summary(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    first = n8n[0]
    execution = first.run(_settings(first, service, POLL, _page("poll"), **FAST_POLLS))
    _succeeded(execution, first)
    (submitted,) = execution.json("Submit analysis")
    job = _job(service, submitted["id"])
    (summary,) = execution.json("Report summary")
    _assert_summary(summary, job)
    assert len(execution.json("Finding")) == len(job["result"]["findings"])


def test_without_share_links_the_summary_hands_on_the_api_link(n8n: tuple[N8n, N8n], tmp_path: Path) -> None:
    first = n8n[0]
    with _serve([TARGET], tmp_path / "serve.log", share_links=False) as plain:
        execution = first.run(_settings(first, plain, POLL, _page("no-share-links"), **FAST_POLLS))
        _succeeded(execution, first)
        (submitted,) = execution.json("Submit analysis")
        job = _job(plain, submitted["id"])
    assert job["links"]["share_report_html"] is None
    (summary,) = execution.json("Report summary")
    assert summary["share_link"] == job["links"]["report_html"]


def test_the_monitor_alerts_on_the_pages_that_got_worse_and_no_other(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    """Two scheduled runs over four pages: the first has nothing to compare with; in the second, the page
    whose score fell by more than the threshold and the one with a new high-severity finding alert, the
    page that dipped under the threshold and the unchanged page do not."""
    first = n8n[0]
    pages = {name: _page(f"monitor/{name}") for name in (DROPS, DIPS, NEW_HIGH, "steady")}
    workflow_id = _workflow(MONITOR)["id"]
    listed = "={{ " + json.dumps(list(pages.values())) + " }}"
    first.set_fields(workflow_id, "Settings", {"base_url": service.url(), "pages": listed, **FAST_POLLS})
    trigger = next(node["name"] for node in _workflow(MONITOR)["nodes"] if node["type"].endswith("scheduleTrigger"))

    before = first.finished(first.start_run(workflow_id, trigger))
    _succeeded(before, first)
    earlier = {job["url"]: job["id"] for job in before.json("Submit analysis")}
    assert set(earlier) == set(pages.values())
    assert not before.ran("Compare with previous") and not before.ran("Regression alert")

    after = first.finished(first.start_run(workflow_id, trigger))
    _succeeded(after, first)
    later = {job["url"]: job["id"] for job in after.json("Submit analysis")}
    assert set(later.values()).isdisjoint(earlier.values()), "force: a new analysis of each page, not a cache hit"
    compared = {c["b"]["url"]: (c["a"]["job_id"], c["b"]["job_id"]) for c in after.json("Compare with previous")}
    assert compared == {url: (earlier[url], later[url]) for url in pages.values()}, "each with its previous"

    alerts = {alert["url"]: alert for alert in after.json("Regression alert")}
    assert set(alerts) == {pages[DROPS], pages[NEW_HIGH]}
    dropped, new_high = alerts[pages[DROPS]], alerts[pages[NEW_HIGH]]
    assert (dropped["score_change"], dropped["new_high_findings"]) == (-DROP, [])
    assert (new_high["score_change"], new_high["new_high_findings"]) == (0, [NEW_HIGH_FINDING[3]])
    for url, alert in alerts.items():
        share = _job(service, later[url])["links"]["share_report_html"]
        assert share and alert["share_link"] == share and share in alert["message"]
        assert alert["url"] in alert["message"]


def test_the_original_routes_workflow_runs_to_its_scores(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    first = n8n[0]
    execution = first.run(_settings(first, service, ORIGINAL, _page("original"), **FAST_POLLS))
    _succeeded(execution, first)
    (scores,) = execution.json("Scores")
    assert scores["url"] == _page("original") and isinstance(scores["cro_score"], int | float)
    issues = execution.json("Issue")
    assert issues and all(issue["title"] and issue["recommendation"] for issue in issues)


def test_the_poll_workflow_gives_up_after_its_polls(n8n: tuple[N8n, N8n], service: CliServer) -> None:
    first = n8n[0]
    execution = first.run(_settings(first, service, POLL, _page(f"{SLOW}/poll"), poll_seconds=1, max_polls=2))
    assert (execution.status, execution.last_node) == ("error", "Gave up waiting"), execution.error
    assert execution.error is not None and "after 2 polls" in execution.error


def test_a_refused_callback_url_stops_the_workflow_at_the_submit(n8n: tuple[N8n, N8n], tmp_path: Path) -> None:
    """A service that may not call n8n back refuses the submit (422): the run ends there, not after waiting."""
    first = n8n[0]
    with _serve([TARGET], tmp_path / "serve.log") as strict:
        execution = first.run(_settings(first, strict, CALLBACK, _page("refused-callback")))
    assert (execution.status, execution.last_node) == ("error", "Submit analysis")
    assert execution.http_code == "422", execution.error
    assert not execution.ran("Wait for the callback")


@pytest.mark.parametrize(
    ("path", "failure_node"),
    [(CALLBACK, "Analysis did not succeed"), (POLL, "Analysis failed"), (ORIGINAL, "Task failed")],
    ids=lambda value: value.stem if isinstance(value, Path) else None,
)
def test_a_failed_analysis_takes_the_failure_branch(
    n8n: tuple[N8n, N8n], service: CliServer, path: Path, failure_node: str
) -> None:
    first = n8n[0]
    page = _page(f"{FAILING}/{path.stem}")
    execution = first.run(_settings(first, service, path, page, **({} if path == CALLBACK else FAST_POLLS)))
    assert (execution.status, execution.last_node) == ("error", failure_node), execution.error
    assert execution.error is not None and FAILURE_MESSAGE in execution.error


def test_the_install_script_passes_shellcheck() -> None:
    shellcheck = Path(sys.executable).with_name("shellcheck")
    done = subprocess.run(
        [str(shellcheck), "--shell=sh", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
