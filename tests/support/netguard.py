"""Fixtures of the egress-policy tests: a sentinel that sees any leak, a fenced guard, allowlisted sites.

The browser is the session's shared `browser_pool` (tests/support/browser.py), so the matrix runs
against the service's own launch of Chromium (`CHROMIUM_EGRESS_ARGS` and all).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import socketserver
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from types import TracebackType

import pytest
from playwright.async_api import BrowserContext

from harness.servers import LoopbackServer
from shared.capture.browser import BrowserPool
from shared.capture.devices import DESKTOP
from shared.netguard.addresses import IPAddress, parse_ip
from shared.netguard.allowlist import Allowlist
from shared.netguard.chromium import context_proxy
from shared.netguard.egress import EgressGuard, GuardSession

WAIT_S = 10.0
"""Longest wait for an expected event (a refusal, a hit); tests never sleep a fixed time."""

SENTINEL_HOSTS = ("127.0.0.1", "127.0.0.2", "::1")


class LoopbackSentinel:
    """Counts TCP connections on one port of several loopback addresses (IPv4 and IPv6), and UDP
    datagrams to the same port on the first address (STUN, QUIC would arrive there).

    `ConnectionSentinel` listens on 127.0.0.1 only, so it could not see a leak to `[::1]` or 127.0.0.2;
    this one can. It answers a minimal HTTP 200 so a leaked request would visibly succeed.
    """

    def __init__(self, hosts: tuple[str, ...] = SENTINEL_HOSTS, port: int = 0) -> None:
        self.connections = 0
        self.datagrams = 0
        self.peers: list[str] = []
        self._lock = threading.Lock()
        self._servers: list[socketserver.BaseServer] = []
        self.port = self._bind_all(hosts, port)

    def _bind_all(self, hosts: tuple[str, ...], wanted_port: int) -> int:
        sentinel = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with sentinel._lock:
                    sentinel.connections += 1
                    sentinel.peers.append(str(self.server.server_address[0]))
                self.request.settimeout(1.0)
                try:
                    self.request.recv(4096)
                    self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nleaked!")
                except OSError:
                    return

        class V6Server(socketserver.ThreadingTCPServer):
            address_family = socket.AF_INET6

        class V6DatagramServer(socketserver.UDPServer):
            address_family = socket.AF_INET6

        class DatagramHandler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with sentinel._lock:
                    sentinel.datagrams += 1

        for _ in range(1 if wanted_port else 20):  # another process may hold the port on one of the addresses
            servers: list[socketserver.BaseServer] = []
            port = wanted_port
            try:
                for host in hosts:
                    kind = V6Server if ":" in host else socketserver.ThreadingTCPServer
                    server = kind((host, port), Handler)
                    server.daemon_threads = True
                    servers.append(server)
                    port = int(server.server_address[1])
                udp = V6DatagramServer if ":" in hosts[0] else socketserver.UDPServer
                servers.append(udp((hosts[0], port), DatagramHandler))
            except OSError:
                for server in servers:
                    server.server_close()
                continue
            self._servers = servers
            return port
        raise RuntimeError("no port free on every sentinel address")

    def __enter__(self) -> LoopbackSentinel:
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


class FencedEgressGuard(EgressGuard):
    """The real guard, except that a connection to a non-loopback address lands at the sentinel.

    The test machine must not send traffic to private or metadata addresses even if the policy
    regressed; fenced connects are recorded (and counted by the sentinel) instead of leaving the host.
    """

    def __init__(self, allowlist: Allowlist, sentinel: LoopbackSentinel, **kwargs: object) -> None:
        super().__init__(allowlist, **kwargs)  # type: ignore[arg-type]
        self.sentinel = sentinel
        self.fenced: list[tuple[str, int]] = []

    async def _open(self, address: IPAddress, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if not address.is_loopback:
            self.fenced.append((str(address), port))
            return await asyncio.open_connection("127.0.0.1", self.sentinel.port)
        return await super()._open(address, port)


@asynccontextmanager
async def proxied_context(browser_pool: BrowserPool, session: GuardSession) -> AsyncIterator[BrowserContext]:
    """A context as capture opens it (`BrowserPool.context`: the service's launch flags and context
    options, service workers blocked included), whose every connection goes through `session`."""
    async with browser_pool.context(DESKTOP, context_proxy(session)) as context:
        yield context


async def wait_until(predicate: Callable[[], object], what: str, timeout_s: float = WAIT_S) -> None:
    """Polls `predicate` until it is truthy; fails the test with `what` after `timeout_s`."""
    try:
        async with asyncio.timeout(timeout_s):
            while not predicate():  # noqa: ASYNC110 -- state changes in other threads (servers) too
                await asyncio.sleep(0.02)
    except TimeoutError:
        pytest.fail(f"timed out after {timeout_s:g} s waiting for {what}")


def respond(
    handler: SimpleHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def html(body: str) -> Callable[[SimpleHTTPRequestHandler], None]:
    page = f"<!doctype html><html><head><title>probe</title></head><body>{body}</body></html>".encode()
    return lambda h: respond(h, 200, page, {"Content-Type": "text/html; charset=utf-8"})


def text(content: str, content_type: str) -> Callable[[SimpleHTTPRequestHandler], None]:
    return lambda h: respond(h, 200, content.encode(), {"Content-Type": content_type, "Cache-Control": "no-store"})


def redirect(status: int, location: str) -> Callable[[SimpleHTTPRequestHandler], None]:
    return lambda h: respond(h, status, b"", {"Location": location})


@dataclass
class EgressLab:
    """Everything a policy test needs: the session's browser, the sentinel, two allowlisted sites, a fenced guard."""

    browser_pool: BrowserPool
    sentinel: LoopbackSentinel
    site: LoopbackServer
    other_site: LoopbackServer
    guard: FencedEgressGuard

    @asynccontextmanager
    async def context(self) -> AsyncIterator[tuple[BrowserContext, GuardSession]]:
        """A browser context whose every connection goes through its own guard session."""
        async with self.guard.session() as session, proxied_context(self.browser_pool, session) as context:
            yield context, session


@pytest.fixture(scope="session")
def loopback_sentinel() -> Iterator[LoopbackSentinel]:
    with LoopbackSentinel() as sentinel:
        yield sentinel


@pytest.fixture(scope="session")
def egress_sites() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    """Two allowlisted sites standing in for public ones; tests add routes (path -> handler) as they need."""
    with LoopbackServer(Path(__file__).parent.parent / "pages" / "netguard") as site, LoopbackServer() as other:
        yield site, other


@pytest.fixture(scope="session")
def egress_lab(
    browser_pool: BrowserPool, loopback_sentinel: LoopbackSentinel, egress_sites: tuple[LoopbackServer, LoopbackServer]
) -> EgressLab:
    site, other = egress_sites
    guard = FencedEgressGuard(Allowlist.parse([site.host_port, other.host_port]), loopback_sentinel)
    return EgressLab(browser_pool, loopback_sentinel, site, other, guard)


@dataclass
class SocksReply:
    """What a raw SOCKS5 client saw: the reply code (None if the proxy hung up first) and the open streams."""

    code: int | None
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


async def socks_connect(proxy_url: str, host: str, port: int, *, command: int = 1) -> SocksReply:
    """A minimal SOCKS5 CONNECT, written out by hand so tests control every byte the guard receives."""
    proxy_host, proxy_port = proxy_url.removeprefix("socks5://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(proxy_host, int(proxy_port))
    try:
        writer.write(b"\x05\x01\x00")
        await writer.drain()
        if await reader.readexactly(2) != b"\x05\x00":
            return SocksReply(None, reader, writer)
        literal = parse_ip(host)
        if isinstance(literal, ipaddress.IPv4Address):
            address = b"\x01" + literal.packed
        elif isinstance(literal, ipaddress.IPv6Address):
            address = b"\x04" + literal.packed
        else:
            address = b"\x03" + bytes([len(host)]) + host.encode("ascii")
        writer.write(bytes([5, command, 0]) + address + port.to_bytes(2, "big"))
        await writer.drain()
        reply = await reader.readexactly(10)
        return SocksReply(reply[1], reader, writer)
    except (asyncio.IncompleteReadError, ConnectionError):
        return SocksReply(None, reader, writer)
