"""The Cloud Tasks backend: each job becomes one HTTP task that POSTs `{"job_id"}` to the analyze function.

Cloud Tasks does the retrying (its queue's retry config) and tells the attempt in
`X-CloudTasks-TaskRetryCount`. The task is named after the job, so a second enqueue of the same job is
refused by Cloud Tasks (AlreadyExists) instead of queuing a duplicate analysis. The analyze function is
authenticated by an OIDC token for the configured service account, or, where there is none (Render-like
setups, the local emulator), by the shared task secret in a header.
"""

from __future__ import annotations

import json
import logging

import grpc
from google.api_core.exceptions import AlreadyExists, GoogleAPIError
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcAsyncIOTransport
from google.protobuf import duration_pb2

from shared.config import Settings
from shared.models.operations import QueueFigures

log = logging.getLogger(__name__)

TASK_SECRET_HEADER = "X-Task-Secret"


class CloudTasksQueue:
    submit_stream = None

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        if settings.cloud_tasks_emulator_host:
            # The emulator speaks plain gRPC and wants no credentials.
            channel = grpc.aio.insecure_channel(settings.cloud_tasks_emulator_host)
            self._client = tasks_v2.CloudTasksAsyncClient(transport=CloudTasksGrpcAsyncIOTransport(channel=channel))
        else:
            self._client = tasks_v2.CloudTasksAsyncClient()
        self.queue_path = self._client.queue_path(
            settings.cloud_tasks_project or "", settings.cloud_tasks_location or "", settings.cloud_tasks_queue or ""
        )

    async def enqueue(self, job_id: str) -> None:
        try:
            await self._client.create_task(
                parent=self.queue_path,
                task=build_task(self._settings, self.queue_path, job_id),
                timeout=self._settings.enqueue_timeout_s,
            )
        except AlreadyExists:
            log.info("task already queued", extra={"job_id": job_id})

    async def check(self) -> bool:
        try:
            await self._client.get_queue(name=self.queue_path, timeout=self._settings.enqueue_timeout_s)
        except (GoogleAPIError, grpc.RpcError) as exc:
            log.warning("cloud tasks queue unreachable", extra={"error": str(exc)})
            return False
        return True

    async def figures(self) -> QueueFigures:
        # Cloud Tasks tells its queue's depth only through Cloud Monitoring, not by a cheap API call.
        return QueueFigures(depth=None, pending=None, delayed=None)

    async def close(self) -> None:
        await self._client.transport.close()


def build_task(settings: Settings, queue_path: str, job_id: str) -> tasks_v2.Task:
    """The HTTP task for one job: named after it, authenticated by OIDC, else by the task secret."""
    url = settings.analyze_url or ""
    headers = {"Content-Type": "application/json"}
    oidc = None
    if settings.cloud_tasks_service_account:
        oidc = tasks_v2.OidcToken(service_account_email=settings.cloud_tasks_service_account, audience=url)
    elif settings.task_secret is not None:
        headers[TASK_SECRET_HEADER] = settings.task_secret.get_secret_value()
    return tasks_v2.Task(
        name=f"{queue_path}/tasks/{job_id}",
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=url,
            headers=headers,
            body=json.dumps({"job_id": job_id}).encode(),
            oidc_token=oidc,
        ),
        dispatch_deadline=duration_pb2.Duration(seconds=settings.dispatch_deadline_s),
    )
