"""Reading Claude's answer: the one forced tool call, validated by pydantic, or an `InvalidAnswerError`.

There is no fallback to free text and no JSON repair: an answer cut at `max_tokens`, a text reply, a
refusal or tool input that fails validation is invalid as a whole, and the caller may retry once.
"""

from __future__ import annotations

from anthropic.types import Message
from pydantic import ValidationError

from shared.errors import CroAnalyzerError
from shared.llm.schema import TOOL_NAME, Judgement


class InvalidAnswerError(CroAnalyzerError):
    """Claude answered, but not with something we can use; `reason` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_judgement(message: Message) -> Judgement:
    if message.stop_reason == "max_tokens":
        raise InvalidAnswerError("the answer was cut off at the output token limit")
    if message.stop_reason == "refusal":
        raise InvalidAnswerError("Claude declined to answer")
    calls = [block for block in message.content if block.type == "tool_use" and block.name == TOOL_NAME]
    if not calls:
        if any(block.type == "text" for block in message.content):
            raise InvalidAnswerError("Claude answered in text instead of calling the tool")
        raise InvalidAnswerError("the answer contained no tool call")
    if len(calls) > 1:
        raise InvalidAnswerError("Claude called the tool more than once")
    if message.stop_reason != "tool_use":
        raise InvalidAnswerError(f"the answer stopped with {message.stop_reason!r} instead of a completed tool call")
    try:
        return Judgement.model_validate(calls[0].input)
    except ValidationError as exc:
        raise InvalidAnswerError(f"the tool input did not match the schema ({_summary(exc)})") from exc


def _summary(exc: ValidationError) -> str:
    """Where and what, never the offending value (it may echo page text)."""
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "input"
    more = f"; {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"
