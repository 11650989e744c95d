"""The episode's files are read through pipeline.episode.Episode (each once, typed), or
their values are passed by the caller: no module reads post.json, script.yaml,
timeline.json, transcript.json or verify.json itself, except the few listed below,
each for the reason given (a stage's on-disk route, a writer reading its own file)."""

import ast
import functools
import re
from pathlib import Path

import pipeline

ROOT = Path(pipeline.__file__).parent
# Functions that read a file: low-level ones count when the function names an episode
# file; the typed readers of one (script, segments, report) always count.
# (Bytes copied as they are, as batch ships a folder to a worker, are not a read of the contents.)
LOW_LEVEL = {"read_json", "load", "loads", "safe_load", "read_text"}
TYPED = {"load_script", "read_report", "read_segments", "require_approved"}
EPISODE_FILES = re.compile(r"\b(POST|SCRIPT|TIMELINE|TRANSCRIPT|REPORT|(post|script|timeline|transcript|report)_path"
                           r"|(post|timeline|transcript|verify)\.json|script\.yaml)\b")
ALLOWED = {
    "script.py:load_script": "the script model's own reader (Episode.script reads with it)",
    "script.py:require_approved": "the on-disk form, for a script outside an episode folder; "
                                  "builds and the studio use Episode.approved_script",
    "script.py:check_not_edited": "reads script.meta.json (condense's record), not the script",
    "condense/__init__.py:condense": "the writer of script.yaml: its input post.json and its own "
                                     "kept hand edit (the on-disk stage make runs)",
    "condense/adjust.py:adjust": "the writer of script.yaml (adjusted): its own script and post.json",
    "condense/adjust.py:as_condensed": "reads script.meta.json (condense's record), not the script",
    "config/episode.py:source_of": "reads the source locator beside post.json, not post.json",
    "synthesize.py:load_script": "the on-disk route: `pipeline synthesize` is given a script path "
                                 "(a build passes the script as a value)",
    "synthesize.py:_synthesize": "the on-disk route, when no script value is passed",
    "synthesize.py:last_timeline": "the writer of timeline.json reading the one it wrote last",
    "transcribe.py:_usable_timeline": "the on-disk transcribe is given the timeline's path "
                                      "(read with episode.read_segments)",
    "cli.py:cmd_transcribe": "the transcribe command's --script argument, a path on the command line",
}


def called(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def reads(source: str) -> dict[str, list[str]]:
    """{function: [the reading calls]} of the functions that read an episode file themselves
    (a nested function is its own entry)."""
    found: dict[str, list[str]] = {}

    def visit(node: ast.AST, where: str, names_a_file: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                text = ast.get_source_segment(source, child) or ""
                visit(child, child.name, EPISODE_FILES.search(text) is not None)
                continue
            if isinstance(child, ast.Call) and (called(child) in TYPED
                                                or (names_a_file and called(child) in LOW_LEVEL)):
                found.setdefault(where, []).append(ast.get_source_segment(source, child) or called(child))
            visit(child, where, names_a_file)

    visit(ast.parse(source), "<module>", False)
    return found


@functools.cache
def direct_reads() -> dict[str, list[str]]:
    out = {}
    for f in sorted(ROOT.rglob("*.py")):
        rel = f.relative_to(ROOT).as_posix()
        if rel == "episode.py":
            continue
        for where, calls in reads(f.read_text(encoding="utf-8")).items():
            out[f"{rel}:{where}"] = calls
    return out


def test_the_episode_files_are_read_through_episode():
    found = direct_reads()
    unexplained = {where: calls for where, calls in found.items() if where not in ALLOWED}
    assert unexplained == {}, "read these through pipeline.episode.Episode, or pass the value"


def test_every_exception_still_reads():
    """An entry of ALLOWED whose function no longer reads goes (the list stays the truth)."""
    assert sorted(set(ALLOWED) - set(direct_reads())) == []


def test_the_check_sees_a_direct_read():
    """The checker itself: a read by name, by path property and by a typed reader are
    found; a read through Episode is not (so the tests above can fail)."""
    source = '''
def survival(ep):
    return fsio.read_json(ep / REPORT).get("survival")
def length(ep):
    return json.loads(ep.timeline_path.read_text())["duration"]
def title(path):
    return load_script(path)["title"]
def verdict(ep):
    return Episode(ep).report()["verified"]
'''
    assert set(reads(source)) == {"survival", "length", "title"}
