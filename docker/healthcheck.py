"""The image's HEALTHCHECK: is the role this container runs alive?

HTTP roles (gateway, submit, analyze, result) must answer `GET /healthz` on $PORT, which checks no
dependency: a Redis or Claude outage makes the service unready (`/readyz`), not dead, and restarting it
would not help. The worker serves no HTTP, so probing a port would mark every healthy worker unhealthy;
for it (and for a one-off command such as `cro-analyzer analyze`), alive means the process that
docker/entrypoint.sh recorded still runs. Standard library only, so the probe starts fast and needs
nothing the role might lack.

Exit status 0 = healthy, 1 = unhealthy, as Docker expects.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_ROLE_FILE = "/tmp/cro-analyzer.role"
PROBE_TIMEOUT_S = 3.0
HTTP_ROLES = frozenset({"gateway", "submit", "analyze", "result"})


def recorded_role(role_file: Path) -> tuple[str, int | None]:
    """The role and PID the entrypoint recorded; else the role FUNCTION_TARGET names, PID unknown."""
    try:
        role, pid = role_file.read_text(encoding="utf-8").split()
        return role, int(pid)
    except (OSError, ValueError):
        return os.environ.get("FUNCTION_TARGET", "gateway"), None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthz_ok(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=PROBE_TIMEOUT_S) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def healthy(role: str, pid: int | None, port: int) -> bool:
    if role in HTTP_ROLES:
        return healthz_ok(port)
    return pid is not None and process_alive(pid)


def main() -> int:
    role, pid = recorded_role(Path(os.environ.get("CRO_ROLE_FILE", DEFAULT_ROLE_FILE)))
    return 0 if healthy(role, pid, int(os.environ.get("PORT", "8080"))) else 1


if __name__ == "__main__":
    sys.exit(main())
