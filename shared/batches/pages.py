"""Which pages a batch analyses: URLs normalised as a browser would, deduplicated, same site, capped.

A sitemap is the site's own list, but its entries are untrusted text: each one is parsed with the same
WHATWG parser the URL policy uses, the fragment (never sent to a server) is dropped, and anything on
another site is left out, so a sitemap cannot turn a batch into a crawl of someone else's pages.
"""

from __future__ import annotations

import ada_url

from shared.batches.model import Discovery
from shared.errors import InputError
from shared.netguard.policy import check_url_syntax


def normalise(url: str) -> str | None:
    """The URL as the browser will request it, without its fragment; None when it may not be analysed."""
    try:
        checked = ada_url.URL(check_url_syntax(url.strip()))
    except InputError:
        return None
    checked.hash = ""
    return checked.href


def site_of(url: str) -> str:
    """The host that defines "the same site": a `www.` prefix does not make another site."""
    host = ada_url.URL(url).hostname.lower()
    return host.removeprefix("www.")


class PageCollector:
    """Takes candidate URLs one at a time and keeps the first `limit` distinct ones on `site` (any when None),
    counting every one it leaves out by reason."""

    def __init__(self, discovery: Discovery, limit: int, site: str | None = None) -> None:
        self.discovery = discovery
        self.limit = limit
        self.site = site
        self.pages: list[str] = []
        self._seen: set[str] = set()

    def add(self, raw: str) -> None:
        found = self.discovery
        found.found += 1
        url = normalise(raw)
        if url is None:
            found.invalid += 1
        elif self.site is not None and site_of(url) != self.site:
            found.off_site += 1
        elif url in self._seen:
            found.duplicates += 1
        elif len(self.pages) >= self.limit:
            self._seen.add(url)
            found.over_limit += 1
            found.capped = True
        else:
            self._seen.add(url)
            self.pages.append(url)
