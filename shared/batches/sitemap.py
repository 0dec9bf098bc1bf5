"""Reading a sitemap (sitemaps.org protocol): a `<urlset>` of pages, or a `<sitemapindex>` of more sitemaps,
any of them gzipped. Every fetch goes through the egress guard, exactly as a webhook or the browser does.

Everything about the answer is the target server's to choose, so every part is bounded: each file by
SITEMAP_MAX_BYTES counted after decompression (a gzip bomb stops there), by SITEMAP_TIMEOUT_S, the
files read by SITEMAP_MAX_FILES and the whole walk by SITEMAP_BUDGET_S. The XML is read by expat with
any DOCTYPE refused, so no entity can expand and nothing external is ever loaded. Redirects are followed
by hand, at most SITEMAP_MAX_REDIRECTS and only within the site, each hop a fresh guarded connection.
Child sitemaps on another site are skipped like off-site pages.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections import deque
from dataclasses import dataclass, field
from xml.parsers import expat

import httpx

from shared.batches.model import Discovery
from shared.batches.pages import PageCollector, normalise, site_of
from shared.config import Settings
from shared.errors import CroAnalyzerError, ErrorCode, InputError
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.netguard.http_client import EgressRefusedError, guarded_client
from shared.netguard.policy import check_url_syntax
from shared.version import ANALYZER_VERSION

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_NOTE_CHARS = 300


class SitemapError(CroAnalyzerError):
    """The sitemap the caller named could not be read; `reason` says why in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Parsed:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


async def read_sitemap(
    settings: Settings, allowlist: Allowlist, sitemap_url: str, limit: int
) -> tuple[list[str], Discovery]:
    """The first `limit` distinct same-site pages the sitemap lists, and how they were found.

    Raises InputError (the URL itself is not acceptable, or the guard refused its host) and SitemapError
    (the sitemap named could not be read). A child sitemap that cannot be read is a note, not an error.
    """
    try:
        root = check_url_syntax(sitemap_url)
    except InputError as refused:
        raise InputError(refused.code, f"sitemap_url: {refused.message}", details={"field": "sitemap_url"}) from None
    discovery = Discovery(source="sitemap", found=0)
    collector = PageCollector(discovery, limit, site_of(root))
    pending: deque[str] = deque([root])
    guard = EgressGuard.from_settings(settings, allowlist)
    try:
        async with asyncio.timeout(settings.sitemap_budget_s):
            async with guarded_client(guard, settings.sitemap_timeout_s) as client:
                await _walk(client, settings, pending, collector)
    except TimeoutError:
        if discovery.sitemaps_read == 0:
            raise SitemapError(f"was not read within {settings.sitemap_budget_s:g} s") from None
        discovery.notes.append(f"stopped reading sitemaps after {settings.sitemap_budget_s:g} s")
    except EgressRefusedError as exc:
        raise InputError(ErrorCode.blocked_by_policy, f"sitemap_url: {exc}", details={"field": "sitemap_url"}) from None
    if pending:
        discovery.notes.append(f"{len(pending)} sitemap(s) not read: at most {settings.sitemap_max_files} are read")
    return collector.pages, discovery


async def _walk(client: httpx.AsyncClient, settings: Settings, pending: deque[str], collector: PageCollector) -> None:
    """Reads sitemaps breadth first from `pending` (the root first); the root's failure is the caller's."""
    discovery = collector.discovery
    root = pending[0]
    seen = {root}
    while pending and discovery.sitemaps_read < settings.sitemap_max_files:
        url = pending.popleft()
        try:
            parsed = await _read_one(client, settings, url, collector.site or "")
        except (SitemapError, EgressRefusedError) as exc:
            if url == root:
                raise
            discovery.notes.append(_note(f"{url}: {exc}"))
            continue
        discovery.sitemaps_read += 1
        for page in parsed.pages:
            collector.add(page)
        for child in parsed.sitemaps:
            target = normalise(child)
            if target is None or site_of(target) != collector.site:
                discovery.notes.append(_note(f"skipped a child sitemap off the site or not http(s): {child}"))
            elif target not in seen:
                seen.add(target)
                pending.append(target)


def _note(text: str) -> str:
    return text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"


async def _read_one(client: httpx.AsyncClient, settings: Settings, url: str, site: str) -> _Parsed:
    current = url
    for _ in range(settings.sitemap_max_redirects + 1):
        async with asyncio.timeout(settings.sitemap_timeout_s):
            status, location, body = await _fetch(client, current, settings.sitemap_max_bytes)
        if status in REDIRECT_STATUSES and location:
            target = normalise(str(httpx.URL(current).join(location)))
            if target is None or site_of(target) != site:
                raise SitemapError("redirected off the site")
            current = target
            continue
        if status != 200:
            raise SitemapError(f"answered HTTP {status}")
        return parse_sitemap(decompress(body, settings.sitemap_max_bytes))
    raise SitemapError(f"more than {settings.sitemap_max_redirects} redirects")


async def _fetch(client: httpx.AsyncClient, url: str, max_bytes: int) -> tuple[int, str | None, bytes]:
    headers = {"user-agent": f"cro-analyzer/{ANALYZER_VERSION}", "accept": "application/xml, text/xml, */*"}
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                return response.status_code, response.headers.get("location"), b""
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise SitemapError(f"larger than {max_bytes} bytes")
                chunks.append(chunk)
            # aiter_raw: a Content-Encoding: gzip body stays compressed and is bounded by `decompress`.
            body = b"".join(chunks)
            if response.headers.get("content-encoding", "").lower() == "gzip" and not body.startswith(GZIP_MAGIC):
                raise SitemapError("declared gzip but is not")
            return 200, None, body
    except httpx.TransportError as exc:
        raise SitemapError(f"could not be fetched ({type(exc).__name__})") from exc


def decompress(body: bytes, max_bytes: int) -> bytes:
    """The body itself, or its gzip content when it is gzipped; never more than `max_bytes` of output."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError("is not valid gzip") from exc
    if len(out) > max_bytes:
        raise SitemapError(f"decompresses to more than {max_bytes} bytes")
    return out


def parse_sitemap(document: bytes) -> _Parsed:
    """The `<loc>`s of a `<urlset>` (pages) or a `<sitemapindex>` (sitemaps), namespace prefixes ignored."""
    parsed = _Parsed()
    stack: list[str] = []
    text: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_: object) -> None:
        raise SitemapError("has a DOCTYPE, which sitemaps never need")

    def start(name: str, _attrs: dict[str, str]) -> None:
        stack.append(name.rsplit(" ", 1)[-1])
        text.clear()

    def end(_name: str) -> None:
        local = stack.pop()
        if local == "loc" and stack:
            target = parsed.sitemaps if stack[-1] == "sitemap" else parsed.pages if stack[-1] == "url" else None
            if target is not None:
                target.append("".join(text).strip())
        text.clear()

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        raise SitemapError(f"is not well-formed XML ({expat.ErrorString(exc.code)})") from None
    return parsed
