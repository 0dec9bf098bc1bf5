"""The README stays true: its generated tables are current, and every command, flag and link it names exists."""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from pathlib import Path

from shared.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_sections_are_current() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_make_target_named_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert named, "the README names make targets"
    assert named <= targets, f"README names missing make targets: {sorted(named - targets)}"


def test_every_cli_command_and_flag_named_exists() -> None:
    named_commands = set(re.findall(r"cro-analyzer ([a-z]+)", README))
    assert named_commands <= set(COMMANDS), f"unknown commands: {sorted(named_commands - set(COMMANDS))}"
    subparsers = argparse.ArgumentParser().add_subparsers()
    for name in COMMANDS:
        importlib.import_module(f"shared.cli.{name}").add_parser(subparsers)
    known = {
        option for sub in subparsers.choices.values() for action in sub._actions for option in action.option_strings
    }
    usage = re.findall(r"`cro-analyzer [^`]*`", README.replace("\n", " "))
    flags = {flag for text in usage for flag in re.findall(r"(--[a-z-]+)", text)}
    assert flags, "the README shows CLI usage"
    assert flags <= known, f"README names unknown flags: {sorted(flags - known)}"


def test_every_relative_link_points_at_a_file() -> None:
    links = re.findall(r"\]\(((?!https?:|#)[^)#]+)", README)
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, missing
