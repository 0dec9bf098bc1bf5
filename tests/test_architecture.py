"""The import layering ARCHITECTURE.md states, checked on the import graph read from the source."""

from __future__ import annotations

import ast

import pytest

from harness.imports import ImportGraph, read_graph
from harness.paths import REPO_ROOT

ADAPTERS = ("shared.http", "shared.cli")
ANALYSIS = ("shared.capture", "shared.field", "shared.rules", "shared.llm", "shared.report", "shared.engine")
USE_CASES = ("shared.service", "shared.webhooks", "shared.batches", "shared.sites", "shared.compare")
# package -> what it may not import: a package and its modules; "shared" is all of ours but itself.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "shared.models": ("shared",),
    "shared.settings": (
        "shared.config",
        "shared.netguard",
        "shared.store",
        "shared.queue",
        *ANALYSIS,
        *USE_CASES,
        *ADAPTERS,
    ),
    "shared.rules": ("shared.capture", "shared.config", "shared.store", "shared.queue", *USE_CASES, *ADAPTERS),
    "shared.capture": (
        "shared.store",
        "shared.queue",
        "shared.rules",
        "shared.llm",
        "shared.report",
        *USE_CASES,
        *ADAPTERS,
    ),
    "shared.store": ("shared.netguard", "shared.queue", *ANALYSIS, *USE_CASES, *ADAPTERS),
    "shared.queue": (*ANALYSIS, *USE_CASES, *ADAPTERS),
    "shared.netguard": ("shared.store", "shared.queue", *ANALYSIS, *USE_CASES, *ADAPTERS),
    "shared.webhooks": ("shared.service", "shared.batches", "shared.sites", "shared.compare", *ADAPTERS),
    "shared.batches": ("shared.service", "shared.sites", "shared.compare", *ADAPTERS),
    "shared.service": ("shared.sites", "shared.compare", *ADAPTERS),
}


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return read_graph()


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_below_it(graph: ImportGraph, package: str) -> None:
    broken = sorted(
        f"{source} -> {target}"
        for source in graph.modules
        if _within(source, package)
        for target in graph.imports_of(source)
        if not _within(target, package) and any(_within(target, rule) for rule in FORBIDDEN[package])
    )
    assert broken == [], f"{package} reaches up: {broken}"


def test_shared_has_no_import_cycle(graph: ImportGraph) -> None:
    assert graph.module_cycles() == [] and graph.package_cycles() == []


def test_the_reader_sees_imports_and_cycles(graph: ImportGraph) -> None:
    # What the rules stand on: a known downward import is in the graph, and a cycle is found as one.
    assert "shared.service" in graph.imports_of("shared.http.endpoints.results")
    assert "shared.engine" in graph.imports_of("shared.service") and ("shared.service", "shared.engine") in graph.lazy
    fake = ImportGraph(modules={"shared.a", "shared.b"}, edges={"shared.a": {"shared.b"}, "shared.b": {"shared.a"}})
    assert fake.module_cycles() == [["shared.a", "shared.b"]]


def test_benchmarks_import_nothing_of_the_tests() -> None:
    imported = set()
    for path in sorted((REPO_ROOT / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    assert [pair for pair in sorted(imported) if pair[1].split(".")[0] == "tests"] == []
