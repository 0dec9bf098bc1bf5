"""What each settings parameter reads, from the source: the check that a module taking one settings group
(`settings: CaptureSettings`) reads nothing of another, directly, through the attribute it stored it in,
or by handing it to a function that takes another group (tests/test_settings_groups.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from harness.paths import REPO_ROOT
from shared.config import GROUPS

GROUP_NAMES: dict[str, type[BaseModel]] = {group.__name__: group for group in GROUPS}


@dataclass
class SettingsUse:
    where: str
    annotation: str
    reads: set[str] = field(default_factory=set)
    handed_to: set[str] = field(default_factory=set)


def members(group: type[BaseModel]) -> set[str]:
    public = {name for name in vars(group) if not name.startswith("_")}
    return set(group.model_fields) | public


def settings_uses(source: str, where: str) -> list[SettingsUse]:
    """Every parameter of `source` annotated with Settings or a group, with what it reads and is handed to."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    uses = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for arg in function.args.args + function.args.kwonlyargs:
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            if annotation != "Settings" and annotation not in GROUP_NAMES:
                continue
            owner_class = _enclosing(function, parents, ast.ClassDef)
            name = (
                owner_class.name
                if function.name == "__init__" and isinstance(owner_class, ast.ClassDef)
                else function.name
            )
            use = SettingsUse(f"{where}:{name}({arg.arg})", annotation)
            stored = _follow(function, arg.arg, parents, use)
            owner = _enclosing(function, parents, ast.ClassDef)
            if stored and owner is not None:
                for node in ast.walk(owner):
                    if (
                        isinstance(node, ast.Attribute)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == "self"
                        and node.attr in stored
                        and not _is_target(node, parents)
                    ):
                        _classify(node, parents, use)
            uses.append(use)
    return uses


def _follow(function: ast.AST, name: str, parents: dict[ast.AST, ast.AST], use: SettingsUse) -> set[str]:
    stored: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            parent = parents.get(node)
            if isinstance(parent, ast.Assign) and node is parent.value:
                stored.update(t.attr for t in parent.targets if isinstance(t, ast.Attribute))
                continue
            _classify(node, parents, use)
    return stored


def _classify(node: ast.AST, parents: dict[ast.AST, ast.AST], use: SettingsUse) -> None:
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute):
        use.reads.add(parent.attr)
        return
    alias = _alias(node, parents)
    if alias is not None:
        function = _enclosing(node, parents, ast.FunctionDef | ast.AsyncFunctionDef)
        if function is not None:
            _follow(function, alias, parents, use)
            return
    if isinstance(parent, ast.keyword):
        parent = parents.get(parent)
    if isinstance(parent, ast.Call) and node is not parent.func:
        callee = parent.func
        use.handed_to.add(callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "?"))
        return
    use.handed_to.add("?")


def _alias(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """The local name `node` is bound to (`settings = self._settings`, `settings, x = self.settings, y`)."""
    parent = parents.get(node)
    if isinstance(parent, ast.Assign) and node is parent.value and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    if isinstance(parent, ast.Tuple) and isinstance(assign := parents.get(parent), ast.Assign):
        target = assign.targets[0]
        if isinstance(target, ast.Tuple) and isinstance(name := target.elts[parent.elts.index(node)], ast.Name):
            return name.id
    return None


def _enclosing(node: ast.AST, parents: dict[ast.AST, ast.AST], kind: type | tuple[type, ...]) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, kind):
            return node
    return None


def _is_target(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Assign) and node in parent.targets


def group_violations(files: dict[str, str]) -> list[str]:
    """What a parameter annotated with a group reads outside it, or hands to a function taking another."""
    uses = [use for where, source in files.items() for use in settings_uses(source, where)]
    takes: dict[str, set[str]] = {}
    for use in uses:
        function = use.where.rsplit(":", 1)[1].split("(")[0]
        takes.setdefault(function, set()).add(use.annotation)
    problems = []
    for use in uses:
        group = GROUP_NAMES.get(use.annotation)
        if group is None:
            continue
        for read in sorted(use.reads - members(group)):
            problems.append(f"{use.where} takes {use.annotation} but reads {read}")
        for callee in sorted(use.handed_to):
            wanted = takes.get(callee, set())
            # asyncio.to_thread(f, settings) hands it to f, which is checked where it is defined.
            if callee == "to_thread" or wanted == {use.annotation}:
                continue
            takes_words = ", ".join(sorted(wanted)) or "not a function of ours"
            problems.append(f"{use.where} takes {use.annotation} but hands it to {callee} ({takes_words})")
    return problems


def shared_sources(root: Path = REPO_ROOT) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted((root / "shared").rglob("*.py"))
        if "settings" not in path.relative_to(root).parts[1:2]
    }
