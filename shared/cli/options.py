"""What the commands that analyse pages (analyze, analyze-site, compare) share: the page options and the
settings they run with, plus the exit codes all of them use."""

from __future__ import annotations

import argparse
from typing import get_args

from shared.config import Settings, get_settings
from shared.models.facts import DEVICES, Device
from shared.netguard.allowlist import Allowlist

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NOT_ANALYSED = 3


def parse_devices(text: str) -> tuple[Device, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in chosen if name not in get_args(Device)]
    if not chosen or unknown:
        raise argparse.ArgumentTypeError(f"devices must be a comma-separated subset of {','.join(DEVICES)}")
    return chosen  # type: ignore[return-value]


def add_page_options(parser: argparse.ArgumentParser, *, scope: str = "") -> None:
    """--devices, --no-llm and --allow-host; `scope` says where they apply ("for URLs: ")."""
    parser.add_argument(
        "--devices", default=",".join(DEVICES), type=parse_devices, help=f"{scope}desktop,mobile (default both)"
    )
    parser.add_argument("--no-llm", action="store_true", help=f"{scope}rules only, no Claude")
    parser.add_argument(
        "--allow-host",
        metavar="HOST:PORT",
        action="append",
        default=[],
        help="let the browser reach this non-public endpoint (repeatable; for local pages)",
    )


def command_settings(allow_hosts: list[str]) -> Settings:
    settings = get_settings()
    if not allow_hosts:
        return settings
    Allowlist.parse(allow_hosts)  # a malformed --allow-host is bad input, said before any work starts
    return settings.model_copy(update={"allowed_private_hosts": [*settings.allowed_private_hosts, *allow_hosts]})
