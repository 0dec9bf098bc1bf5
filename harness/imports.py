"""The import graph of the `shared` package, read from the source (nothing is imported): which module
imports which, the lazy imports (inside functions), and the cycles between modules and between packages.

The layering test (tests/test_architecture.py) checks ARCHITECTURE.md's rules against it;
`python -m harness.imports` prints the figures.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.paths import REPO_ROOT

ROOT_PACKAGE = "shared"


@dataclass
class ImportGraph:
    modules: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    lazy: list[tuple[str, str]] = field(default_factory=list)
    type_only: set[tuple[str, str]] = field(default_factory=set)

    @property
    def edge_count(self) -> int:
        return sum(len(targets) for targets in self.edges.values())

    def imports_of(self, module: str) -> set[str]:
        return self.edges.get(module, set())

    def module_cycles(self) -> list[list[str]]:
        return [sorted(group) for group in _strongly_connected(self.edges) if len(group) > 1]

    def package_cycles(self, depth: int = 2) -> list[list[str]]:
        packages: dict[str, set[str]] = {}
        for source, targets in self.edges.items():
            for target in targets:
                a, b = _package(source, depth), _package(target, depth)
                if a != b:
                    packages.setdefault(a, set()).add(b)
        return [sorted(group) for group in _strongly_connected(packages) if len(group) > 1]


def module_name(path: Path, root: Path = REPO_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_graph(root: Path = REPO_ROOT, package: str = ROOT_PACKAGE) -> ImportGraph:
    graph = ImportGraph()
    files = sorted((root / package).rglob("*.py"))
    graph.modules = {module_name(path, root) for path in files}
    for path in files:
        source = module_name(path, root)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_checking = _type_checking_nodes(tree)
        for node, nested in _imports(tree):
            for target in _targets(node, source, is_package, graph.modules):
                if target == source:
                    continue
                if id(node) in type_checking:
                    graph.type_only.add((source, target))
                    continue
                graph.edges.setdefault(source, set()).add(target)
                if nested:
                    graph.lazy.append((source, target))
    return graph


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    def walk(node: ast.AST, nested: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, nested
            inside = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from walk(child, inside)

    yield from walk(tree, False)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.update(id(child) for child in ast.walk(node) if isinstance(child, ast.Import | ast.ImportFrom))
    return found


def _targets(node: ast.Import | ast.ImportFrom, source: str, is_package: bool, modules: set[str]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = source.split(".") if is_package else source.split(".")[:-1]
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        names = [f"{base}.{alias.name}" for alias in node.names] + [base]
    for name in names:
        # `from shared.x import y` names module shared.x.y when there is one, else shared.x.
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            yield name
            if isinstance(node, ast.ImportFrom):
                return


def _package(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if node not in index:
            visit(node)
    return groups


def main() -> None:
    graph = read_graph()
    print(f"modules {len(graph.modules)}, internal imports {graph.edge_count}, lazy imports {len(graph.lazy)}")
    for source, target in sorted(graph.lazy):
        print(f"  lazy: {source} -> {target}")
    print(f"module cycles {len(graph.module_cycles())}: {graph.module_cycles()}")
    print(f"package cycles {len(graph.package_cycles())}: {graph.package_cycles()}")


if __name__ == "__main__":
    main()
