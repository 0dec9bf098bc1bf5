"""Field data for the analysed devices: the URL's Chrome UX Report record, else its origin's.

Per device (PHONE for mobile, DESKTOP for desktop), concurrently, each within `crux_budget_s` all told;
each call within `crux_timeout_s`, retried up to `crux_max_retries` times on 429, 5xx, a timeout or a cut
connection, with a doubling backoff. Calls go out through the egress guard like every other connection
the service opens. Never fatal: whatever goes wrong becomes `status: unavailable` with the reason, and the
analysis goes on with its lab figures.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx

from shared.field.cache import FieldCache
from shared.field.crux import CruxError, Query, query
from shared.models.facts import Device
from shared.models.speed import FieldData, FormFactor
from shared.netguard.egress import EgressGuard
from shared.netguard.http_client import EgressRefusedError, guarded_client
from shared.settings.field import FieldDataSettings

log = logging.getLogger(__name__)

FORM_FACTORS: dict[Device, FormFactor] = {"mobile": "PHONE", "desktop": "DESKTOP"}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class FieldLookup:
    def __init__(self, settings: FieldDataSettings, guard: EgressGuard, cache: FieldCache) -> None:
        self._settings = settings
        self._guard = guard
        self._cache = cache
        self._api_key = settings.crux_api_key.get_secret_value() if settings.crux_api_key else ""

    async def lookup(self, url: str, devices: Sequence[Device]) -> dict[Device, FieldData]:
        """`url`'s field data per device; without CRUX_API_KEY, 'unavailable' without asking anyone."""
        if not self._api_key:
            return {device: FieldData(reason="field data is off (CRUX_API_KEY is not set)") for device in devices}
        async with guarded_client(self._guard, self._settings.crux_timeout_s) as client:
            found = await asyncio.gather(*(self._bounded(client, url, FORM_FACTORS[device]) for device in devices))
        return dict(zip(devices, found, strict=True))

    async def _bounded(self, client: httpx.AsyncClient, url: str, form_factor: FormFactor) -> FieldData:
        budget_s = self._settings.crux_budget_s
        try:
            async with asyncio.timeout(budget_s):
                return await self._device(client, url, form_factor)
        except TimeoutError:
            return self._unavailable(form_factor, f"the CrUX API did not answer within {budget_s:g} s")

    async def _device(self, client: httpx.AsyncClient, url: str, form_factor: FormFactor) -> FieldData:
        cached = await self._cache.get(form_factor, url)
        if cached is not None:
            return cached
        try:
            found = await self._ask(client, Query(form_factor, "url", url))
            if found is None:
                found = await self._ask(client, Query(form_factor, "origin", origin_of(url)))
        except CruxError as exc:
            return self._unavailable(form_factor, exc.reason)
        except EgressRefusedError as exc:
            return self._unavailable(form_factor, f"the egress policy refused the CrUX API ({exc.refusal.reason})")
        data = found or FieldData(
            status="no_data",
            form_factor=form_factor,
            reason="the Chrome UX Report has no data for this page nor its site (too few Chrome visitors)",
        )
        await self._cache.put(form_factor, url, data)
        return data

    async def _ask(self, client: httpx.AsyncClient, request: Query) -> FieldData | None:
        settings = self._settings
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(
                    query(
                        client,
                        request,
                        base_url=settings.crux_base_url,
                        api_key=self._api_key,
                        max_bytes=settings.crux_max_response_bytes,
                    ),
                    timeout=settings.crux_timeout_s,
                )
            except TimeoutError:
                error = CruxError(f"the CrUX API did not answer within {settings.crux_timeout_s:g} s", retryable=True)
            except CruxError as exc:
                error = exc
            if not error.retryable or attempt >= settings.crux_max_retries:
                raise error
            await asyncio.sleep(settings.crux_retry_backoff_s * 2**attempt)
            attempt += 1

    def _unavailable(self, form_factor: FormFactor, reason: str) -> FieldData:
        log.warning("field data unavailable", extra={"form_factor": form_factor, "reason": reason})
        return FieldData(status="unavailable", form_factor=form_factor, reason=reason)
