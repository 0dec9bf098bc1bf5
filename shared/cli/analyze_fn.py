"""`--analyze-fn MODULE:NAME` for `serve` and `worker`: an async analysis function run instead of the
engine, so the HTTP and queue machinery can be exercised (tests, demos) without Chromium."""

from __future__ import annotations

import argparse
import importlib

from shared.service import AnalyzeFn


def add_analyze_fn_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--analyze-fn",
        metavar="MODULE:NAME",
        default=None,
        help="an async analysis function to run instead of the engine (tests and demos without Chromium)",
    )


def load_analyze_fn(spec: str | None) -> AnalyzeFn | None:
    if not spec:
        return None
    module_name, _, attribute = spec.partition(":")
    function: AnalyzeFn = getattr(importlib.import_module(module_name), attribute)
    return function
