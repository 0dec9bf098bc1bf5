"""The explicit exceptions to the policy: `host:port` endpoints tests and local demos may reach."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.netguard.addresses import IPAddress, normalise_host


@dataclass(frozen=True)
class Allowlist:
    endpoints: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """Reads `host:port` entries (IPv6 as `[::1]:8080`); a bad entry is a configuration error."""
        endpoints: set[tuple[str, int]] = set()
        for entry in entries:
            host, sep, port = entry.strip().rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"allowlist entry {entry!r} is not host:port")
            endpoints.add((normalise_host(host), int(port)))
        return cls(frozenset(endpoints))

    def allows(self, host: str, port: int, address: IPAddress | None = None) -> bool:
        """An endpoint is allowed when its name or the address it resolved to is listed with this port."""
        if (normalise_host(host), port) in self.endpoints:
            return True
        return address is not None and (str(address), port) in self.endpoints
