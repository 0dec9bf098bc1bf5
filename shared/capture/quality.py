"""Whether a device capture went right, judged from what it produced rather than from the page's faults.

A report is only as good as its capture. When the page's own files did not arrive (a network hiccup on
the way: `net::ERR_NETWORK_CHANGED`, resets, timeouts) or the first view painted as one flat colour, the
facts describe a broken rendering, and a rule reading
"no call to action in the first view" into them would be confidently wrong. Such a capture is `degraded`:
capture tries once more in a fresh context (shared/capture/page_capture.py), and the rules hold back
what depends on the missing content (`RuleSpec.when_degraded`).

Failures with an HTTP answer (404, 500) are the page's own faults and stay findings; requests the URL
policy refused are ours and count for neither. A page whose JavaScript had to be stopped is not degraded:
that is how the page behaves for a visitor too (`behaviour.scripts_stopped` says so), and a second try
would spin the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image

from shared.models.facts import CaptureQuality, QualityReason
from shared.settings.capture import CaptureSettings

# The first view is judged on a thumbnail in 4-bit colour: antialiasing and JPEG-like noise in photos fall
# into a few buckets, while a flat colour stays one bucket.
_THUMBNAIL_DIVISOR = 8
_CHANNEL_SHIFT = 4
# Fewer own-origin requests than this say too little: one failed stylesheet is not a broken capture.
MIN_OWN_FAILURES = 2


def uniform_share(png: bytes) -> float:
    """Share of the image in its most common (coarsely quantised) colour."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").reduce(_THUMBNAIL_DIVISOR)
    colours = small.point(lambda value: value >> _CHANNEL_SHIFT).getcolors(maxcolors=small.width * small.height)
    if not colours:
        return 0.0
    return max(count for count, _ in colours) / (small.width * small.height)


def assess_quality(fold_png: bytes, *, own_requests: int, own_failed: int, settings: CaptureSettings) -> CaptureQuality:
    share = uniform_share(fold_png)
    reasons: list[QualityReason] = []
    if share >= settings.blank_fold_share:
        reasons.append("blank_fold")
    if own_failed >= MIN_OWN_FAILURES and own_failed >= settings.degraded_own_failure_share * own_requests:
        reasons.append("own_requests_failed")
    return CaptureQuality(
        status="degraded" if reasons else "ok",
        reasons=reasons,
        own_requests=own_requests,
        own_requests_failed=own_failed,
        fold_uniform_share=round(share, 4),
    )


def better(captures: Iterable[CaptureQuality]) -> int:
    """Index of the best of several attempts' qualities: fewest reasons, the later one on a tie."""
    ranked = list(captures)
    return min(range(len(ranked)), key=lambda index: (len(ranked[index].reasons), -index))
