"""The files the stages write follow pipeline.contracts: every required key there,
no key the contract does not name, each value of its declared type.

mypy checks the code against the contracts; these tests check the contracts
against what the code really writes (ingest and condense here on real posts;
timeline, transcript and report in test_end_to_end's offline build)."""

import types
import typing

import pytest

from pipeline import condense, contracts, ingest
from pipeline import script as script_model
from pipeline.episode import Episode

from .conftest import FIXTURES, ROOT

POSTS = [ROOT / "episodes" / "demo.md", ROOT / "episodes" / "velo-france.md", FIXTURES / "cycling.html"]


def contract_errors(value, tp, where: str = "") -> list[str]:
    """What in `value` breaks the type `tp` (a TypedDict, list, union or plain type)."""
    if tp is typing.Any:
        return []
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a mapping"]
        hints = typing.get_type_hints(tp)
        errors = [f"{where}: missing {k}" for k in sorted(tp.__required_keys__ - value.keys())]
        errors += [f"{where}: {k} is not in {tp.__name__}" for k in sorted(value.keys() - hints.keys())]
        for key in sorted(value.keys() & hints.keys()):
            errors += contract_errors(value[key], hints[key], f"{where}.{key}")
        return errors
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if any(not contract_errors(value, arg, where) for arg in args):
            return []
        return [f"{where}: {value!r:.60} is none of {tp}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        return [e for i, item in enumerate(value) for e in contract_errors(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        return [] if isinstance(value, dict) else [f"{where}: {type(value).__name__}, not a mapping"]
    if tp is type(None):
        return [] if value is None else [f"{where}: {value!r:.60} is not null"]
    if tp is float:    # JSON writes 1.0 as 1.0, but a hand-edited or rounded value may be an int
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r:.60} is not a number"]
    if tp is int and isinstance(value, bool):
        return [f"{where}: {value!r} is a boolean, not an int"]
    return [] if isinstance(value, tp) else [f"{where}: {value!r:.60} is not {tp.__name__}"]


def assert_follows(value, tp) -> None:
    errors = contract_errors(value, tp, tp.__name__)
    assert not errors, "\n".join(errors[:20])


@pytest.mark.parametrize("source", POSTS, ids=lambda p: p.name)
def test_ingest_and_condense_write_what_the_contracts_say(source, tmp_path):
    ep = Episode(tmp_path / "ep")
    ep.dir.mkdir()
    post = ingest.ingest(source, ep.post_path)
    assert_follows(post, contracts.Post)
    assert_follows(ep.post(), contracts.Post)     # as written, not only as returned
    condense.condense(ep.post_path, ep.script_path)
    script = ep.script()
    assert_follows(script, contracts.Script)
    assert script["points"] and all(p["numbers"] is not None for p in script["points"])
    for seg in script_model.segments(script):
        assert_follows(seg, contracts.Segment)


def test_the_check_finds_what_breaks_a_contract():
    good = {"title": "T", "text": "It rose 12% in 2024.", "sources": ["s1"],
            "numbers": [{"text": "12%", "value": "12", "kind": "percent", "unit": None}]}
    assert contract_errors(good, contracts.Point) == []
    assert contract_errors({"text": "x"}, contracts.Point) == [": missing title"]
    assert contract_errors({**good, "colour": "red"}, contracts.Point) == [": colour is not in Point"]
    bad_number = {**good, "numbers": [{"text": "12%", "value": 12, "kind": "percent", "unit": None}]}
    assert contract_errors(bad_number, contracts.Point) == [".numbers[0].value: 12 is not str"]
    assert contract_errors({**good, "sources": "s1"}, contracts.Point) == [".sources: str, not a list"]
    word = {"word": " twelve", "start": 1, "end": 1.5, "probability": True}
    assert contract_errors(word, contracts.Word) == [".probability: True is not a number"]
