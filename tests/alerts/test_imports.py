"""No import cycle inside alerts/, imports inside functions counted too (issue 17): the
sweep queues nothing, its callers do, so that services -> tasks -> sweep stays one way."""

import ast
from pathlib import Path

import alerts

PACKAGE = Path(alerts.__file__).parent


def alerts_modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("alerts", *path.relative_to(PACKAGE).with_suffix("").parts)
        if "migrations" not in parts:
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported(path: Path) -> set[str]:
    """Every absolute import of the module, at any depth, and each `from x import y` as
    both `x` and `x.y` (y may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def import_graph() -> dict[str, set[str]]:
    modules = alerts_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for target in imported(path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            targets.add(target)
        graph[name] = targets - {"", name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` (depth-first), or [] when there is none."""
    done, path = set(), []

    def visit(name: str) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        path.append(name)
        for target in sorted(graph[name]):
            if found := visit(target):
                return found
        path.pop()
        done.add(name)
        return []

    for name in sorted(graph):
        if found := visit(name):
            return found
    return []


def test_the_finder_sees_a_cycle_through_an_import_inside_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_in(graph) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) == []


def test_alerts_modules_import_each_other_without_a_cycle():
    graph = import_graph()
    assert {"alerts.services", "alerts.tasks", "alerts.sweep", "alerts.delivery"} <= set(graph)
    assert cycle_in(graph) == []
