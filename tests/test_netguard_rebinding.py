"""DNS rebinding: a name that answers an allowed address first and a private one next must never lead to
a private connect. The guard resolves once per connection and dials the address it checked.

The resolver is injected (it stands in for a hostile authoritative DNS server, which cannot run here);
the servers, the proxy and Chromium are real. "Allowed" is an allowlisted loopback address standing in
for a public one; the rebound target is a sentinel on 127.0.0.2, same port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence

import pytest

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.errors import ErrorCode, InputError
from shared.netguard.addresses import IPAddress
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from shared.netguard.policy import check_target
from tests.support.netguard import LoopbackSentinel, html, proxied_context, socks_connect, wait_until

REBINDING_NAME = "rebind.test"


class RebindingResolver:
    """Answers `first` on the first lookup of the name and `then` on every later one; counts lookups."""

    def __init__(self, first: list[str], then: list[str]) -> None:
        self.first = [ipaddress.ip_address(a) for a in first]
        self.then = [ipaddress.ip_address(a) for a in then]
        self.lookups = 0

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        if host != REBINDING_NAME:
            raise OSError(f"{host} not found")
        self.lookups += 1
        return self.first if self.lookups == 1 else self.then


@pytest.fixture
def allowed_and_rebound() -> Iterator[tuple[LoopbackSentinel, LoopbackSentinel]]:
    with LoopbackSentinel(("127.0.0.1",)) as allowed, LoopbackSentinel(("127.0.0.2",), port=allowed.port) as rebound:
        yield allowed, rebound


async def test_each_connection_is_decided_once_and_goes_to_the_checked_address(
    allowed_and_rebound: tuple[LoopbackSentinel, LoopbackSentinel],
) -> None:
    allowed, rebound = allowed_and_rebound
    resolver = RebindingResolver(first=["127.0.0.1"], then=["127.0.0.2"])
    guard = EgressGuard(Allowlist.parse([f"127.0.0.1:{allowed.port}"]), resolver=resolver)
    async with guard.session() as session:
        first = await socks_connect(session.proxy_url, REBINDING_NAME, allowed.port)
        first.writer.close()
        assert first.code == 0x00
        # Had the guard resolved again to dial, the second answer would have sent it to 127.0.0.2.
        assert resolver.lookups == 1
        await wait_until(lambda: allowed.connections == 1, "the checked address to be dialled")

        second = await socks_connect(session.proxy_url, REBINDING_NAME, allowed.port)
        second.writer.close()
        assert second.code == 0x04  # a name now resolving to a private address: as if it did not resolve
        assert resolver.lookups == 2
    refusal = session.refusal_for(REBINDING_NAME, allowed.port)
    # The refusal log (the operator's) keeps the address; what the client hears does not.
    assert refusal is not None and refusal.reason == "dns_failure" and refusal.addresses == ("127.0.0.2",)
    assert rebound.connections == 0 and allowed.connections == 1


async def test_an_answer_mixing_allowed_and_private_addresses_is_refused_whole(
    allowed_and_rebound: tuple[LoopbackSentinel, LoopbackSentinel],
) -> None:
    allowed, rebound = allowed_and_rebound
    resolver = RebindingResolver(first=["127.0.0.1", "127.0.0.2"], then=["127.0.0.1", "127.0.0.2"])
    guard = EgressGuard(Allowlist.parse([f"127.0.0.1:{allowed.port}"]), resolver=resolver)
    async with guard.session() as session:
        reply = await socks_connect(session.proxy_url, REBINDING_NAME, allowed.port)
        reply.writer.close()
    assert reply.code == 0x04
    assert allowed.connections == 0 and rebound.connections == 0


async def test_a_url_that_passed_at_submit_is_refused_when_the_browser_connects(browser_pool: BrowserPool) -> None:
    with (
        LoopbackServer() as site,
        LoopbackSentinel(("127.0.0.2",), port=site.port) as rebound,
    ):
        site.routes["/"] = html("<h1>first answer</h1>")
        allowlist = Allowlist.parse([f"127.0.0.1:{site.port}"])
        resolver = RebindingResolver(first=["127.0.0.1"], then=["127.0.0.2"])
        url = f"http://{REBINDING_NAME}:{site.port}/"

        assert await check_target(url, allowlist, resolver=resolver) == url  # submit-time check: allowed
        guard = EgressGuard(allowlist, resolver=resolver)
        async with guard.session() as session, proxied_context(browser_pool, session) as context:
            page = await context.new_page()
            with pytest.raises(Exception, match="ERR_"):
                await page.goto(url)  # the browser's own connection meets the second answer
        refusal = session.refusal_for(REBINDING_NAME, site.port)
        assert refusal is not None and refusal.reason == "dns_failure"
        assert site.hits == [] and rebound.connections == 0
        with pytest.raises(InputError) as again:
            await check_target(url, allowlist, resolver=resolver)
        assert again.value.code is ErrorCode.dns_failure


async def test_a_page_cannot_rebind_its_own_origin_to_a_private_address(browser_pool: BrowserPool) -> None:
    with (
        LoopbackServer() as site,
        LoopbackSentinel(("127.0.0.2",), port=site.port) as rebound,
    ):
        # The page loads from the first answer, then fetches its own origin after the name has flipped.
        # The test server speaks HTTP/1.0, so the fetch needs a new connection and a new decision.
        site.routes["/"] = html(
            '<script>addEventListener("load", () => fetch("/secret").then(r => r.text())'
            '.then(t => { document.title = "read: " + t }, () => { document.title = "refused" }))</script>'
        )
        allowlist = Allowlist.parse([f"127.0.0.1:{site.port}"])
        resolver = RebindingResolver(first=["127.0.0.1"], then=["127.0.0.2"])
        guard = EgressGuard(allowlist, resolver=resolver)
        async with guard.session() as session, proxied_context(browser_pool, session) as context:
            page = await context.new_page()
            response = await page.goto(f"http://{REBINDING_NAME}:{site.port}/")
            assert response is not None and response.ok
            await page.wait_for_function("document.title !== 'probe'", timeout=10_000)
            assert await page.title() == "refused"
        await wait_until(lambda: session.refusal_for(REBINDING_NAME) is not None, "the rebound fetch to be refused")
        assert "/" in site.hits and "/secret" not in site.hits
        assert rebound.connections == 0
