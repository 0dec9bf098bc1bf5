"""What an endpoint is: its method and path, its handler, and what it accepts and answers (for OpenAPI)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from shared.config import Settings
from shared.http.runtime import RuntimeHolder
from shared.http.task_auth import TaskAuthenticator
from shared.service import Runtime

Auth = Literal["none", "api_key", "task"]


@dataclass
class ApiContext:
    """What every handler may use: settings, the process's runtime, the task authenticator, and the
    operations this app serves (for its OpenAPI document)."""

    settings: Settings
    runtimes: RuntimeHolder
    tasks: TaskAuthenticator
    operations: tuple[Operation, ...] = ()
    openapi: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, runtimes: RuntimeHolder, operations: Sequence[Operation]) -> ApiContext:
        return cls(
            settings=runtimes.settings,
            runtimes=runtimes,
            tasks=TaskAuthenticator(runtimes.settings),
            operations=tuple(operations),
        )

    async def runtime(self) -> Runtime:
        return await self.runtimes.get()


Handler = Callable[[ApiContext, Request], Awaitable[Response]]


@dataclass(frozen=True)
class Reply:
    """One documented answer. Error statuses (>= 400) default to the error shape."""

    status: int
    description: str
    model: type[BaseModel] | None = None
    media_type: str = "application/json"
    headers: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: a value of this answer (a runtime expression) fills a parameter of another operation."""

    name: str
    operation: str
    parameter: str
    expression: str


@dataclass(frozen=True)
class Param:
    """A path, query or header parameter, documented with its JSON schema."""

    name: str
    location: Literal["path", "query", "header"]
    schema: dict[str, Any]
    description: str = ""
    required: bool = True


@dataclass(frozen=True, eq=False)
class Operation:
    """One endpoint: served by `handler`, documented by the rest. Compared by identity (it holds dicts)."""

    method: Literal["GET", "POST", "DELETE"]
    path: str
    name: str
    summary: str
    handler: Handler
    replies: tuple[Reply, ...]
    body: type[BaseModel] | None = None
    params: tuple[Param, ...] = ()
    auth: Auth = "none"
    tag: str = "analyses"
    description: str = ""
    # Starts Chromium (an analysis, a PDF): a process serving one has /readyz check that the browser starts.
    uses_browser: bool = False
