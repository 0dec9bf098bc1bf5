"""The egress guard: a SOCKS5 proxy on loopback through which every outbound connection must pass.

Chromium hands the proxy the host *name* (SOCKS5 resolves remotely); the guard calls `decide`, which
resolves it once and checks every address, then connects to an address it checked. Each redirect hop,
subresource, iframe, worker and socket is a new connection and meets the same check. Each browser
context (or webhook delivery) gets its own session, on its own port, so refusals are attributed to the
analysis that caused them, and closing the session closes every socket it opened. A session has at most
`max_dns_lookups` lookups in flight: a page firing requests at slow names waits on its own slots.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from shared.config import Settings
from shared.netguard.addresses import IPAddress, normalise_host
from shared.netguard.allowlist import Allowlist
from shared.netguard.decision import Decision, RefusalReason, decide
from shared.netguard.resolver import Resolver, limited, system_resolver

__all__ = [
    "Decision",
    "EgressGuard",
    "GuardSession",
    "Refusal",
    "RefusalReason",
    "decide",
]

_SOCKS_VERSION = 5
_NO_AUTH, _NO_ACCEPTABLE_METHOD = 0x00, 0xFF
_CMD_CONNECT = 1
_ATYP_IPV4, _ATYP_DOMAIN, _ATYP_IPV6 = 1, 3, 4
# RFC 1928 section 6 reply codes.
_REPLY_SUCCEEDED = 0x00
_REPLY_FOR_REFUSAL: dict[RefusalReason, int] = {
    "busy": 0x01,  # general SOCKS server failure
    "blocked": 0x02,  # connection not allowed by ruleset
    "dns_failure": 0x04,  # host unreachable
    "dns_timeout": 0x04,
    "connect_failed": 0x05,  # connection refused
}
_REPLY_COMMAND_NOT_SUPPORTED = 0x07
_REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 0x08
_PIPE_CHUNK = 64 * 1024
_DEFAULTS = Settings.model_fields


class _HandshakeError(Exception):
    """The client spoke something other than a SOCKS5 CONNECT we serve; the reply has been sent."""


@dataclass(frozen=True)
class Refusal:
    host: str
    port: int
    reason: RefusalReason
    addresses: tuple[str, ...] = ()
    why: str | None = None


@dataclass
class GuardSession:
    """One browser context's (or one webhook's) connections: its own port and its refusal log."""

    proxy_url: str
    refusals: list[Refusal] = field(default_factory=list)
    connections: int = 0
    max_refusals: int = _DEFAULTS["egress_max_refusals_logged"].default
    refusals_dropped: int = 0

    def record(self, refusal: Refusal) -> None:
        """Logs a refusal, keeping the latest `max_refusals`: a page spinning on blocked requests must
        not grow the log without bound, and the latest ones explain what the page is doing now."""
        self.refusals.append(refusal)
        if len(self.refusals) > self.max_refusals:
            excess = len(self.refusals) - self.max_refusals
            del self.refusals[:excess]
            self.refusals_dropped += excess

    def refusal_for(self, host: str, port: int | None = None) -> Refusal | None:
        """The latest refusal of `host` (and `port`, if given), compared in normalised form."""
        name = normalise_host(host)
        return next(
            (
                refusal
                for refusal in reversed(self.refusals)
                if normalise_host(refusal.host) == name and (port is None or refusal.port == port)
            ),
            None,
        )


class EgressGuard:
    """Per-process SOCKS5 proxy factory; `session()` opens a listener for one context."""

    def __init__(
        self,
        allowlist: Allowlist,
        *,
        connect_timeout_s: float = 10.0,
        handshake_timeout_s: float = _DEFAULTS["egress_handshake_timeout_s"].default,
        resolve_timeout_s: float = _DEFAULTS["dns_timeout_s"].default,
        max_connections: int = _DEFAULTS["egress_max_connections"].default,
        max_refusals_logged: int = _DEFAULTS["egress_max_refusals_logged"].default,
        max_dns_lookups: int = _DEFAULTS["egress_max_dns_lookups"].default,
        resolver: Resolver | None = None,
    ) -> None:
        self._allowlist = allowlist
        self._connect_timeout_s = connect_timeout_s
        self._handshake_timeout_s = handshake_timeout_s
        self._resolve_timeout_s = resolve_timeout_s
        self._max_connections = max_connections
        self._max_refusals_logged = max_refusals_logged
        self._max_dns_lookups = max_dns_lookups
        self._resolver = resolver or system_resolver(resolve_timeout_s)

    @classmethod
    def from_settings(cls, settings: Settings, allowlist: Allowlist | None = None) -> EgressGuard:
        return cls(
            allowlist if allowlist is not None else Allowlist.parse(settings.allowed_private_hosts),
            connect_timeout_s=settings.navigation_timeout_s,
            handshake_timeout_s=settings.egress_handshake_timeout_s,
            resolve_timeout_s=settings.dns_timeout_s,
            max_connections=settings.egress_max_connections,
            max_refusals_logged=settings.egress_max_refusals_logged,
            max_dns_lookups=settings.egress_max_dns_lookups,
        )

    @property
    def allowlist(self) -> Allowlist:
        return self._allowlist

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[GuardSession]:
        state = GuardSession(proxy_url="", max_refusals=self._max_refusals_logged)
        tasks: set[asyncio.Task[None]] = set()
        resolve = limited(self._resolver, asyncio.Semaphore(self._max_dns_lookups))

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                if len(tasks) > self._max_connections:
                    # Refuse rather than queue: a waiting client would hold its socket past every budget.
                    await self._refuse_busy(reader, writer, state)
                else:
                    await self._serve(reader, writer, state, resolve)
            except asyncio.CancelledError:
                # Only the closing session cancels this task, and the connection ends with it. Returning
                # instead of re-raising keeps asyncio's stream callback (CPython 3.11) from logging an error.
                pass
            finally:
                tasks.discard(task)
                await _close(writer)

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

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: GuardSession, resolve: Resolver
    ) -> None:
        try:
            async with asyncio.timeout(self._handshake_timeout_s):
                host, port = await _handshake(reader, writer)
            decision = await decide(host, port, self._allowlist, resolver=resolve, timeout_s=self._resolve_timeout_s)
            if decision.refusal is not None:
                await _refuse(writer, state, Refusal(host, port, decision.refusal, _texts(decision), decision.why))
                return
            upstream = await self._connect(decision.addresses, port)
            if upstream is None:
                refusal = Refusal(host, port, "connect_failed", _texts(decision), "no checked address accepted")
                await _refuse(writer, state, refusal)
                return
            state.connections += 1
            await _send_reply(writer, _REPLY_SUCCEEDED)
            await _pipe_both(reader, writer, *upstream)
        except (_HandshakeError, asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            return

    async def _refuse_busy(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: GuardSession
    ) -> None:
        with contextlib.suppress(_HandshakeError, asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            async with asyncio.timeout(self._handshake_timeout_s):
                host, port = await _handshake(reader, writer)
            await _refuse(writer, state, Refusal(host, port, "busy", (), f"over {self._max_connections} connections"))

    async def _connect(
        self, addresses: tuple[IPAddress, ...], port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for address in addresses:
            try:
                async with asyncio.timeout(self._connect_timeout_s):
                    return await self._open(address, port)
            except (OSError, TimeoutError):
                continue
        return None

    async def _open(self, address: IPAddress, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """The one place a checked address is dialled (tests fence it so nothing leaves the machine)."""
        return await asyncio.open_connection(str(address), port)


async def _handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int]:
    """Reads a SOCKS5 greeting and CONNECT request (RFC 1928), no authentication; returns host, port."""
    version, n_methods = await reader.readexactly(2)
    if version != _SOCKS_VERSION:
        raise _HandshakeError
    if _NO_AUTH not in await reader.readexactly(n_methods):
        writer.write(bytes([_SOCKS_VERSION, _NO_ACCEPTABLE_METHOD]))
        await writer.drain()
        raise _HandshakeError
    writer.write(bytes([_SOCKS_VERSION, _NO_AUTH]))
    await writer.drain()
    version, command, _, address_type = await reader.readexactly(4)
    if address_type == _ATYP_IPV4:
        host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
    elif address_type == _ATYP_IPV6:
        host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
    elif address_type == _ATYP_DOMAIN:
        length = (await reader.readexactly(1))[0]
        raw = await reader.readexactly(length)
        if not raw.isascii():
            # Clients send IDNA (punycode) names; decoding anything else would resolve a different name.
            await _send_reply(writer, _REPLY_ADDRESS_TYPE_NOT_SUPPORTED)
            raise _HandshakeError
        host = raw.decode("ascii")
    else:
        await _send_reply(writer, _REPLY_ADDRESS_TYPE_NOT_SUPPORTED)
        raise _HandshakeError
    (port,) = struct.unpack("!H", await reader.readexactly(2))
    if version != _SOCKS_VERSION or command != _CMD_CONNECT:
        await _send_reply(writer, _REPLY_COMMAND_NOT_SUPPORTED)
        raise _HandshakeError
    return host, port


def _texts(decision: Decision) -> tuple[str, ...]:
    return tuple(str(address) for address in decision.addresses)


async def _refuse(writer: asyncio.StreamWriter, state: GuardSession, refusal: Refusal) -> None:
    state.record(refusal)
    await _send_reply(writer, _REPLY_FOR_REFUSAL[refusal.reason])


async def _send_reply(writer: asyncio.StreamWriter, code: int) -> None:
    # The bound address is not meaningful to clients of a refusing or tunnelling proxy; 0.0.0.0:0 is allowed.
    writer.write(bytes([_SOCKS_VERSION, code, 0, _ATYP_IPV4, 0, 0, 0, 0, 0, 0]))
    await writer.drain()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


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
        await _close(upstream_writer)
