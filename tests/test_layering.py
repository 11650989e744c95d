"""The route the data takes reads top-down in the imports: no module imports a later
stage, and no two modules import each other, directly, through a chain, or lazily
inside a function (every import statement counts, wherever it is)."""

import ast
from pathlib import Path

import pipeline

ROOT = Path(pipeline.__file__).parent
# The stages in the order an episode goes through them, then what drives them.
# Every other module (config, contracts, episode, script, tts, asr, audio, numbers,
# ...) is a library of rank 0: it may import only other libraries.
STAGES = [
    ("pipeline.ingest", 1), ("pipeline.condense", 2), ("pipeline.synthesize", 3),
    ("pipeline.transcribe", 4), ("pipeline.overlap", 4), ("pipeline.verify", 5),
    ("pipeline.heal", 6), ("pipeline.publish", 7), ("pipeline.build", 8),
    ("pipeline.batch", 9), ("pipeline.studio", 9), ("pipeline.cli", 10), ("pipeline.__main__", 10),
]


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    out = {}
    for f in ROOT.rglob("*.py"):
        parts = list(f.relative_to(ROOT.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (f, is_pkg)
    return out


def imported(name: str, is_pkg: bool, node: ast.AST, known: dict) -> list[str]:
    """The pipeline modules an import statement loads (`from . import x` loads
    submodule x when there is one, else the package itself)."""
    if isinstance(node, ast.Import):
        targets = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = name.split(".") if is_pkg else name.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            package = ".".join(base + ([node.module] if node.module else []))
        else:
            package = node.module or ""
        targets = [f"{package}.{a.name}" if f"{package}.{a.name}" in known else package
                   for a in node.names]
    else:
        return []
    out = []
    for t in targets:
        while t not in known and "." in t:
            t = t.rsplit(".", 1)[0]
        if t in known and t != name:
            out.append(t)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, (f, is_pkg) in known.items():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        edges[name] = {t for node in ast.walk(tree) for t in imported(name, is_pkg, node, known)}
    return edges


def rank(module: str) -> int:
    return next((r for prefix, r in STAGES
                 if module == prefix or module.startswith(prefix + ".")), 0)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while (w := stack.pop()) != v:
                comp.append(w)
            if comp:
                found.append(sorted([v, *comp]))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_a_later_stage():
    edges = graph()
    upward = [f"{m} (stage {rank(m)}) imports {t} (stage {rank(t)})"
              for m, targets in sorted(edges.items()) for t in sorted(targets) if rank(t) > rank(m)]
    assert upward == []


def test_no_import_cycle_not_even_a_lazy_one():
    assert cycles(graph()) == []


def test_no_import_by_name_at_run_time():
    """__import__ / importlib hide an edge from the two tests above. The one exception
    is registry.py's loader of $PIPELINE_PLUGINS: modules from outside the package
    (engines a user adds, the tests' fakes), never a module of pipeline/ itself."""
    hidden = [str(f.relative_to(ROOT)) for f in ROOT.rglob("*.py")
              if "__import__(" in f.read_text(encoding="utf-8")
              or "importlib.import_module" in f.read_text(encoding="utf-8")]
    assert hidden == ["registry.py"]
    loader = (ROOT / "registry.py").read_text(encoding="utf-8")
    assert loader.count("importlib.import_module(") == 1 and "PIPELINE_PLUGINS" in loader


def test_the_checks_see_a_cycle_and_an_upward_import():
    """The checker itself: a cycle and a climb are found (so the tests above can fail)."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    known = {"pipeline.verify": None, "pipeline.transcribe": None, "pipeline.episode": None}
    node = ast.parse("from .verify import heard_in").body[0]
    assert imported("pipeline.transcribe", False, node, known) == ["pipeline.verify"]
    assert rank("pipeline.transcribe") < rank("pipeline.verify")
    assert rank("pipeline.publish.chapters") > rank("pipeline.audio.chapters") == 0


MAX_FUNCTION_LINES = 60


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(name, lines) of each function or method longer than `limit` lines, docstring included."""
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > limit]


def test_no_function_is_over_60_lines():
    found = [f"{f.relative_to(ROOT)}: {name} ({n} lines)" for f in sorted(ROOT.rglob("*.py"))
             for name, n in long_functions(f.read_text(encoding="utf-8"))]
    assert found == []


def test_the_length_check_counts_lines():
    def source(lines: int) -> str:
        return "def f():\n" + "".join(f"    x = {i}\n" for i in range(lines - 1))
    assert long_functions(source(61)) == [("f", 61)]
    assert long_functions(source(60)) == []


def test_the_top_level_holds_at_most_20_modules():
    """The rest sits in packages named for their role (config/, ingest/, verify/, ...)."""
    top = [f.name for f in ROOT.glob("*.py") if not f.name.startswith("__")]
    assert len(top) <= 20, sorted(top)
