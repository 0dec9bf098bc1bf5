"""The per-key submit limit: a fixed one-minute window in the shared store, so it holds across processes.

Only callers with an API key are limited: without configured keys every caller is "anonymous" and one
shared bucket would let a single client lock everyone out.
"""

from __future__ import annotations

from shared.http.auth import ANONYMOUS
from shared.http.problems import ApiError
from shared.service import Runtime


async def enforce_submit_limit(rt: Runtime, principal: str) -> None:
    limit = rt.settings.rate_limit_per_minute
    if limit <= 0 or principal == ANONYMOUS:
        return
    retry_after = await rt.store.hit_rate_limit(f"submit:{principal}", limit)
    if retry_after is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"more than {limit} submissions per minute for this API key",
            details={"limit_per_minute": limit, "retry_after_s": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
