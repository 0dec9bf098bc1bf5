"""The Claude step of an analysis: ask once (plus one retry on an unusable answer), ground, degrade.

Whatever happens on Claude's side, the analysis goes on with the rule findings: no key or `llm: false`
gives status "disabled", timeouts, overload and API errors after the SDK's retries give "unavailable",
two unusable answers give "invalid". One timeout (`llm_timeout_s`) bounds all of it, image preparation
and retries included. Nothing here changes a rule finding or a score. `LlmInfo.attempts` counts HTTP
requests, the SDK's retries included; tokens are summed over every answer received.
"""

from __future__ import annotations

import asyncio
import logging
import time

import anthropic

from shared.capture.result import CaptureResult
from shared.llm.answer import InvalidAnswerError, read_judgement
from shared.llm.client import AttemptCounter, Tally, make_client
from shared.llm.grounding import ground
from shared.llm.request import ClaudeRequest, build_request
from shared.llm.schema import Judgement
from shared.llm.verdict import LlmVerdict
from shared.models.report import Finding, LlmInfo, LlmStatus, Uplift
from shared.settings.llm import LlmSettings

log = logging.getLogger(__name__)


async def judge(capture: CaptureResult, findings: list[Finding], settings: LlmSettings, *, enabled: bool) -> LlmVerdict:
    if not enabled:
        return LlmVerdict.without_review(
            LlmInfo(status="disabled", reason="Claude's review was turned off for this analysis.")
        )
    if not settings.llm_configured:
        return LlmVerdict.without_review(
            LlmInfo(status="disabled", reason="No ANTHROPIC_API_KEY is configured, so the report is rules-only.")
        )
    tally = Tally(model=settings.anthropic_model, counter=AttemptCounter())
    started = time.perf_counter()
    try:
        async with asyncio.timeout(settings.llm_timeout_s):
            request = await asyncio.to_thread(build_request, capture, findings, settings)
            judgement = await _ask(request, settings, tally)
    except TimeoutError:
        last = tally.counter.last_status
        seen = f" (last response: HTTP {last})" if last is not None and last != 200 else ""
        reason = f"Claude did not answer within {settings.llm_timeout_s:g} s{seen}."
        return _failed(tally, started, "unavailable", reason)
    except InvalidAnswerError as exc:
        reason = f"Claude's answer was unusable twice (one retry): {exc.reason}."
        return _failed(tally, started, "invalid", reason)
    except anthropic.APIError as exc:
        return _failed(tally, started, "unavailable", _api_failure(exc, tally.attempts))

    grounded = ground(judgement.findings, capture.facts, request.images, findings)
    info = _info(tally, started, "ok", None, rejected=grounded.rejected, merged=grounded.merged)
    log.info(
        "claude review ok: %d findings kept, %d rejected, %d merged, %d input tokens (estimated %d), %d attempts",
        len(grounded.findings),
        grounded.rejected,
        grounded.merged,
        tally.input_tokens + tally.cache_read_tokens + tally.cache_write_tokens,
        request.estimated_input_tokens,
        tally.attempts,
    )
    return LlmVerdict(
        info=info,
        findings=grounded.findings,
        merged_into=grounded.merged_into,
        summary=judgement.summary,
        actions=list(judgement.actions),
        uplift=Uplift(**judgement.uplift.model_dump()),
    )


async def _ask(request: ClaudeRequest, settings: LlmSettings, tally: Tally) -> Judgement:
    """The answer, or `InvalidAnswerError` after the one retry; the retry says why the first was refused."""
    async with make_client(settings, tally.counter) as client:

        async def answer(retry_reason: str | None) -> Judgement:
            message = await client.messages.create(**request.create_kwargs(settings, retry_reason))
            tally.add(message.usage, message.model)
            return read_judgement(message)

        try:
            return await answer(None)
        except InvalidAnswerError as exc:
            log.warning("claude answer unusable, retrying once", extra={"reason": exc.reason})
            return await answer(exc.reason)


def _api_failure(exc: anthropic.APIError, attempts: int) -> str:
    tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
    match exc:
        case anthropic.APITimeoutError():
            return f"The Claude API timed out {tries}."
        case anthropic.APIConnectionError():
            return f"The Claude API could not be reached {tries}."
        case anthropic.AuthenticationError() | anthropic.PermissionDeniedError():
            return f"The Anthropic API key was refused (HTTP {exc.status_code})."
        case anthropic.RateLimitError():
            return f"Claude's rate limit was hit (HTTP 429) {tries}."
        case anthropic.APIStatusError() if exc.status_code == 529:
            return f"Claude is overloaded (HTTP 529) {tries}."
        case anthropic.APIStatusError():
            return f"The Claude API failed (HTTP {exc.status_code}) {tries}."
    return f"The Claude API failed ({type(exc).__name__}) {tries}."


def _failed(tally: Tally, started: float, status: LlmStatus, reason: str) -> LlmVerdict:
    log.warning("claude review not used", extra={"llm_status": status, "reason": reason})
    return LlmVerdict.without_review(_info(tally, started, status, reason))


def _info(
    tally: Tally, started: float, status: LlmStatus, reason: str | None, *, rejected: int = 0, merged: int = 0
) -> LlmInfo:
    return LlmInfo(
        status=status,
        reason=reason,
        model=tally.model,
        input_tokens=tally.input_tokens,
        output_tokens=tally.output_tokens,
        cache_read_tokens=tally.cache_read_tokens,
        cache_write_tokens=tally.cache_write_tokens,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
        attempts=tally.attempts,
        rejected_findings=rejected,
        merged_findings=merged,
    )
