"""Redis: where it is, the key prefix, how long results, cache entries and in-flight pointers live, and the
client bounds."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StoreSettings(BaseModel):
    redis_url: str | None = Field(None, description="Redis URL; unset = embedded in-process store.")
    key_prefix: str = Field("cro:", description="Prefix of every Redis key this service writes.")
    result_ttl_s: int = Field(72 * 3600, ge=60, description="How long jobs, reports and screenshots are kept.")
    cache_ttl_s: int = Field(24 * 3600, ge=0, description="How long an identical request is served from cache.")
    redis_timeout_s: float = Field(5.0, gt=0, le=60, description="Connect and socket timeout of Redis calls.")
    redis_max_connections: int = Field(64, ge=4, le=1024, description="Connection pool size per process.")
    inflight_ttl_s: int = Field(
        3600, ge=60, description="How long an unfinished job coalesces identical submits at most."
    )
    lease_s: float = Field(240.0, gt=0, description="How long one attempt owns a job; > analysis_timeout_s.")
