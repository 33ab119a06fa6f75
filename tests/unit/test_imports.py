"""The rooms and their arrows, read from the source with ``ast`` (issue 28): no import circles, no upward arrows.

Every ``import`` counts, at the top of a module or inside a function (a deferred import is still an arrow;
only ``if TYPE_CHECKING:`` blocks are left out). A module importing its own package (``ledger.handlers.payments``
taking ``handles`` from ``ledger.handlers``, whose ``__init__`` imports the families to register them) is the
package idiom, not an arrow between rooms, and is not counted.

The arrows allowed: ``cli`` → ``app``, ``web`` (``serve``), ``presentation``, ``projections``, ``ledger``;
``app`` (the composition root) → ``projections``, ``ledger``; ``web`` → ``presentation``, ``projections``,
``ledger``; ``presentation`` → ``projections`` (the rows' shapes), ``ledger``; ``projections`` → ``ledger``;
``ledger`` → nothing of ours.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("ledger", "projections", "app", "presentation", "cli", "web")
MAY_IMPORT = {
    "ledger": {"ledger"},
    "projections": {"projections", "ledger"},
    "app": {"app", "projections", "ledger"},
    "presentation": {"presentation", "projections", "ledger"},
    "web": {"web", "presentation", "projections", "ledger"},
    "cli": {"cli", "app", "web", "presentation", "projections", "ledger"},
}
FORBIDDEN_OUTSIDE = {  # third-party packages a room must not import
    "ledger": {"sqlalchemy", "click", "structlog", "starlette", "jinja2"},
    "presentation": {"click", "sqlalchemy", "starlette"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for room in ROOMS for p in (ROOT / room).rglob("*.py")}


def imported(path: Path) -> set[str]:
    """Every module name ``path`` imports (absolute), outside ``if TYPE_CHECKING:``."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = package[: len(package) - child.level + 1] if child.level else []
                target = ".".join([*base, *([child.module] if child.module else [])])
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


@functools.cache
def graph() -> dict[str, set[str]]:
    edges = {}
    for name, path in MODULES.items():
        ours = {m for m in imported(path) if m in MODULES and m != name}
        edges[name] = {m for m in ours if not name.startswith(m + ".")}  # a module's own package: the idiom
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_finder_sees_a_circle_and_a_deferred_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    deferred = imported(MODULES["cli.output"])  # ``xlsx`` imports presentation.sheets inside the function
    assert "presentation.sheets" in deferred


def test_no_import_circles():
    assert cycles(graph()) == []


def test_no_upward_arrows_and_no_web_to_cli():
    wrong = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        for target in targets
        if target.partition(".")[0] not in MAY_IMPORT[name.partition(".")[0]]
    ]
    assert wrong == []


def test_the_domain_and_the_presentation_stay_free_of_frameworks():
    wrong = [
        f"{name} imports {target}"
        for name, path in MODULES.items()
        for target in imported(path)
        if target.partition(".")[0] in FORBIDDEN_OUTSIDE.get(name.partition(".")[0], set())
    ]
    assert wrong == []
