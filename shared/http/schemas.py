"""Bodies of the operational endpoints (health, readiness, task acknowledgement)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(_Body):
    status: Literal["ok"] = "ok"


class Readiness(_Body):
    ready: bool
    checks: dict[str, bool | str] = Field(
        description="true/false: a dependency this process needs, up or down; text: information only."
    )


class TaskAck(_Body):
    job_id: str
    outcome: Literal["done"] = Field("done", description="This delivery is finished with; the queue must not retry it.")
