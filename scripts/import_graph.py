#!/usr/bin/env python
"""Build the import graph of the autogen package from its source (``ast``; nothing is imported) and
report import cycles.

Every ``import`` counts, at the top of a module or inside a function; imports under
``if TYPE_CHECKING:`` are type-only and left out unless ``--type-checking`` is given.

    python scripts/import_graph.py                     # cycles between packages (events, io, io.processors, testing, ...)
    python scripts/import_graph.py --modules           # also the module-level cycles
    python scripts/import_graph.py --from autogen.io   # what a package imports, by target package
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the autogen package: dotted name -> file."""
    names = {}
    for path in sorted((root / "autogen").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, type_checking: bool, top_level_only: bool) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test) and not type_checking:
            for child in node.orelse:
                visit(child)
            return
        if top_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(root: Path = ROOT, type_checking: bool = False, top_level_only: bool = False) -> dict[str, set[str]]:
    """module -> the autogen modules it imports (``from pkg import name`` counts as ``pkg.name`` when
    that is a module, else as ``pkg``). ``top_level_only``: only what importing the module runs
    (imports inside functions left out)."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8")), type_checking, top_level_only):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:  # `import a.b.c` of a non-module: its package
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


# Subpackages reported on their own; any other subpackage counts as part of its parent (the parts
# of the agentchat core, conversable/ and groupchat/, are the core).
SEPARATE = ("autogen.io.processors", "autogen.agentchat.group", "autogen.agentchat.contrib", "autogen.agentchat.remote")


def package_of(module: str) -> str:
    """The package a module belongs to, as this report groups them: autogen.<x>, or one of SEPARATE."""
    for package in SEPARATE:
        if module == package or module.startswith(package + "."):
            return package
    return ".".join(module.split(".")[:2])


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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
                        components.append(sorted(component))
    return components


def package_graph(graph: dict[str, set[str]]) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """package -> imported package -> the (module, imported module) edges behind it."""
    packages: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for module, targets in graph.items():
        for target in targets:
            a, b = package_of(module), package_of(target)
            if a != b:
                packages[a][b].append((module, target))
    return packages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--type-checking", action="store_true", help="count imports under `if TYPE_CHECKING:`")
    parser.add_argument("--modules", action="store_true", help="also list module-level cycles")
    parser.add_argument("--from", dest="source", help="list what this package imports")
    args = parser.parse_args()
    graph = import_graph(type_checking=args.type_checking)
    packages = package_graph(graph)
    if args.source:
        for target, edges in sorted(packages.get(args.source, {}).items()):
            print(f"{args.source} -> {target}")
            for module, imported in sorted(edges):
                print(f"    {module} -> {imported}")
        return 0
    found = False
    for component in strongly_connected({p: set(t) for p, t in packages.items()}):
        found = True
        print("package cycle:", " <-> ".join(component))
        members = set(component)
        for a in component:
            for b, edges in sorted(packages[a].items()):
                if b in members:
                    for module, imported in sorted(edges):
                        print(f"    {module} -> {imported}")
    if args.modules:
        for component in strongly_connected(graph):
            found = True
            print("module cycle:", ", ".join(component))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
