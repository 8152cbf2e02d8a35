"""The shape of the code: core at the bottom, no import cycle between apps, and no app spelling a
region-prefix filter of its own (that is core's: ``core.regions`` and the jurisdiction's ``Scope``)."""

import ast
import pathlib
import re
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[2] / "huxiao"
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


def _modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        rel = path.relative_to(ROOT / app)
        if rel.parts[0] in ("migrations", "tests"):
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node, app, rel) -> list[str]:
    """Dotted names an import statement (at any depth: a function-level import is a dependency too)
    brings in, relative imports resolved against the module's package."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = ["huxiao", app, *rel.parts[:-1]]
        base = package[:len(package) - node.level + 1]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    return [module] + [f"{module}.{a.name}" for a in node.names]  # "from huxiao import hazards"


def app_graph() -> dict:
    """{app: {imported app: ["module.py:line", ...]}} over every module of every app."""
    graph = {app: defaultdict(list) for app in APPS}
    for app in APPS:
        for rel, tree in _modules(app):
            for node in ast.walk(tree):
                for name in _imported(node, app, rel):
                    parts = name.split(".")
                    if parts[0] == "huxiao" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
                        where = f"{rel}:{node.lineno}"
                        if where not in graph[app][parts[1]]:
                            graph[app][parts[1]].append(where)
    return graph


def show(graph) -> str:
    return "\n".join(f"{app} -> " + ", ".join(f"{dep} ({', '.join(sites[:3])}{' …' if len(sites) > 3 else ''})"
                                             for dep, sites in sorted(deps.items()))
                     for app, deps in sorted(graph.items()))


def cycles(graph) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from its smallest app)."""
    found, path = set(), []

    def walk(app):
        if app in path:
            cycle = path[path.index(app):]
            start = cycle.index(min(cycle))
            found.add(tuple(cycle[start:] + cycle[:start]))
            return
        path.append(app)
        for dep in sorted(graph[app]):
            walk(dep)
        path.pop()

    for app in sorted(graph):
        walk(app)
    return [list(c) for c in sorted(found)]


def test_core_is_at_the_bottom_and_apps_have_no_import_cycle():
    graph = app_graph()
    assert "core" in APPS and len(APPS) > 3
    assert not graph["core"], "core imports other apps:\n" + show(graph)
    found = cycles(graph)
    assert not found, "import cycles between apps: " + "; ".join(" -> ".join(c + c[:1]) for c in found) + \
        "\n\nthe app graph:\n" + show(graph)


def test_the_cycle_finder_finds_cycles():
    graph = {"core": {}, "a": {"b": ["x.py:1"]}, "b": {"c": ["y.py:2"]}, "c": {"a": ["z.py:3"], "core": []}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"core": {}, "a": {"core": []}, "b": {"a": [], "core": []}}) == []


REGIONISH = re.compile(r"region|prefix", re.IGNORECASE)


def region_filters(tree) -> list[tuple[int, str]]:
    """``region…__startswith`` lookups and ``.startswith(`` tests on region codes or prefixes in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("__startswith") \
                and REGIONISH.search(node.arg):
            found.append((node.value.lineno, f"{node.arg}="))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and re.fullmatch(r"\w*region\w*__startswith", node.value):
            found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith":
            receiver = ast.unparse(node.func.value)
            if REGIONISH.search(" ".join([receiver, *map(ast.unparse, node.args)])) \
                    or re.search(r"(^|[._])code$", receiver):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_app_outside_core_builds_a_region_prefix_filter_by_hand():
    """Records of a region are ``core.regions.q_within(region)`` / ``in_region(qs, region)``, a code in a
    region is ``core.regions.within(code, region)``, jurisdiction checks are the Scope's: one place to
    change when the prefix scheme does (and to keep on the indexed LIKE)."""
    offenders = [f"{app}/{rel}:{line}: {text}" for app in APPS if app != "core"
                 for rel, tree in _modules(app) for line, text in region_filters(tree)]
    assert offenders == []


def test_the_region_filter_check_sees_what_it_must():
    sample = ast.parse("qs.filter(region_code__startswith=r.prefix)\n"
                       "school.region_code.startswith(c.region_code)\n"
                       "code.startswith(region.code[:4])\n"
                       "{f'{field}__startswith': p, 'region_code__startswith': p}\n"
                       "text.startswith('#')\nqs.filter(month__startswith=m, name__startswith='白城')\n"
                       "header.lower().startswith('bearer ')\n")
    assert sorted(line for line, _text in region_filters(sample)) == [1, 2, 3, 4]
