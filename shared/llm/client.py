"""The Anthropic SDK client for one analysis, and the tally of what its requests cost.

The SDK retries 429, 5xx and 529 itself (up to `llm_max_retries`, honouring `retry-after`); a middleware
counts every HTTP attempt so the report's `attempts` includes those retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anthropic import APIRequest, AsyncAnthropic, AsyncAPIResponse, AsyncCallNext, Middleware
from anthropic.types import Usage

from shared.settings.llm import LlmSettings


class AttemptCounter(Middleware):
    """Runs inside the SDK's retry loop, once per HTTP attempt; remembers the last status it saw, so a
    timeout spent waiting out `retry-after` can say so."""

    def __init__(self) -> None:
        self.count = 0
        self.last_status: int | None = None

    async def handle_async(self, request: APIRequest, call_next: AsyncCallNext) -> AsyncAPIResponse[Any]:
        self.count += 1
        response = await call_next(request)
        self.last_status = response.status_code
        return response


@dataclass
class Tally:
    """Tokens and attempts summed over every request of one analysis, kept even when it fails."""

    model: str
    counter: AttemptCounter
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def attempts(self) -> int:
        return self.counter.count

    def add(self, usage: Usage, model: str) -> None:
        self.model = model
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_read_tokens += usage.cache_read_input_tokens or 0
        self.cache_write_tokens += usage.cache_creation_input_tokens or 0


def make_client(settings: LlmSettings, counter: AttemptCounter) -> AsyncAnthropic:
    if settings.anthropic_api_key is None:
        raise ValueError("no Anthropic API key configured")
    return AsyncAnthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url,
        max_retries=settings.llm_max_retries,
        timeout=settings.llm_timeout_s,
        middleware=[counter],
    )
