"""A DNS sentinel: the tests' own resolver on 127.0.0.1:53, inside a network namespace of their own.

A lookup that bypasses the egress guard (Chromium resolving a name itself, for WebRTC say) goes to the
system resolver, which no loopback sentinel on a TCP port can see. Here the scenario runs in a child
process under `unshare -m -n`: a fresh network namespace with only `lo`, and private bind mounts of
/etc/resolv.conf (`nameserver 127.0.0.1`) and /etc/hosts, so every resolver in it, c-ares, glibc and
Chromium's own, asks `FakeDNS`. It logs every query (name, type, transport, when) and answers by rules:
chosen addresses, slowly, never, or NXDOMAIN.

    result = run_in_netns("tests.test_x:scenario", {"rules": [...], ...})

runs `async def scenario(lab: DNSLab) -> dict` in the namespace and returns what it returned, with the
queries the sentinel saw under "queries". Needs root (or CAP_SYS_ADMIN) and `unshare`; `require_netns()`
skips the test with the reason where they are missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import functools
import importlib
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

REPO = Path(__file__).resolve().parents[2]
RESULT_MARK = "DNS-SENTINEL-RESULT "
CHILD_TIMEOUT_S = 240.0
NEVER = -1.0
"""A rule delay meaning: never answer (the query stays unanswered until the resolver gives up)."""


@dataclass(frozen=True)
class Rule:
    """Names matching `pattern` (fnmatch, lower case, no trailing dot) get `addresses` after `delay_s`
    (NEVER: no answer); no addresses is NXDOMAIN."""

    pattern: str
    addresses: tuple[str, ...] = ()
    delay_s: float = 0.0


@dataclass(frozen=True)
class Query:
    name: str
    type: str
    transport: str
    at: float  # seconds since the sentinel started


@dataclass
class FakeDNS:
    rules: list[Rule]
    queries: list[Query] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 53

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-dns", daemon=True)

    def seen(self, pattern: str = "*") -> list[Query]:
        with self._lock:
            return [query for query in self.queries if fnmatch.fnmatch(query.name, pattern)]

    def __enter__(self) -> FakeDNS:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _listen(self) -> None:
        dns_server = self

        class Datagrams(asyncio.DatagramProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                def send(wire: bytes) -> None:
                    self.transport.sendto(wire, addr)  # type: ignore[attr-defined]

                dns_server._received(data, "udp", send)

        async def stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                while True:
                    length = int.from_bytes(await reader.readexactly(2), "big")
                    data = await reader.readexactly(length)

                    def send(wire: bytes) -> None:
                        if not writer.is_closing():
                            writer.write(len(wire).to_bytes(2, "big") + wire)

                    self._received(data, "tcp", send)

        await self._loop.create_datagram_endpoint(Datagrams, local_addr=(self.host, self.port))
        await asyncio.start_server(stream, self.host, self.port)

    def _received(self, data: bytes, transport: str, send: Callable[[bytes], None]) -> None:
        try:
            request = dns.message.from_wire(data)
        except Exception:
            return
        question = request.question[0]
        name = question.name.to_text().rstrip(".").lower()
        qtype = dns.rdatatype.to_text(question.rdtype)
        with self._lock:
            self.queries.append(Query(name, qtype, transport, round(time.monotonic() - self._started, 3)))
        rule = next((rule for rule in self.rules if fnmatch.fnmatch(name, rule.pattern)), None)
        if rule is not None and rule.delay_s == NEVER:
            return
        response = _answer(request, question, rule)
        if rule is not None and rule.delay_s > 0:
            self._loop.call_later(rule.delay_s, send, response)
        else:
            send(response)


def _answer(request: dns.message.Message, question: dns.rrset.RRset, rule: Rule | None) -> bytes:
    response = dns.message.make_response(request)
    response.flags |= dns.flags.RA
    if rule is None or not rule.addresses:
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()
    family = 4 if question.rdtype == dns.rdatatype.A else 6 if question.rdtype == dns.rdatatype.AAAA else 0
    matching = [a for a in rule.addresses if ipaddress.ip_address(a).version == family]
    if matching:
        # TTL 0: an answer is never cached, so a rule's next answer is what the next lookup gets.
        response.answer.append(dns.rrset.from_text_list(question.name, 0, "IN", question.rdtype, matching))
    return response.to_wire()


# --- the namespace -----------------------------------------------------------------------------------


@functools.cache
def netns_unavailable() -> str | None:
    """Why a scenario cannot run in a namespace of its own here, or None when it can."""
    if shutil.which("unshare") is None or shutil.which("ip") is None or shutil.which("mount") is None:
        return "unshare, ip or mount is not installed"
    if os.geteuid() != 0:
        return "not root: unshare -m -n (a network namespace with its own resolv.conf) needs CAP_SYS_ADMIN"
    probe = subprocess.run(["unshare", "-m", "-n", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"unshare -m -n is not permitted here: {probe.stderr.strip()[:200]}"
    return None


def require_netns() -> None:
    reason = netns_unavailable()
    if reason is not None:
        pytest.skip(f"DNS SENTINEL NOT RUN: {reason}; these tests cannot see lookups that bypass the guard")


def run_in_netns(target: str, config: dict[str, Any], timeout_s: float = CHILD_TIMEOUT_S) -> dict[str, Any]:
    """Runs the scenario `module:function` in a fresh network namespace; returns its result."""
    require_netns()
    done = subprocess.run(
        ["unshare", "-m", "-n", "--", sys.executable, "-m", "tests.support.dns_sentinel", target, json.dumps(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode != 0 or not lines:
        raise AssertionError(f"the scenario {target} failed (exit {done.returncode}):\n{done.stderr[-6000:]}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix(RESULT_MARK))
    return result


@dataclass
class DNSLab:
    """What a scenario gets: its config and the sentinel, running in the namespace."""

    config: dict[str, Any]
    dns: FakeDNS


def _enter_namespace(scratch: Path) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    resolv, hosts = scratch / "resolv.conf", scratch / "hosts"
    resolv.write_text("nameserver 127.0.0.1\n", encoding="ascii")
    hosts.write_text("127.0.0.1 localhost\n::1 localhost\n", encoding="ascii")
    for source, target in ((resolv, "/etc/resolv.conf"), (hosts, "/etc/hosts")):
        subprocess.run(["mount", "--bind", str(source), target], check=True)


def _child(target: str, config: dict[str, Any]) -> None:
    module_name, function_name = target.split(":")
    scenario: Callable[[DNSLab], Awaitable[dict[str, Any]]] = getattr(
        importlib.import_module(module_name), function_name
    )
    rules = [Rule(r["pattern"], tuple(r.get("addresses", ())), float(r.get("delay_s", 0))) for r in config["rules"]]
    with tempfile.TemporaryDirectory() as scratch:
        _enter_namespace(Path(scratch))
        with FakeDNS(rules) as fake:
            result = asyncio.run(scenario(DNSLab(config, fake)))
            result["queries"] = [asdict(query) for query in fake.seen()]
    print(RESULT_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    _child(sys.argv[1], json.loads(sys.argv[2]))
