"""The layers of the code (docs/architecture.md, "Layers"), read from the source with `ast`:

- foundation/ (the ground floor) imports none of the apps nor the project;
- the apps (programmes, calls, projects, ncp, api, alerts) never import `portal`, the
  project (settings are read through `django.conf.settings`);
- each app imports only from its own layer and those below (`LAYERS`), but for the one
  upward import listed in `UPWARD_KEPT`;
- the import graph of all first-party code has no cycle, counting the imports inside
  functions, which only hide a cycle from the interpreter.

Migrations are left out: they name apps by their labels, and Django loads them apart.
"""

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION = "foundation"
PROJECT = "portal"
APPS = ("programmes", "calls", "projects", "ncp", "api", "alerts")
FIRST_PARTY = (FOUNDATION, *APPS, PROJECT)
# From the ground up; a package may import its own layer and those below it.
LAYERS = (
    (FOUNDATION,),
    ("programmes",),
    ("calls",),
    ("projects",),
    ("ncp", "api", "alerts"),
    (PROJECT,),
)
# The calls' services write the partners' webhook events (api/webhooks/events.py) in the
# transaction of the change they report (the outbox): kept until the events have a home
# below calls.
UPWARD_KEPT = [
    "calls.services imports api.webhooks",
    "calls.services imports api.webhooks.events",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """Every first-party module (dotted name) and its file, migrations left out."""
    return {
        _module_name(path): path
        for package in FIRST_PARTY
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


def _imported(name: str, path: Path) -> set[str]:
    """The dotted names a module imports anywhere in it, relative imports resolved;
    `from a import b` names `a.b` (which may be a module or a name in `a`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _known_module(name: str, modules: dict[str, Path]) -> str | None:
    """The first-party module `name` is, or is in (`calls.models.Call` is in
    `calls.models`); None for anything else (Django, the standard library)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


@cache
def import_graph() -> dict[str, set[str]]:
    """Each first-party module and the first-party modules it imports (read once)."""
    modules = _sources()
    graph = {}
    for name, path in modules.items():
        targets = {_known_module(imported, modules) for imported in _imported(name, path)}
        graph[name] = {target for target in targets if target is not None and target != name}
    return graph


def _top(module: str) -> str:
    return module.partition(".")[0]


def _imports_of(packages, *, forbidden) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if _top(module) in packages
        for target in targets
        if _top(target) in forbidden
    )


def test_foundation_imports_no_app_and_not_the_project():
    upward = _imports_of({FOUNDATION}, forbidden={*APPS, PROJECT})
    assert upward == [], "\n".join(upward)


def test_no_app_imports_the_project():
    upward = _imports_of(set(APPS), forbidden={PROJECT})
    assert upward == [], "\n".join(upward)


def test_each_app_imports_its_own_layer_and_those_below():
    upward = [
        found
        for floor, packages in enumerate(LAYERS)
        for found in _imports_of(set(packages), forbidden=_above(floor))
    ]
    assert upward == UPWARD_KEPT, "\n".join(upward)


def _above(floor: int) -> set[str]:
    return {package for packages in LAYERS[floor + 1 :] for package in packages}


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group, member = set(), None
                    while member != node:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                    groups.append(group)
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(graph[target]))))
            elif target in on_stack:
                low[node] = min(low[node], index[target])
    return [group for group in groups if len(group) > 1]


def _chain(group: set[str], graph: dict[str, set[str]]) -> str:
    """One cycle through `group`, readable: "a -> b -> c -> a" (a shortest one back to
    the group's first module, found breadth first)."""
    first = min(group)
    paths = {first: [first]}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == first:
                return " -> ".join([*paths[node], first])
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {first}")  # a strongly connected group has one


def import_cycles() -> list[tuple[set[str], str]]:
    """Each group of modules that import each other, with one cycle through it."""
    graph = import_graph()
    return [(group, _chain(group, graph)) for group in _strongly_connected(graph)]


def test_no_import_cycle():
    cycles = [chain for _, chain in import_cycles()]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_and_the_import_reader(tmp_path):
    """The finder on a graph with two cycles and a module outside them; the reader on
    a relative import and one inside a function."""
    graph = {
        "a.one": {"a.two"},
        "a.two": {"a.three"},
        "a.three": {"a.one"},
        "b.x": {"b.y"},
        "b.y": {"b.x", "a.one"},
        "c.alone": {"a.one"},
    }
    found = sorted(_chain(group, graph) for group in _strongly_connected(graph))
    assert found == ["a.one -> a.two -> a.three -> a.one", "b.x -> b.y -> b.x"]

    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "mod.py"
    source.write_text("from . import sibling\n\ndef later():\n    from .other import thing\n")
    assert _imported("pkg.mod", source) == {"pkg", "pkg.sibling", "pkg.other", "pkg.other.thing"}
