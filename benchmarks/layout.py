"""The house as a reader meets it: modules, the imports between them, circles, and what is too long.

    python benchmarks/layout.py            # the summary table
    python benchmarks/layout.py --arrows   # every import arrow, module to module

What is measured (tests/test_layout.py pins the goals of issue 19):

- **rooms**: the stage packages (``corroborate/ingest/``, ``text/``, ...) and the top-level modules
  (the ground: ``schema``, ``errors``, ``config``, ...; the wiring: ``pipeline``, ``cli``).
- **arrows**: a room importing another (any module of it), counted once per pair of rooms; also
  module-to-module arrows. Every ``import``/``from ... import`` of the package counts, wherever it
  stands in the file (a function-level or ``TYPE_CHECKING`` import is still an arrow).
- **circles**: strongly connected groups of modules (and of rooms) in the arrow graph.
- **back up**: an arrow from a room to a room declared later in :data:`FLOORS` (a stage importing a
  later stage, or the ground importing a stage).
- **long functions**: over 80 lines or over 8 parameters (``self``/``cls`` not counted).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

PACKAGE = "corroborate"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

#: the rooms from the ground up, in the order the data flows; a room may import only rooms before it
FLOORS: tuple[str, ...] = (
    # the ground: imports nothing of the package but the ground below it
    "errors", "schema", "ties", "neighbours", "store", "times", "progress", "background", "atomic", "lexicons", "stage_results",
    "engines",
    # the stages, in the order the data flows
    "embed", "ingest", "text", "grouping", "scoring",
    # the settings (they configure the stages, which never read them), the report, the wiring
    "config", "report", "stages", "pipeline", "training", "cli", "__init__", "__main__",
)

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_PARAMETERS = 8


@dataclass
class Module:
    name: str                       # dotted, without the package: "scoring.consensus"
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)           # dotted module names it imports
    late_imports: list[str] = field(default_factory=list)     # imports inside a function or TYPE_CHECKING


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: Module, node: ast.ImportFrom | ast.Import, known: set[str]) -> Iterator[str]:
    """The package modules an import statement reaches (``from .x import y`` may name module ``x.y``)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(PACKAGE + "."):
                yield alias.name[len(PACKAGE) + 1:]
        return
    if node.level == 0:
        if not (node.module or "").startswith(PACKAGE):
            return
        base = (node.module or "")[len(PACKAGE):].lstrip(".")
    else:
        here = module.name.split(".") if module.name != "__init__" else []
        is_package = module.path.name == "__init__.py"
        anchor = here if is_package else here[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
        base = ".".join([*anchor, node.module] if node.module else anchor)
    for alias in node.names:
        child = f"{base}.{alias.name}" if base else alias.name
        if child in known:
            yield child
        elif base:
            yield base
        else:
            yield "__init__"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def read_modules(root: Path = ROOT) -> dict[str, Module]:
    paths = sorted(root.rglob("*.py"))
    modules = {}
    for path in paths:
        name = _module_name(path)
        modules[name] = Module(name, path, len(path.read_text(encoding="utf-8").splitlines()))
    known = set(modules)
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        late: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
                    isinstance(node, ast.If) and _is_type_checking(node)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)) and inner is not node:
                        late.add(id(inner))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = {t for t in _resolve(module, node, known) if t != module.name}
                module.imports |= {t for t in targets if t in known}
                if id(node) in late and targets:
                    module.late_imports.append(f"line {node.lineno}: " + ", ".join(sorted(targets)))
    return modules


def room_of(name: str) -> str:
    return name.split(".")[0]


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of more than one node that reach each other (strongly connected components)."""
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    index = {n: i for i, n in enumerate(nodes)}
    rows = [index[a] for a, ts in edges.items() for b in ts]
    cols = [index[b] for a, ts in edges.items() for b in ts]
    graph = csr_matrix(([1] * len(rows), (rows, cols)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for node, label in zip(nodes, labels, strict=True):
        groups.setdefault(int(label), []).append(node)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))


@dataclass(frozen=True)
class LongFunction:
    where: str
    lines: int
    parameters: int


def long_functions(modules: dict[str, Module]) -> list[LongFunction]:
    found = []
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            args = node.args
            names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
            names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
            params = len([n for n in names if n not in ("self", "cls")])
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES or params > MAX_PARAMETERS:
                found.append(LongFunction(f"{module.name}.{node.name}", length, params))
    return sorted(found, key=lambda f: f.where)


@dataclass
class Layout:
    modules: dict[str, Module]
    module_arrows: dict[str, set[str]]
    room_arrows: dict[str, set[str]]
    module_circles: list[list[str]]
    room_circles: list[list[str]]
    back_up: list[tuple[str, str]]
    unplaced: list[str]
    long_modules: list[tuple[str, int]]
    long_functions: list[LongFunction]

    @property
    def late_imports(self) -> dict[str, list[str]]:
        return {m.name: m.late_imports for m in self.modules.values() if m.late_imports}


def measure(root: Path = ROOT) -> Layout:
    modules = read_modules(root)
    module_arrows = {m.name: set(m.imports) for m in modules.values()}
    room_arrows: dict[str, set[str]] = {}
    for name, targets in module_arrows.items():
        room_arrows.setdefault(room_of(name), set()).update(
            room_of(t) for t in targets if room_of(t) != room_of(name))
    floor = {room: i for i, room in enumerate(FLOORS)}
    unplaced = sorted(r for r in room_arrows if r not in floor)
    back_up = sorted((a, b) for a, ts in room_arrows.items() for b in ts
                     if a in floor and b in floor and floor[b] > floor[a])
    return Layout(modules=modules, module_arrows=module_arrows, room_arrows=room_arrows,
                  module_circles=circles(module_arrows), room_circles=circles(room_arrows),
                  back_up=back_up, unplaced=unplaced,
                  long_modules=sorted((m.name, m.lines) for m in modules.values() if m.lines > MAX_MODULE_LINES),
                  long_functions=long_functions(modules))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrows", action="store_true", help="list every module-to-module import")
    args = parser.parse_args(argv)
    layout = measure()
    n_module_arrows = sum(len(t) for t in layout.module_arrows.values())
    n_room_arrows = sum(len(t) for t in layout.room_arrows.values())
    print(f"modules {len(layout.modules)}, module arrows {n_module_arrows}, "
          f"module circles {len(layout.module_circles)}")
    for group in layout.module_circles:
        print(f"  circle of {len(group)}: {', '.join(group)}")
    print(f"rooms {len(layout.room_arrows)}, room arrows {n_room_arrows}, room circles {len(layout.room_circles)}, "
          f"back up {len(layout.back_up)}")
    for group in layout.room_circles:
        print(f"  room circle: {', '.join(group)}")
    for a, b in layout.back_up:
        print(f"  back up: {a} -> {b}")
    if layout.unplaced:
        print(f"  rooms not in FLOORS: {', '.join(layout.unplaced)}")
    for name, found in layout.late_imports.items():
        print(f"  late import in {name}: {'; '.join(found)}")
    print(f"modules over {MAX_MODULE_LINES} lines: "
          + (", ".join(f"{n} ({k})" for n, k in layout.long_modules) or "none"))
    print(f"functions over {MAX_FUNCTION_LINES} lines or {MAX_PARAMETERS} parameters: "
          + (", ".join(f"{f.where} ({f.lines} lines, {f.parameters} params)" for f in layout.long_functions)
             or "none"))
    if args.arrows:
        for name in sorted(layout.module_arrows):
            for target in sorted(layout.module_arrows[name]):
                print(f"{name} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
