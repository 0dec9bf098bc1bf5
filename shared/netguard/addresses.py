"""Which IP addresses count as public: the single definition every check uses.

The tables below are our own, taken from the IANA special-purpose address registries (RFC 6890 and its
updates), instead of `ipaddress.is_global`, whose answer has changed between Python patch releases.
IPv6 is admitted only inside 2000::/3, the only block IANA allocates as global unicast; IPv6 forms
that carry an IPv4 address the kernel or a translator will actually reach (IPv4-mapped, NAT64
well-known prefix, 6to4) are judged by that IPv4 address.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_IPV4_NON_PUBLIC: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(network), why)
    for network, why in (
        ("0.0.0.0/8", "unspecified (this network)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared address space (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")

# Checked before the embeddings and before 2000::/3, so the more specific entry names the reason.
_IPV6_NON_PUBLIC: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(network), why)
    for network, why in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("64:ff9b:1::/48", "NAT64 local-use"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing (SRv6)"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)

# The well-known NAT64 prefix always puts the IPv4 address in the low 32 bits (RFC 6052, /96).
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a packet to `address` ends up at: IPv4-mapped, NAT64 (well-known prefix), 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def non_public_reason(address: IPAddress) -> str | None:
    """Why `address` is not public (e.g. "loopback"), or None for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv4Address):
        return next((why for network, why in _IPV4_NON_PUBLIC if address in network), None)
    if address.scope_id:
        return "scoped (link-local zone)"
    inner = embedded_ipv4(address)
    if inner is not None:
        why = non_public_reason(inner)
        return None if why is None else f"{why}, embedded in IPv6"
    why = next((why for network, why in _IPV6_NON_PUBLIC if address in network), None)
    if why is not None:
        return why
    return None if address in _IPV6_GLOBAL_UNICAST else "reserved (outside global unicast 2000::/3)"


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, looking through IPv4 embeddings in IPv6."""
    return non_public_reason(address) is None


def parse_ip(text: str) -> IPAddress | None:
    """The address if `text` is a plain IP literal (brackets and an IPv6 zone allowed), else None.

    Only canonical literals count: odd IPv4 spellings (`0x7f.1`) are names here and reach the resolver,
    which either fails or yields an address that is checked like any other.
    """
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def normalise_host(host: str) -> str:
    """The form hosts are compared in: no brackets, no trailing dot, lower case; IP literals canonical."""
    name = host.strip().strip("[]").rstrip(".").lower()
    literal = parse_ip(name)
    return name if literal is None else str(literal)
