"""The console and the operators' routes: share links, CORS, the listing, event streams, cancel, heartbeats,
the stats and `/metrics`."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, model_validator

from shared.settings.types import CommaList


class ConsoleSettings(BaseModel):
    share_link_secret: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 key of share links (reports without an API key); unset = no share links. "
        "Every process that serves or signs them needs the same value.",
    )
    share_link_ttl_s: int = Field(
        7 * 86_400, ge=60, description="How long a share link works after the job ends; never past RESULT_TTL_S."
    )
    cors_allowed_origins: CommaList = Field(
        default_factory=list,
        description="Origins of web front ends allowed to call the API from a browser (`https://app.example.com`, "
        "or `*` for any, then without credentials). Comma-separated; unset = none.",
    )
    cors_max_age_s: int = Field(600, ge=0, le=86_400, description="How long a browser may cache a CORS preflight.")
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token `/metrics` requires; unset = `/metrics` is open (keep it off the internet)."
    )
    list_scan_max: int = Field(
        1000,
        ge=100,
        le=100_000,
        description="Index entries one `GET /v1/analyses` reads at most to fill a page of the status asked for; "
        "also those one read of a job looks at to find its `links.previous`.",
    )
    events_poll_s: float = Field(
        0.5, gt=0, le=10, description="How often an event stream (`/v1/analyses/{id}/events`) reads the job."
    )
    events_max_s: float = Field(
        600.0, gt=0, le=3600, description="Longest an event stream stays open; the client reconnects after it."
    )
    cancel_poll_s: float = Field(
        2.0, gt=0, le=60, description="How often a running attempt checks whether its job was canceled."
    )
    heartbeat_interval_s: float = Field(
        5.0, gt=0, le=300, description="How often a worker (or analyze instance) writes its heartbeat."
    )
    heartbeat_ttl_s: float = Field(
        30.0, gt=0, le=3600, description="A worker whose last heartbeat is older than this is no longer listed."
    )
    stats_max_samples: int = Field(
        10_000, ge=100, le=1_000_000, description="Finished jobs of the last day kept for /v1/stats (newest)."
    )

    @model_validator(mode="after")
    def _check_heartbeats(self) -> ConsoleSettings:
        if self.heartbeat_ttl_s <= self.heartbeat_interval_s:
            raise ValueError("HEARTBEAT_TTL_S must exceed HEARTBEAT_INTERVAL_S, or a live worker would blink out")
        return self
