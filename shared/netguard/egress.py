"""The egress guard: a SOCKS5 proxy on loopback through which every outbound connection must pass.

Why a proxy and not request interception: interception sees requests, not connections. It misses
service-worker fetches, beacons sent while a page unloads, WebSockets on some paths, and it checks a
name that Chromium then resolves again (DNS rebinding). Here Chromium hands the proxy the host *name*
(SOCKS5 resolves remotely); the guard resolves it once, checks every address, and connects to the
address it checked. Each redirect hop, subresource, iframe, worker and socket is a new connection and
meets the same check. Each browser context gets its own session (own port), so refusals are attributed
to the analysis that caused them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from shared.netguard.addresses import IPAddress, is_public, parse_ip
from shared.netguard.allowlist import Allowlist

RefusalReason = Literal["blocked", "dns_failure", "connect_failed"]

_SOCKS_VERSION = 5
_CMD_CONNECT = 1
_ATYP_IPV4, _ATYP_DOMAIN, _ATYP_IPV6 = 1, 3, 4
_REPLY = {
    "ok": 0,
    "failure": 1,
    "blocked": 2,
    "dns_failure": 4,
    "connect_failed": 5,
    "unsupported": 7,
}
_PIPE_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Refusal:
    host: str
    port: int
    reason: RefusalReason
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """Where a connection may go: the checked addresses, or why it may not."""

    addresses: tuple[IPAddress, ...] = ()
    refusal: RefusalReason | None = None


async def decide(host: str, port: int, allowlist: Allowlist) -> Decision:
    """Resolves `host` once and admits it only if every address is public or the endpoint is allowlisted.

    Every address must pass, not just one: a name resolving to one public and one private address
    is a rebinding setup, and Chromium-side fallback could otherwise pick the private one.
    """
    literal = parse_ip(host)
    if literal is not None:
        resolved: tuple[IPAddress, ...] = (literal,)
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return Decision(refusal="dns_failure")
        resolved = tuple(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))
        if not resolved:
            return Decision(refusal="dns_failure")
    if all(is_public(address) or allowlist.allows(host, port, address) for address in resolved):
        return Decision(addresses=resolved)
    return Decision(addresses=resolved, refusal="blocked")


@dataclass
class GuardSession:
    """One browser context's (or one webhook's) connections: its own port and its refusal log."""

    proxy_url: str
    refusals: list[Refusal] = field(default_factory=list)
    connections: int = 0

    def refusal_for(self, host: str) -> Refusal | None:
        host = host.strip("[]").rstrip(".").lower()
        return next((r for r in self.refusals if r.host.strip("[]").rstrip(".").lower() == host), None)


class EgressGuard:
    """Per-process SOCKS5 proxy factory; `session()` opens a listener for one context."""

    def __init__(self, allowlist: Allowlist, *, connect_timeout_s: float = 10.0) -> None:
        self._allowlist = allowlist
        self._connect_timeout_s = connect_timeout_s

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[GuardSession]:
        state = GuardSession(proxy_url="")
        tasks: set[asyncio.Task[None]] = set()

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await self._serve(reader, writer, state)
            finally:
                tasks.discard(task)

        server = await asyncio.start_server(on_client, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        state.proxy_url = f"socks5://127.0.0.1:{port}"
        try:
            yield state
        finally:
            server.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: GuardSession) -> None:
        try:
            target = await self._handshake(reader, writer)
            if target is None:
                return
            host, port = target
            decision = await decide(host, port, self._allowlist)
            if decision.refusal is not None:
                state.refusals.append(Refusal(host, port, decision.refusal, tuple(str(a) for a in decision.addresses)))
                await _reply(writer, decision.refusal)
                return
            upstream = await self._connect(decision.addresses, port)
            if upstream is None:
                state.refusals.append(Refusal(host, port, "connect_failed", tuple(str(a) for a in decision.addresses)))
                await _reply(writer, "connect_failed")
                return
            state.connections += 1
            await _reply(writer, "ok")
            await _pipe_both(reader, writer, *upstream)
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            return
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
        version, n_methods = await reader.readexactly(2)
        if version != _SOCKS_VERSION:
            return None
        methods = await reader.readexactly(n_methods)
        if 0 not in methods:
            writer.write(bytes([_SOCKS_VERSION, 0xFF]))
            await writer.drain()
            return None
        writer.write(bytes([_SOCKS_VERSION, 0]))
        await writer.drain()
        version, command, _, address_type = await reader.readexactly(4)
        if address_type == _ATYP_IPV4:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif address_type == _ATYP_IPV6:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        elif address_type == _ATYP_DOMAIN:
            length = (await reader.readexactly(1))[0]
            host = (await reader.readexactly(length)).decode("idna", errors="strict")
        else:
            await _reply(writer, "unsupported")
            return None
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if version != _SOCKS_VERSION or command != _CMD_CONNECT:
            await _reply(writer, "unsupported")
            return None
        return host, port

    async def _connect(
        self, addresses: tuple[IPAddress, ...], port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for address in addresses:
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(str(address), port), timeout=self._connect_timeout_s
                )
            except (OSError, TimeoutError):
                continue
        return None


async def _reply(writer: asyncio.StreamWriter, outcome: str) -> None:
    writer.write(bytes([_SOCKS_VERSION, _REPLY[outcome], 0, _ATYP_IPV4, 0, 0, 0, 0, 0, 0]))
    await writer.drain()


async def _pipe_both(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_reader: asyncio.StreamReader,
    upstream_writer: asyncio.StreamWriter,
) -> None:
    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(_PIPE_CHUNK):
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                if sink.can_write_eof():
                    sink.write_eof()

    try:
        await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))
    finally:
        upstream_writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await upstream_writer.wait_closed()
