"""The one decision every outbound connection meets: may `host:port` be reached, and at which addresses.

`decide` resolves a name once and returns the addresses it checked; callers connect to those addresses
and never resolve again, so an answer that changes between check and connect (DNS rebinding) cannot
slip a private address in. The submit-time URL check and the egress proxy both call it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from shared.config import Settings
from shared.netguard.addresses import IPAddress, non_public_reason, normalise_host, parse_ip
from shared.netguard.allowlist import Allowlist

RefusalReason = Literal["blocked", "dns_failure", "dns_timeout", "connect_failed", "busy"]

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""Resolves a host name to its addresses; raises OSError (or returns nothing) when it cannot."""

# Names of cloud metadata services. They resolve to link-local addresses today, but a refusal by name
# also holds where a platform maps them elsewhere (a proxy, a sidecar on a routable address).
METADATA_NAMES: frozenset[str] = frozenset(
    {"metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)

# getaddrinfo blocks a thread and cannot be cancelled; a pool of its own keeps hung lookups from
# starving the event loop's default executor, which other code shares.
_DNS_THREADS = 8
_dns_executor: ThreadPoolExecutor | None = None


@dataclass(frozen=True)
class Decision:
    """Where a connection may go: the checked addresses, or why it may not (`why` explains a block)."""

    addresses: tuple[IPAddress, ...] = ()
    refusal: RefusalReason | None = None
    why: str | None = None


async def system_resolver(host: str, port: int) -> Sequence[IPAddress]:
    global _dns_executor
    if _dns_executor is None:
        _dns_executor = ThreadPoolExecutor(max_workers=_DNS_THREADS, thread_name_prefix="netguard-dns")
    loop = asyncio.get_running_loop()
    infos = await loop.run_in_executor(_dns_executor, lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    # A link-local answer may carry a zone (`fe80::1%eth0`); keep it, it marks the address as scoped.
    return [ipaddress.ip_address(info[4][0]) for info in infos]


async def decide(
    host: str,
    port: int,
    allowlist: Allowlist,
    *,
    resolver: Resolver = system_resolver,
    timeout_s: float = Settings.model_fields["dns_timeout_s"].default,
) -> Decision:
    """Resolves `host` once and admits it only if every address is public or the endpoint is allowlisted.

    Every address must pass, not just one: a name resolving to one public and one private address
    is a rebinding setup, and a connect-time fallback could otherwise pick the private one.
    """
    name = normalise_host(host)
    if name in METADATA_NAMES:
        return Decision(refusal="blocked", why="cloud metadata service name")
    literal = parse_ip(host)
    if literal is not None:
        resolved: tuple[IPAddress, ...] = (literal,)
    else:
        try:
            async with asyncio.timeout(timeout_s):
                answer = await resolver(name, port)
        except TimeoutError:
            return Decision(refusal="dns_timeout", why=f"no DNS answer within {timeout_s:g} s")
        except (OSError, UnicodeError, ValueError):
            return Decision(refusal="dns_failure", why="the name does not resolve")
        resolved = tuple(dict.fromkeys(answer))
        if not resolved:
            return Decision(refusal="dns_failure", why="the name has no addresses")
    for address in resolved:
        why = non_public_reason(address)
        if why is not None and not allowlist.allows(host, port, address):
            return Decision(addresses=resolved, refusal="blocked", why=f"{address} is {why}")
    return Decision(addresses=resolved)
