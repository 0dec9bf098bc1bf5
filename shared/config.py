"""Every setting of the service, read once from the environment and validated at start.

One object serves every entry point (CLI, the three functions, the gateway, the worker); tests build
their own instance instead of mutating the environment. Each bound the service enforces (timeouts,
sizes, counts) is a field of one group in shared/settings/ (capture, netguard, llm, store, queue, http,
webhooks, batches, console, ...), so nothing is a hidden literal in the code, and a module that takes its
group says what it reads. `Settings` derives from every group: it is what the environment is read into, with the same
variable names, and it checks what spans groups.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings.analysis import AnalysisSettings
from shared.settings.batches import BatchSettings
from shared.settings.capture import CaptureSettings
from shared.settings.console import ConsoleSettings
from shared.settings.field import FieldDataSettings
from shared.settings.http import HttpSettings
from shared.settings.llm import LlmSettings
from shared.settings.netguard import NetguardSettings
from shared.settings.operations import OperationsSettings
from shared.settings.queue import QueueSettings
from shared.settings.store import StoreSettings
from shared.settings.webhooks import WebhookSettings

# In the order the README lists them. pydantic orders inherited fields from the last base to the first,
# hence the reversal below.
GROUPS: tuple[type[BaseModel], ...] = (
    NetguardSettings,
    CaptureSettings,
    AnalysisSettings,
    FieldDataSettings,
    LlmSettings,
    StoreSettings,
    QueueSettings,
    HttpSettings,
    WebhookSettings,
    BatchSettings,
    ConsoleSettings,
    OperationsSettings,
)


class Settings(*GROUPS[::-1], BaseSettings):  # type: ignore[misc]
    """Every group of shared/settings/ in one object, read from the environment (each field's variable is
    its name in capitals) and checked across groups here."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    @model_validator(mode="after")
    def _check_consistency(self) -> Settings:
        if self.lease_s <= self.analysis_timeout_s:
            raise ValueError("LEASE_S must exceed ANALYSIS_TIMEOUT_S, or a running attempt could lose its lease")
        if self.queue_backend == "cloudtasks" and self.dispatch_deadline_s <= self.lease_s:
            raise ValueError(
                "DISPATCH_DEADLINE_S must exceed LEASE_S, or Cloud Tasks delivers a job again while its attempt "
                "still holds the lease, and each such delivery spends one of MAX_ATTEMPTS for nothing"
            )
        if self.queue_backend == "redis" and not self.redis_url:
            raise ValueError("QUEUE_BACKEND=redis needs REDIS_URL")
        if self.queue_backend == "cloudtasks":
            missing = [
                name
                for name in ("cloud_tasks_project", "cloud_tasks_location", "cloud_tasks_queue", "analyze_url")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"QUEUE_BACKEND=cloudtasks needs {', '.join(m.upper() for m in missing)}")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
