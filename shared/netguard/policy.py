"""The URL policy applied before any work starts: to the submitted page URL and to `callback_url`.

URLs are parsed with the WHATWG URL Standard (the `ada-url` parser, Node's), which is what Chromium
implements, so the check sees the host the browser will connect to: `http://0x7f.1/`, `http://2130706433/`
and `http://0177.0.0.1/` all become `http://127.0.0.1/` here exactly as they do in the browser. This
check only fails early with a clear error; the guarantee is the connect-time check in the egress guard,
which meets every connection, including those this URL leads to.
"""

from __future__ import annotations

import logging

import ada_url

from shared.config import Settings
from shared.errors import AnalysisError, ErrorCode, InputError
from shared.netguard.allowlist import Allowlist
from shared.netguard.decision import decide
from shared.netguard.resolver import Resolver

log = logging.getLogger(__name__)

MAX_URL_LENGTH = 2048
"""Longer URLs are refused: browsers and servers commonly stop at about 2,000 characters."""

ALLOWED_SCHEMES: frozenset[str] = frozenset({"http:", "https:"})
_DEFAULT_PORTS = {"http:": 80, "https:": 443}


def check_url_syntax(url: str) -> str:
    """The URL normalised as a browser would (WHATWG), or InputError if it may not be analysed.

    Pure: no DNS. Refuses other schemes (`unsupported_scheme`), user names and passwords
    (`credentials_in_url`), and URLs without a host or longer than `MAX_URL_LENGTH` (`invalid_url`).
    """
    if len(url) > MAX_URL_LENGTH:
        raise InputError(ErrorCode.invalid_url, f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = ada_url.URL(url)
    except ValueError:
        raise InputError(
            ErrorCode.invalid_url, "not a valid absolute URL (it needs http:// or https:// and a host)"
        ) from None
    if parsed.protocol not in ALLOWED_SCHEMES:
        raise InputError(
            ErrorCode.unsupported_scheme,
            f"the scheme {parsed.protocol.rstrip(':')!r} is not supported; use http or https",
            details={"scheme": parsed.protocol.rstrip(":")},
        )
    if parsed.username or parsed.password:
        raise InputError(ErrorCode.credentials_in_url, "URLs with a user name or password are not accepted")
    if not parsed.hostname:
        raise InputError(ErrorCode.invalid_url, "the URL has no host")
    normalised = parsed.href
    if len(normalised) > MAX_URL_LENGTH:
        raise InputError(ErrorCode.invalid_url, f"the normalised URL is longer than {MAX_URL_LENGTH} characters")
    return normalised


def check_field_syntax(url: str, field: str) -> str:
    """`check_url_syntax` with every error naming the request `field` the URL came from."""
    try:
        return check_url_syntax(url)
    except InputError as refused:
        raise InputError(
            refused.code, f"{field}: {refused.message}", details={"field": field, **refused.details}
        ) from None


async def check_target(
    url: str,
    allowlist: Allowlist,
    *,
    field: str = "url",
    resolve_timeout_s: float = Settings.model_fields["dns_timeout_s"].default,
    resolver: Resolver | None = None,
) -> str:
    """`check_url_syntax`, then the egress decision for the URL's host and port; returns the normalised URL.

    Every error names the request `field` the URL came from (`url`, `callback_url`), in its message and
    its details. Raises InputError `blocked_by_policy` (an IP literal, loopback or metadata name that is
    not public and not allowlisted) or `dns_failure` (a name that does not resolve to a public address:
    missing and internal names alike, see `decision`); AnalysisError `connection_failed` when DNS does not
    answer in time, which is transient: the same URL may pass a moment later. No message or detail
    carries a resolved address; the operator's log does.
    """
    normalised = check_field_syntax(url, field)
    parsed = ada_url.URL(normalised)
    host = parsed.hostname.strip("[]")
    port = int(parsed.port) if parsed.port else _DEFAULT_PORTS[parsed.protocol]
    decision = await decide(host, port, allowlist, resolver=resolver, timeout_s=resolve_timeout_s)
    if decision.refusal is None:
        return normalised
    log.info(
        "target refused",
        extra={
            "field": field,
            "host": host,
            "port": port,
            "reason": decision.refusal,
            "addresses": [str(address) for address in decision.addresses],
        },
    )
    details: dict[str, object] = {"field": field, "host": host, "port": port}
    if decision.refusal == "blocked":
        raise InputError(
            ErrorCode.blocked_by_policy,
            f"{field}: {host} is not a public address ({decision.why}); only public addresses may be reached",
            details=details,
        )
    if decision.refusal == "dns_failure":
        raise InputError(ErrorCode.dns_failure, f"{field}: {host} {decision.why}", details=details)
    raise AnalysisError(
        ErrorCode.connection_failed, f"{field}: {host} could not be resolved: {decision.why}", details=details
    )
