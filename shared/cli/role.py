"""What the long-running roles (`serve`, `worker`) share: the `--analyze-fn` option, and their start:
the settings read and validated (a wrong value ends the process with exit 2 and the reason), JSON
logging on, and the analysis function chosen."""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass

from pydantic import ValidationError

from shared.cli.options import EXIT_BAD_INPUT
from shared.config import Settings, get_settings
from shared.logs import configure_logging
from shared.service import AnalyzeFn

# A configuration the service cannot start with is bad input, as for the analysing commands.
EXIT_CONFIG = EXIT_BAD_INPUT


def add_role_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--analyze-fn",
        metavar="MODULE:NAME",
        default=None,
        help="an async analysis function to run instead of the engine (tests and demos without Chromium)",
    )


@dataclass(frozen=True)
class RoleStart:
    settings: Settings
    analyze: AnalyzeFn | None


def start_role(args: argparse.Namespace) -> RoleStart | None:
    """The role's settings and analysis function, logging configured; None (after saying why) when the
    configuration is wrong."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"error: configuration: {exc}")
        return None
    configure_logging(settings.log_level)
    return RoleStart(settings=settings, analyze=load_analyze_fn(args.analyze_fn))


def load_analyze_fn(spec: str | None) -> AnalyzeFn | None:
    if not spec:
        return None
    module_name, _, attribute = spec.partition(":")
    function: AnalyzeFn = getattr(importlib.import_module(module_name), attribute)
    return function
