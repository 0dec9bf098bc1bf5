"""Which addresses are public: every special-purpose class, IPv4 embeddings in IPv6, and properties."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.netguard.addresses import embedded_ipv4, is_public, non_public_reason, normalise_host, parse_ip

NON_PUBLIC = {
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "172.31.255.255": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local",
    "169.254.0.1": "link-local",
    "100.64.0.1": "CGNAT",
    "100.100.100.200": "CGNAT",
    "100.127.255.255": "CGNAT",
    "224.0.0.251": "multicast",
    "239.255.255.250": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    "0.0.0.0": "unspecified",
    "0.1.2.3": "unspecified",
    "192.0.0.8": "IETF",
    "192.0.0.170": "IETF",
    "192.0.2.10": "documentation",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "198.18.0.1": "benchmarking",
    "198.19.255.255": "benchmarking",
    "192.88.99.1": "6to4 relay",
    "::": "unspecified",
    "::1": "loopback",
    "fe80::1": "link-local",
    "febf:ffff::1": "link-local",
    "fec0::1": "site-local",
    "fc00::1": "unique local",
    "fd12:3456::1": "unique local",
    "ff02::1": "multicast",
    "ff05::2": "multicast",
    "2001:db8::1": "documentation",
    "3fff::1": "documentation",
    "2001::1": "Teredo",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
    "2001:2::1": "benchmarking",
    "100::1": "discard",
    "5f00::1": "SRv6",
    "::ffff:127.0.0.1": "loopback, embedded",
    "::ffff:10.0.0.1": "private, embedded",
    "::ffff:169.254.169.254": "link-local (cloud metadata), embedded",
    "::127.0.0.1": "IPv4-compatible",
    "::8.8.8.8": "IPv4-compatible",
    "64:ff9b::7f00:1": "loopback, embedded",
    "64:ff9b::a9fe:a9fe": "link-local (cloud metadata), embedded",
    "64:ff9b:1::1": "NAT64 local-use",
    "64:ff9b:1:ffff::8.8.8.8": "NAT64 local-use",
    "2002:7f00:1::": "loopback, embedded",
    "2002:a00:1::1": "private, embedded",
    "2002:a9fe:a9fe::": "link-local (cloud metadata), embedded",
    "4000::1": "outside global unicast",
    "fe80::1%eth0": "scoped",
}

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above CGNAT
    "172.15.255.255",  # just below 172.16/12
    "172.32.0.0",  # just above
    "192.0.1.1",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",  # just below multicast
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "::ffff:8.8.8.8",  # mapped public: the kernel connects to 8.8.8.8
    "64:ff9b::808:808",  # NAT64 of a public address
    "2002:808:808::1",  # 6to4 of a public address
]


@pytest.mark.parametrize("text", NON_PUBLIC)
def test_non_public_address_is_refused_with_its_class(text: str) -> None:
    address = ipaddress.ip_address(text)
    why = non_public_reason(address)
    assert why is not None and NON_PUBLIC[text].lower() in why.lower()
    assert not is_public(address)


@pytest.mark.parametrize("text", PUBLIC)
def test_public_address_is_admitted(text: str) -> None:
    assert non_public_reason(ipaddress.ip_address(text)) is None


@pytest.mark.parametrize(
    ("ipv6", "ipv4"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::ffff:7f00:1", "127.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b::10.0.0.1", "10.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("2002:a9fe:a9fe:1234::1", "169.254.169.254"),
        ("2606:4700::1", None),
        ("64:ff9b:1::7f00:1", None),  # local-use NAT64 has no fixed embedding: refused as a whole instead
    ],
)
def test_embedded_ipv4(ipv6: str, ipv4: str | None) -> None:
    inner = embedded_ipv4(ipaddress.IPv6Address(ipv6))
    assert (str(inner) if inner else None) == ipv4


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::FFFF:127.0.0.1", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("2130706433", None),  # odd spellings are names here; the URL parser or the resolver deals with them
        ("0x7f.1", None),
        ("example.com", None),
        ("", None),
    ],
)
def test_parse_ip(text: str, parsed: str | None) -> None:
    address = parse_ip(text)
    assert (str(address) if address else None) == parsed


@pytest.mark.parametrize(
    ("host", "normal"),
    [("LocalHost.", "localhost"), ("[::FFFF:127.0.0.1]", "::ffff:7f00:1"), (" Example.COM ", "example.com")],
)
def test_normalise_host(host: str, normal: str) -> None:
    assert normalise_host(host) == normal


# --- properties --------------------------------------------------------------------------------

_V4_NON_PUBLIC_NETWORKS = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
]
_V6_NON_PUBLIC_NETWORKS = ["::/96", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001:db8::/32", "64:ff9b:1::/48"]


def _address_in(network: str) -> st.SearchStrategy[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    net = ipaddress.ip_network(network)
    return st.integers(0, net.num_addresses - 1).map(lambda offset: net[offset])


non_public_v4 = st.sampled_from(_V4_NON_PUBLIC_NETWORKS).flatmap(_address_in)
non_public_v6 = st.sampled_from(_V6_NON_PUBLIC_NETWORKS).flatmap(_address_in)


def _embeddings(v4: ipaddress.IPv4Address) -> list[ipaddress.IPv6Address]:
    value = int(v4)
    return [
        ipaddress.IPv6Address((0xFFFF << 32) | value),  # IPv4-mapped
        ipaddress.IPv6Address(value),  # IPv4-compatible
        ipaddress.IPv6Address((0x0064_FF9B << 96) | value),  # NAT64 well-known /96
        ipaddress.IPv6Address((0x2002 << 112) | (value << 80)),  # 6to4
    ]


@given(non_public_v4)
def test_no_non_public_ipv4_is_public(address: ipaddress.IPv4Address) -> None:
    assert not is_public(address)


@given(non_public_v6)
def test_no_non_public_ipv6_is_public(address: ipaddress.IPv6Address) -> None:
    assert not is_public(address)


@given(non_public_v4, st.integers(0, 2**80 - 1))
def test_no_embedding_of_a_non_public_ipv4_is_public(address: ipaddress.IPv4Address, low_bits: int) -> None:
    for embedded in _embeddings(address):
        assert not is_public(embedded), embedded
    # 6to4 routes on the /48: whatever follows the embedded address, it is still that address.
    assert not is_public(ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80) | low_bits))


@given(st.integers(0, 2**128 - 1))
def test_public_ipv6_lies_in_global_unicast_or_embeds_a_public_ipv4(value: int) -> None:
    address = ipaddress.IPv6Address(value)
    if is_public(address):
        inner = embedded_ipv4(address)
        assert address in ipaddress.IPv6Network("2000::/3") or (inner is not None and is_public(inner))


@given(st.integers(0, 2**32 - 1))
def test_public_ipv4_is_global_by_pythons_definition_too(value: int) -> None:
    # Our table may be stricter than the standard library (e.g. 192.0.0.0/24), never looser.
    address = ipaddress.IPv4Address(value)
    if is_public(address):
        assert address.is_global and not address.is_multicast
