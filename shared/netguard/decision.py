"""The one decision every outbound connection meets: may `host:port` be reached, and at which addresses.

`decide` resolves a name once and returns the addresses it checked; callers connect to those addresses
and never resolve again, so an answer that changes between check and connect (DNS rebinding) cannot
slip a private address in. The submit-time URL check and the egress proxy both call it.

A refusal must not tell a caller what the service's own network looks like. A host *name* whose
addresses are not public is refused exactly as a name that does not resolve (same reason, same words),
so nobody can probe which internal names exist; only `Decision.addresses` (for operators' logs) keeps
what it resolved to. What the caller wrote itself (an IP literal, a loopback or metadata name) is
refused as `blocked`, with the class of address: that tells them nothing they did not send.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from typing import Literal

from shared.config import Settings
from shared.errors import DNSUnavailableError
from shared.netguard.addresses import IPAddress, non_public_reason, normalise_host, parse_ip
from shared.netguard.allowlist import Allowlist
from shared.netguard.resolver import Resolver, system_resolver

RefusalReason = Literal["blocked", "dns_failure", "dns_timeout", "connect_failed", "busy"]

# Names of cloud metadata services. They resolve to link-local addresses today, but a refusal by name
# also holds where a platform maps them elsewhere (a proxy, a sidecar on a routable address).
METADATA_NAMES: frozenset[str] = frozenset(
    {"metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)

# RFC 6761 section 6.3: `localhost` and every name under it are loopback, answered without DNS.
LOOPBACK_ADDRESSES: tuple[IPAddress, ...] = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))

NO_PUBLIC_ADDRESS = "does not resolve to a public address"
"""Why a name is refused, whether it does not exist or resolves only (or also) to non-public addresses."""


@dataclass(frozen=True)
class Decision:
    """Where a connection may go: the checked addresses, or why it may not (`why` may be shown to the
    caller; `addresses` may not, they can be the service's internal ones)."""

    addresses: tuple[IPAddress, ...] = ()
    refusal: RefusalReason | None = None
    why: str | None = None


def is_loopback_name(name: str) -> bool:
    return name == "localhost" or name.endswith(".localhost")


async def decide(
    host: str,
    port: int,
    allowlist: Allowlist,
    *,
    resolver: Resolver | None = None,
    timeout_s: float = Settings.model_fields["dns_timeout_s"].default,
) -> Decision:
    """Resolves `host` once and admits it only if every address is public or the endpoint is allowlisted.

    Every address must pass, not just one: a name resolving to one public and one private address
    is a rebinding setup, and a connect-time fallback could otherwise pick the private one. `timeout_s`
    bounds the whole lookup, a wait for a lookup slot included; without `resolver`, the system one.
    """
    name = normalise_host(host)
    if name in METADATA_NAMES:
        return Decision(refusal="blocked", why="cloud metadata service name")
    literal = parse_ip(host)
    if literal is not None:
        return _check(host, port, allowlist, (literal,), named=False)
    if is_loopback_name(name):
        # The answer is ours, not a DNS server's, so no rebinding can hide in it: dial the loopback
        # addresses that are allowlisted, and refuse only when none is.
        allowed = tuple(address for address in LOOPBACK_ADDRESSES if allowlist.allows(host, port, address))
        if allowed:
            return Decision(addresses=allowed)
        return _check(host, port, allowlist, LOOPBACK_ADDRESSES, named=False)
    try:
        async with asyncio.timeout(timeout_s):
            answer = await (resolver or system_resolver(timeout_s))(name, port)
    except TimeoutError:
        return Decision(refusal="dns_timeout", why=f"no DNS answer within {timeout_s:g} s")
    except DNSUnavailableError:
        return Decision(refusal="dns_timeout", why="DNS did not answer")
    except (OSError, UnicodeError, ValueError):
        return Decision(refusal="dns_failure", why=NO_PUBLIC_ADDRESS)
    return _check(host, port, allowlist, tuple(dict.fromkeys(answer)), named=True)


def _check(host: str, port: int, allowlist: Allowlist, resolved: tuple[IPAddress, ...], named: bool) -> Decision:
    if not resolved:
        return Decision(refusal="dns_failure", why=NO_PUBLIC_ADDRESS)
    for address in resolved:
        why = non_public_reason(address)
        if why is not None and not allowlist.allows(host, port, address):
            if named:
                return Decision(addresses=resolved, refusal="dns_failure", why=NO_PUBLIC_ADDRESS)
            return Decision(addresses=resolved, refusal="blocked", why=why)
    return Decision(addresses=resolved)
