"""One Messages API request for one analysis: cached system prompt, one forced tool, images, digest.

The order of the parts is the cache's order: tools and the system prompt (identical bytes on every
request, marked `cache_control`) come first, everything page-specific comes after, in the user message.
`estimated_input_tokens` is computed before anything is sent and bounds both attempts (the retry only
adds a short note), so `llm_input_token_budget` holds for every request this module builds.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from shared.capture.result import CaptureResult
from shared.llm.budget import TOOL_USE_OVERHEAD_TOKENS, fit_images, text_tokens
from shared.llm.digest import facts_digest, findings_digest, select_elements
from shared.llm.images import PreparedImage, render
from shared.llm.page_text import untrusted_page_text
from shared.llm.schema import TOOL_NAME, tool_definition
from shared.llm.slices import fold_cuts, slice_cuts
from shared.llm.system_prompt import SYSTEM_PROMPT
from shared.models.report import Finding
from shared.settings.llm import LlmSettings

TASK = f"Review this page as instructed and answer by calling {TOOL_NAME}."
RETRY_NOTE = (
    "Your previous answer to this request could not be used: {reason}. Answer again by calling "
    f"{TOOL_NAME} once, with input that matches its schema exactly, and keep the texts short."
)
REASON_CHARS = 200
# Room for one image's label ("Image 3: mobile, slice below the fold, ...") before its final size is known.
LABEL_ALLOWANCE_TOKENS = 40


@dataclass(frozen=True)
class ClaudeRequest:
    system: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    tool_choice: dict[str, Any]
    content: list[dict[str, Any]]
    images: list[PreparedImage]
    text_tokens: int
    image_tokens: int

    @property
    def estimated_input_tokens(self) -> int:
        return TOOL_USE_OVERHEAD_TOKENS + self.text_tokens + self.image_tokens

    def create_kwargs(self, settings: LlmSettings, retry_reason: str | None = None) -> dict[str, Any]:
        """Arguments of `messages.create`; a retry appends why the previous answer was refused."""
        content = list(self.content)
        if retry_reason is not None:
            content.append({"type": "text", "text": RETRY_NOTE.format(reason=retry_reason[:REASON_CHARS])})
        return {
            "model": settings.anthropic_model,
            "max_tokens": settings.llm_max_output_tokens,
            "system": self.system,
            "tools": self.tools,
            "tool_choice": self.tool_choice,
            "messages": [{"role": "user", "content": content}],
        }


def build_request(capture: CaptureResult, rule_findings: list[Finding], settings: LlmSettings) -> ClaudeRequest:
    """Builds the request within the token budget; CPU-bound (image encoding), so run it in a thread."""
    facts = capture.facts
    listed = select_elements(facts, rule_findings, settings.llm_digest_max_elements)
    user_text = "\n\n".join(
        (
            facts_digest(facts, listed),
            findings_digest(rule_findings, settings.llm_digest_max_findings),
            untrusted_page_text(facts, listed, settings.llm_page_text_chars),
            TASK,
        )
    )
    system = [{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}]
    tools = [tool_definition()]
    fixed_text = (
        text_tokens(SYSTEM_PROMPT)
        + text_tokens(json.dumps(tools))
        + text_tokens(user_text)
        + text_tokens(RETRY_NOTE.format(reason="x" * REASON_CHARS))
    )
    folds = fold_cuts(capture, settings)
    slices = slice_cuts(capture, rule_findings, settings)
    labels = LABEL_ALLOWANCE_TOKENS * (len(folds) + len(slices))
    available = settings.llm_input_token_budget - TOOL_USE_OVERHEAD_TOKENS - fixed_text - labels
    images = render(fit_images(folds, slices, available, settings.llm_slice_min_edge_px), settings.llm_jpeg_quality)
    content: list[dict[str, Any]] = []
    for image in images:
        content.append({"type": "text", "text": image.label()})
        content.append(
            {
                "type": "image",
                "source": {"type": "base64", "media_type": "image/jpeg", "data": base64.b64encode(image.jpeg).decode()},
            }
        )
    content.append({"type": "text", "text": user_text})
    return ClaudeRequest(
        system=system,
        tools=tools,
        tool_choice={"type": "tool", "name": TOOL_NAME, "disable_parallel_tool_use": True},
        content=content,
        images=images,
        text_tokens=fixed_text + sum(text_tokens(image.label()) for image in images),
        image_tokens=sum(image.tokens for image in images),
    )
