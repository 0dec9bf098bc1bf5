"""Technical health: scripts that fail, resources that do not arrive, and pages without HTTPS.

Categories, decided per rule: console errors and broken resources count under `performance` (how the
page loads and runs, next to Lighthouse's metrics); `tech.not_https` counts under `trust`, because the
browser's "Not secure" label is something the visitor sees and weighs, not a matter of speed.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from urllib.parse import urlsplit

from shared.models.facts import DeviceFacts
from shared.rules.spec import Hit, RuleSpec, rule
from shared.rules.wording import clip, listing, plural

MESSAGE_CHARS = 160
EXAMPLES = 5

# Chrome logs every failed request as a console error too; those belong to tech.broken_resources.
_RESOURCE_MESSAGE = re.compile(r"^Failed to load resource\b", re.IGNORECASE)
# An uncaught exception stops the script that threw it: whatever it drove (a form, a cart) may be dead.
_SCRIPT_CRASH = re.compile(r"\bUncaught\b|\b(Type|Reference|Syntax|Range)Error\b")
# Resource types whose loss the visitor sees or feels: missing images, unstyled or script-less pages.
VISIBLE_RESOURCE_TYPES = frozenset({"script", "stylesheet", "image", "document"})


@rule(
    RuleSpec(
        id="tech.console_errors",
        category="performance",
        severity="low",
        effort="medium",
        title="JavaScript errors in the console",
        recommendation="Fix the errors the page logs while loading: an uncaught exception stops the script that "
        "threw it, and with it whatever that script drives (menus, forms, carts, tracking).",
        reference="https://developer.chrome.com/docs/lighthouse/best-practices/errors-in-console",
        escalation="Medium when one of them is an uncaught exception.",
    )
)
def console_errors(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    messages = sorted({m for m in facts.metrics.console_errors if not _RESOURCE_MESSAGE.search(m)})
    if not messages:
        return None
    crashed = any(_SCRIPT_CRASH.search(message) for message in messages)
    return Hit(
        detail=f"The page logged {plural(len(messages), 'distinct console error')} while loading"
        + (", including an uncaught exception." if crashed else "."),
        values={"errors": len(messages), "examples": [clip(m, MESSAGE_CHARS) for m in messages[:EXAMPLES]]},
        severity="medium" if crashed else None,
    )


@rule(
    RuleSpec(
        id="tech.broken_resources",
        category="performance",
        severity="low",
        effort="low",
        title="Resources that failed to load",
        recommendation="Fix or remove the references that fail (wrong paths, dead third-party hosts); each one "
        "costs a request and may leave a broken image, unstyled text or a missing feature behind.",
        reference="https://developer.chrome.com/docs/lighthouse/best-practices/errors-in-console",
        escalation="Medium when a script, stylesheet, image or frame failed.",
        when_degraded="suppress",
    )
)
def broken_resources(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    # A request our URL policy refused is our doing, not the page's. Sorted: the order requests fail in
    # differs between runs, and the same failures must give the same evidence (and merge across devices).
    failed = sorted(
        (request for request in facts.metrics.failed_requests if not request.blocked),
        key=lambda request: (request.url, request.resource_type, request.reason),
    )
    if not failed:
        return None
    failed_urls = {request.url for request in failed}
    broken_images = [image for image in facts.images if image.src in failed_urls]
    by_type = Counter(request.resource_type for request in failed)
    visible_loss = any(kind in VISIBLE_RESOURCE_TYPES for kind in by_type)
    hosts = sorted({urlsplit(request.url).hostname or "?" for request in failed})
    return Hit(
        detail=f"{plural(len(failed), 'request')} failed "
        f"({listing(plural(n, kind) for kind, n in sorted(by_type.items()))}) from {listing(hosts)}.",
        elements=tuple(image.id for image in broken_images),
        values={
            "failed": len(failed),
            "by_type": dict(sorted(by_type.items())),
            "examples": [
                {"url": clip(request.url, MESSAGE_CHARS), "type": request.resource_type, "reason": request.reason}
                for request in failed[:EXAMPLES]
            ],
        },
        severity="medium" if visible_loss else None,
        region=broken_images[0].box if broken_images else None,
    )


def potentially_trustworthy(host: str) -> bool:
    """Secure Contexts: loopback hosts count as secure without TLS, so local demos are not flagged."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@rule(
    RuleSpec(
        id="tech.not_https",
        category="trust",
        severity="high",
        effort="medium",
        title='Page served without HTTPS ("Not secure")',
        recommendation="Serve the page over HTTPS and redirect http:// to it; browsers label plain-HTTP pages "
        '"Not secure" and warn when a visitor types into a form.',
        reference="https://web.dev/articles/why-https-matters",
        escalation="Always high.",
        when_degraded="keep",
    )
)
def not_https(facts: DeviceFacts, spec: RuleSpec) -> Hit | None:
    parts = urlsplit(facts.url)
    host = parts.hostname or ""
    if parts.scheme != "http" or potentially_trustworthy(host):
        return None
    return Hit(
        detail=f"The page was served over plain HTTP (http://{host}), which browsers mark as not secure.",
        values={"scheme": parts.scheme, "host": host},
    )


RULES = (console_errors, broken_resources, not_https)
