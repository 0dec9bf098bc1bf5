"""Running the tools `make image-check` needs: buildah, podman (with its own containers.conf), apt-get."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

# crun cannot set RLIMIT_NOFILE here and runc fails on the default RLIMIT_NPROC; systemd is not PID 1, so
# cgroups are managed directly and events go to a file.
ULIMITS = ("nofile=16384:16384", "nproc=16384:16384")
CONTAINERS_CONF = f"""\
[containers]
default_ulimits = {json.dumps(list(ULIMITS))}

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""
# Each is also the name of its Debian package.
REQUIRED_COMMANDS = ("buildah", "podman", "runc", "debootstrap", "redis-server")
PODMAN_TIMEOUT_S = 120.0
APT_TIMEOUT_S = 900.0
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0  # SIGTERM to exit, for a role and for what runs beside it
POLL_S = 0.25


class ImageCheckError(Exception):
    """One thing the image was to prove did not hold."""


def say(message: str) -> None:
    print(f"image-check: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(command: list[str], *, timeout: float, env: Mapping[str, str] | None = None) -> str:
    """Runs `command`; its stdout, or ImageCheckError with its output."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if result.returncode != 0:
        raise ImageCheckError(
            f"{' '.join(command[:3])} ... exited {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def ensure_tools() -> None:
    """buildah, podman, runc, debootstrap and redis-server: apt-get installs the missing ones (as root)."""
    if os.geteuid() != 0:
        raise ImageCheckError("run as root: buildah, podman and debootstrap need it (sudo make image-check)")
    missing = [command for command in REQUIRED_COMMANDS if shutil.which(command) is None]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise ImageCheckError(f"missing and no apt-get to install them: {', '.join(missing)}")
    say(f"installing {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], timeout=APT_TIMEOUT_S, env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], timeout=APT_TIMEOUT_S, env=env)


@dataclass
class Podman:
    """podman and buildah with this script's containers.conf, leaving the machine's own untouched."""

    conf_dir: Path

    def __post_init__(self) -> None:
        (self.conf_dir / "containers.conf").write_text(CONTAINERS_CONF, encoding="utf-8")
        self.env = {**os.environ, "CONTAINERS_CONF": str(self.conf_dir / "containers.conf")}

    def __call__(self, *args: str, timeout: float = PODMAN_TIMEOUT_S) -> str:
        return run(["podman", *args], timeout=timeout, env=self.env)

    def quietly(self, *args: str) -> int:
        """For cleanup: the exit status only (podman warns here about systemd timers it cannot remove)."""
        command = ["podman", *args]
        return subprocess.run(command, capture_output=True, timeout=PODMAN_TIMEOUT_S, env=self.env).returncode

    def image_exists(self, reference: str) -> bool:
        return self.quietly("image", "exists", reference) == 0


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise ImageCheckError(f"gave up waiting for {what} after {timeout_s:g} s")
        time.sleep(POLL_S)
