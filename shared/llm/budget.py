"""The input-token estimate of a request, and fitting its images into what the text leaves of the budget.

No tokenizer for current Claude models runs offline, so text is estimated from its length: English prose
and compact `key=value` text average 3.5-4 characters per Claude token, and we divide by the low end so
the estimate errs high. Images follow Anthropic's formula (width x height / 750). Forced tool use adds a
hidden system prompt of its own, counted as a constant.
"""

from __future__ import annotations

import math

from shared.llm.images import ImageCut

CHARS_PER_TOKEN = 3.5
# Anthropic's tool-use pricing table: the tool-use system prompt of Claude 4 models with
# tool_choice "any" or "tool".
TOOL_USE_OVERHEAD_TOKENS = 313


def text_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def fit_images(folds: list[ImageCut], slices: list[ImageCut], available: int, min_edge_px: int) -> list[ImageCut]:
    """Folds first, at their size if it fits, else all shrunk alike; slices share what is left.

    A slice that would have to shrink below `min_edge_px` on its long edge is dropped, and its share goes to
    the slices after it. Shrinking keeps each cut's aspect ratio.
    """
    fold_tokens = sum(cut.tokens for cut in folds)
    if fold_tokens > available:
        ratio = max(available, 0) / fold_tokens
        return [cut.within(max(1, math.floor(cut.tokens * ratio))) for cut in folds]
    chosen = list(folds)
    remaining = available - fold_tokens
    for index, cut in enumerate(slices):
        share = remaining // (len(slices) - index)
        fitted = cut.within(share) if share > 0 else None
        if fitted is None or fitted.long_edge < min_edge_px:
            continue
        chosen.append(fitted)
        remaining -= fitted.tokens
    return chosen
