"""The resolver the guard and the submit check use: c-ares (`aiodns`), asynchronous and bounded.

`getaddrinfo` in threads cannot be cancelled: a hung lookup holds its thread until the system resolver
gives up, so a few slow names could take every thread a process had for DNS and make everyone else's
lookups wait. c-ares runs every query on one event thread per channel, reads /etc/hosts and
/etc/resolv.conf as getaddrinfo does, and ends each query on its own timeout; a caller that stops
waiting (budget spent, session closed) costs nothing but that query's last few seconds.

`limited` bounds how many lookups one owner (an egress session, an API key) has in flight; waiting for a
slot counts against the caller's DNS budget, so a tenant's slow names cost that tenant, not the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import aiodns
import aiodns.error

from shared.errors import DNSUnavailableError
from shared.netguard.addresses import IPAddress

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""Resolves a host name to its addresses. Raises OSError when the name does not exist (or returns
nothing), `DNSUnavailableError` or TimeoutError when DNS gave no answer."""


# c-ares answers these when the name (or its record type) does not exist or cannot be a name at all;
# any other failure says nothing about the name and is worth a retry.
_NOT_FOUND = frozenset(
    {
        aiodns.error.ARES_ENOTFOUND,
        aiodns.error.ARES_ENODATA,
        aiodns.error.ARES_ENONAME,
        aiodns.error.ARES_EBADNAME,
        aiodns.error.ARES_EBADFAMILY,
    }
)

# c-ares waits one timeout for the first try and about twice that (less some jitter) for the retry, so a
# try of a third of the budget and one retry end a query the caller gave up on about when its budget ends.
_TRIES = 2
_TRY_SHARE = 1 / 3


class AresResolver:
    """A `Resolver` over c-ares, one channel per event loop (aiodns binds its callbacks to a loop)."""

    def __init__(self, budget_s: float) -> None:
        self._try_timeout_s = budget_s * _TRY_SHARE
        self._channels: dict[asyncio.AbstractEventLoop, aiodns.DNSResolver] = {}

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        channel = self._channel()
        try:
            answer = await channel.getaddrinfo(host, port=port, type=socket.SOCK_STREAM)
        except aiodns.error.DNSError as exc:
            code = exc.args[0] if exc.args else None
            if code in _NOT_FOUND:
                raise OSError(f"{host}: {exc.args[1] if len(exc.args) > 1 else 'not found'}") from None
            raise DNSUnavailableError(f"{host}: {exc.args[1] if len(exc.args) > 1 else 'no answer'}") from None
        return [_address(node.addr) for node in answer.nodes]

    def _channel(self) -> aiodns.DNSResolver:
        loop = asyncio.get_running_loop()
        channel = self._channels.get(loop)
        if channel is None:
            # A closed loop's channel can never answer again; dropping it closes it and ends its thread.
            for closed in [other for other in self._channels if other.is_closed()]:
                del self._channels[closed]
            channel = aiodns.DNSResolver(loop=loop, timeout=self._try_timeout_s, tries=_TRIES)
            self._channels[loop] = channel
        return channel


def _address(addr: tuple[bytes, int] | tuple[bytes, int, int, int]) -> IPAddress:
    text = addr[0].decode("ascii")
    # A link-local IPv6 answer carries its interface; keep it, it marks the address as scoped.
    scope = addr[3] if len(addr) == 4 else 0
    return ipaddress.ip_address(f"{text}%{scope}" if scope else text)


@functools.lru_cache(maxsize=8)
def system_resolver(budget_s: float) -> AresResolver:
    """The process's resolver for lookups budgeted `budget_s` (settings give one or two distinct budgets)."""
    return AresResolver(budget_s)


def limited(resolver: Resolver, slots: asyncio.Semaphore) -> Resolver:
    """`resolver`, with at most `slots` lookups in flight; a lookup waits for a slot within its budget."""

    async def resolve(host: str, port: int) -> Sequence[IPAddress]:
        async with slots:
            return await resolver(host, port)

    return resolve


class KeyedSlots:
    """Per-owner lookup slots (owner = an API key's principal). An owner's entry exists only while it has
    a lookup in flight, so the table holds at most the owners active right now; owners are the configured
    API keys (and the anonymous caller), so it cannot grow with what callers send."""

    def __init__(self, per_owner: int) -> None:
        self._per_owner = per_owner
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @contextlib.asynccontextmanager
    async def _held(self, owner: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(owner) or (asyncio.Semaphore(self._per_owner), 0)
        self._slots[owner] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[owner]
            if users == 1:
                del self._slots[owner]
            else:
                self._slots[owner] = (semaphore, users - 1)

    def resolver_for(self, owner: str, resolver: Resolver) -> Resolver:
        """`resolver`, sharing `owner`'s slots with every other lookup of that owner."""

        async def resolve(host: str, port: int) -> Sequence[IPAddress]:
            async with self._held(owner):
                return await resolver(host, port)

        return resolve

    def __len__(self) -> int:
        return len(self._slots)
