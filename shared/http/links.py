"""Absolute links in responses: from `public_base_url` when set, else from the request itself when its Host
is one of `trusted_hosts`.

The Host header is the client's to choose: links built from any Host would let a caller (or a cache in
between) hand others `Location: https://evil.example/...`. A request to a host not on the list gets links
relative to the host it reached, which the caller resolves against its own URL. Behind three separate
functions the request's own host is the submit function's, which does not serve reports; deployments that
split the functions set PUBLIC_BASE_URL to where the result paths are served.
"""

from __future__ import annotations

from starlette.requests import Request

from shared.settings.http import HttpSettings


def trusted(host: str, patterns: list[str]) -> bool:
    host = host.lower()
    return any(
        pattern == "*" or host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:]))
        for pattern in (item.lower() for item in patterns)
    )


def base_url(settings: HttpSettings, request: Request | None = None) -> str:
    """The base every link starts with; empty (links relative to the host) when nothing trustworthy tells it."""
    if settings.public_base_url:
        return settings.link_base()
    if request is not None and trusted(request.url.hostname or "", settings.trusted_hosts):
        return str(request.base_url).rstrip("/")
    return ""
