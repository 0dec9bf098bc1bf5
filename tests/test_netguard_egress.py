"""The SOCKS5 egress proxy on the wire: handshakes, reply codes, IPv6, bounds, and clean shutdown."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import pytest

from harness.servers import free_port
from shared.config import Settings
from shared.netguard.addresses import IPAddress
from shared.netguard.allowlist import Allowlist
from shared.netguard.egress import EgressGuard
from tests.support.netguard import WAIT_S, LoopbackSentinel, socks_connect, wait_until


async def _raw(proxy_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = proxy_url.removeprefix("socks5://").rsplit(":", 1)
    return await asyncio.open_connection(host, int(port))


async def _read_to_eof(reader: asyncio.StreamReader) -> bytes:
    async with asyncio.timeout(WAIT_S):
        return await reader.read()


@pytest.mark.parametrize(
    "sent",
    [b"", b"\x05", b"\x05\x01", b"\x05\x01\x00\x05\x01\x00\x03\x09exa"],
    ids=["nothing", "half-greeting", "no-methods", "half-request"],
)
async def test_a_silent_client_is_dropped_after_the_handshake_timeout(sent: bytes) -> None:
    guard = EgressGuard(Allowlist(), handshake_timeout_s=0.2)
    async with guard.session() as session:
        reader, writer = await _raw(session.proxy_url)
        writer.write(sent)
        await writer.drain()
        received = await _read_to_eof(reader)  # EOF: the guard hung up
        writer.close()
    assert received in (b"", b"\x05\x00")
    assert session.connections == 0 and session.refusals == []


@pytest.mark.parametrize(
    ("sent", "answer"),
    [
        (b"\x04\x01\x00\x50\x7f\x00\x00\x01\x00", b""),  # SOCKS4: not spoken, hung up on
        (b"\x05\x01\x02", b"\x05\xff"),  # only username/password offered: no acceptable method
        (b"\x05\x01\x00\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50", b"\x05\x00\x05\x07"),  # BIND: not supported
        (b"\x05\x01\x00\x05\x03\x00\x01\x7f\x00\x00\x01\x00\x50", b"\x05\x00\x05\x07"),  # UDP ASSOCIATE
        (b"\x05\x01\x00\x05\x01\x00\x09", b"\x05\x00\x05\x08"),  # unknown address type
        (b"\x05\x01\x00\x05\x01\x00\x03\x02\xc3\xa9\x00\x50", b"\x05\x00\x05\x08"),  # non-ASCII name
    ],
    ids=["socks4", "auth-only", "bind", "udp-associate", "address-type", "non-ascii-name"],
)
async def test_what_the_guard_does_not_serve_gets_the_rfc_reply(sent: bytes, answer: bytes) -> None:
    guard = EgressGuard(Allowlist())
    async with guard.session() as session:
        reader, writer = await _raw(session.proxy_url)
        writer.write(sent)
        await writer.drain()
        received = await _read_to_eof(reader)
        writer.close()
    assert received[: len(answer)] == answer
    assert session.connections == 0


async def _unresolvable(host: str, port: int) -> Sequence[IPAddress]:
    raise OSError("no such name")


async def _hanging(host: str, port: int) -> Sequence[IPAddress]:
    await asyncio.Event().wait()
    return []


async def _internal(host: str, port: int) -> Sequence[IPAddress]:
    return [ipaddress.ip_address("10.0.0.5")]


@pytest.mark.parametrize(
    ("host", "resolver", "code", "reason"),
    [
        ("127.0.0.1", _unresolvable, 0x02, "blocked"),
        ("::1", _unresolvable, 0x02, "blocked"),
        ("localhost", _unresolvable, 0x02, "blocked"),
        ("metadata.google.internal", _unresolvable, 0x02, "blocked"),
        ("nowhere.example", _unresolvable, 0x04, "dns_failure"),
        ("intranet.example", _internal, 0x04, "dns_failure"),
        ("slow.example", _hanging, 0x04, "dns_timeout"),
    ],
)
async def test_refusals_are_logged_and_answered(host: str, resolver: object, code: int, reason: str) -> None:
    guard = EgressGuard(Allowlist(), resolver=resolver, resolve_timeout_s=0.1)  # type: ignore[arg-type]
    async with guard.session() as session:
        reply = await socks_connect(session.proxy_url, host, 80)
        reply.writer.close()
    assert reply.code == code
    refusal = session.refusal_for(host, 80)
    assert refusal is not None and refusal.reason == reason
    assert session.connections == 0
    if reason == "dns_failure":  # an internal name and a missing one look the same to the page
        assert refusal.why == "does not resolve to a public address"


class CountingResolver:
    """Resolves `fast*` names at once; holds every other name until released. Counts lookups in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.release = asyncio.Event()

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            if not host.startswith("fast"):
                await self.release.wait()
            return [ipaddress.ip_address("127.0.0.1")]
        finally:
            self.in_flight -= 1


async def test_lookups_are_bounded_per_session_and_a_busy_session_does_not_slow_another() -> None:
    resolver = CountingResolver()
    with LoopbackSentinel(("127.0.0.1",)) as upstream:
        guard = EgressGuard(
            Allowlist.parse([f"127.0.0.1:{upstream.port}"]), resolver=resolver, max_dns_lookups=3, resolve_timeout_s=2
        )
        async with guard.session() as busy, guard.session() as other:
            slow = [
                asyncio.create_task(socks_connect(busy.proxy_url, f"slow-{n}.example", upstream.port))
                for n in range(20)
            ]
            await wait_until(lambda: resolver.in_flight == 3, "the busy session to fill its lookup slots")
            started = asyncio.get_running_loop().time()
            quick = [await socks_connect(other.proxy_url, f"fast-{n}.example", upstream.port) for n in range(5)]
            took = asyncio.get_running_loop().time() - started
            assert [reply.code for reply in quick] == [0x00] * 5
            assert took < 1.0, f"another session's lookups waited {took:.2f} s"
            assert resolver.most == 4  # the busy session's 3, and one of the other session's at a time
            resolver.release.set()
            replies = await asyncio.gather(*slow)
            for reply in (*quick, *replies):
                reply.writer.close()
    assert all(reply.code == 0x00 for reply in replies), "waiting for a slot within the budget is not a refusal"


async def test_an_allowlisted_endpoint_that_refuses_is_connect_failed() -> None:
    port = free_port()
    guard = EgressGuard(Allowlist.parse([f"127.0.0.1:{port}"]))
    async with guard.session() as session:
        reply = await socks_connect(session.proxy_url, "127.0.0.1", port)
        reply.writer.close()
    assert reply.code == 0x05
    assert session.refusals[0].reason == "connect_failed"


@pytest.mark.parametrize("target", ["::1", "ipv6-name"])
async def test_ipv6_targets_are_tunnelled(target: str) -> None:
    async def resolve(host: str, port: int) -> Sequence[IPAddress]:
        return [ipaddress.ip_address("::1")]

    with LoopbackSentinel(("::1",)) as upstream:
        allowlist = Allowlist.parse([f"[::1]:{upstream.port}"])
        guard = EgressGuard(allowlist, resolver=resolve)
        async with guard.session() as session:
            reply = await socks_connect(session.proxy_url, target, upstream.port)
            assert reply.code == 0x00
            reply.writer.write(b"GET / HTTP/1.0\r\n\r\n")
            await reply.writer.drain()
            answer = await _read_to_eof(reply.reader)
            reply.writer.close()
    assert answer.endswith(b"leaked!")  # the sentinel's answer came back through the tunnel
    assert upstream.connections == 1 and session.connections == 1


async def test_connections_per_session_are_bounded() -> None:
    with LoopbackSentinel(("127.0.0.1",)) as upstream:
        guard = EgressGuard(Allowlist.parse([f"127.0.0.1:{upstream.port}"]), max_connections=2)
        async with guard.session() as session:
            held = [await socks_connect(session.proxy_url, "127.0.0.1", upstream.port) for _ in range(2)]
            assert [reply.code for reply in held] == [0x00, 0x00]
            over = await socks_connect(session.proxy_url, "127.0.0.1", upstream.port)
            assert over.code == 0x01
            assert session.refusal_for("127.0.0.1") is not None and session.refusals[-1].reason == "busy"
            for reply in held:
                reply.writer.close()
            over.writer.close()
            await wait_until(lambda: session.connections == 2, "both tunnels to be counted")
            # A slot frees when a tunnel closes; the sentinel closes its side after answering.
            again = None
            for _ in range(50):
                again = await socks_connect(session.proxy_url, "127.0.0.1", upstream.port)
                again.writer.close()
                if again.code == 0x00:
                    break
                await asyncio.sleep(0.02)
            assert again is not None and again.code == 0x00
        await wait_until(lambda: upstream.connections == 3, "the third tunnel to reach the upstream")


async def test_closing_the_session_closes_its_tunnels() -> None:
    closed = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # returns at EOF: the guard closed the tunnel
        closed.set()
        writer.close()

    upstream = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = upstream.sockets[0].getsockname()[1]
    guard = EgressGuard(Allowlist.parse([f"127.0.0.1:{port}"]))
    async with guard.session() as session:
        reply = await socks_connect(session.proxy_url, "127.0.0.1", port)
        assert reply.code == 0x00
    async with asyncio.timeout(WAIT_S):
        await closed.wait()
        assert await reply.reader.read() == b""
    reply.writer.close()
    upstream.close()
    await upstream.wait_closed()


def test_from_settings_carries_every_bound() -> None:
    settings = Settings(
        allowed_private_hosts=["127.0.0.1:8080"],
        dns_timeout_s=1.5,
        egress_handshake_timeout_s=2.5,
        egress_max_connections=7,
        egress_max_refusals_logged=11,
        egress_max_dns_lookups=3,
        navigation_timeout_s=9,
    )
    guard = EgressGuard.from_settings(settings)
    assert guard.allowlist.allows("127.0.0.1", 8080)
    assert (guard._resolve_timeout_s, guard._handshake_timeout_s, guard._max_connections) == (1.5, 2.5, 7)
    assert (guard._connect_timeout_s, guard._max_refusals_logged, guard._max_dns_lookups) == (9, 11, 3)


async def test_the_refusal_log_keeps_the_latest_within_its_bound() -> None:
    guard = EgressGuard(Allowlist(), max_refusals_logged=10)
    async with guard.session() as session:
        for port in range(1, 16):
            reply = await socks_connect(session.proxy_url, "127.0.0.1", port)
            reply.writer.close()
            assert reply.code == 0x02
    assert [refusal.port for refusal in session.refusals] == list(range(6, 16))
    assert session.refusals_dropped == 5
    assert session.refusal_for("127.0.0.1", 1) is None and session.refusal_for("127.0.0.1", 15) is not None
