"""Healing at sentence scope: each round re-speaks only the sentences of a failing
segment that hold a failing number; a sentence once heard keeps its way.

The loop (pipeline.heal.heal) runs for real on an episode folder; the rebuild is a
listener written here that hears each sentence by how it is spoken, the way the
French corpus post was heard: "2 150 euros" only with a pause inside it, "101" only
set apart, and "58 %" lost whenever it is set apart. No single way of speaking the
whole point holds all three. Real engines and Whisper hear such plans in
tests/test_french_healing.py and the French corpus builds.
"""

import json

import pytest

from pipeline import heal as heal_mod
from pipeline.heal import heal, plan
from pipeline.tts.sentences import pieces

TEXT = "Le vélo pèse 58 % du marché. Son prix moyen atteint 2 150 euros. Dont 101 projets en cours."
NUMBERS = [("58 %", 0), ("2 150 euros", 1), ("101", 2)]     # (text, sentence)


def heard(spell: str | None, sentence: int) -> bool:
    """The listener: whether a sentence's number is heard when the sentence is spoken `spell`."""
    if sentence == 0:
        return spell != "isolated"
    return spell == {1: "paused", 2: "isolated"}[sentence]


def episode(tmp_path, text=TEXT, first=("ok", "lost", "lost")):
    ep = tmp_path / "ep"
    ep.mkdir()
    (ep / "script.yaml").write_text(
        "title: Vélo\nlanguage: fr\nsource: post.json\nintro: Bonjour.\npoints:\n"
        f"- title: Marché\n  text: {text}\n  sources: [s1]\n  numbers: []\noutro: Merci.\n")
    (ep / "timeline.json").write_text(json.dumps({"language": "fr", "segments": [
        {"id": sid, "text": "", "engine": "kokoro", "start": 0.0, "end": 1.0}
        for sid in ("intro", "point-1", "outro")]}))
    (ep / "verify.json").write_text(json.dumps(report(first)))
    return ep


def report(statuses) -> dict:
    return {"verified": all(s == "ok" for s in statuses), "counts": {}, "lint": [],
            "numbers": [{"text": t, "segment": "point-1", "status": s} for (t, _), s in zip(NUMBERS, statuses)]}


class Listener:
    """rebuild(overrides): speaks point-1 as synthesis does (pipeline.tts.sentences.pieces
    for a sentence plan, one piece otherwise), notes each sentence's way, hears it."""

    def __init__(self, context=lambda k, ways: True):
        self.rounds: list[list[dict | None]] = []    # per rebuild, each sentence's way (None: as first built)
        self.context = context       # whether sentence k is heard beside its neighbours' ways

    def __call__(self, overrides: dict) -> dict:
        ov = overrides.get("point-1", {})
        if ov.get("sentences"):
            spoken = pieces(TEXT, "fr", ov["sentences"])
        else:
            spoken = [(TEXT, plan.way_of(ov))]
        ways: list[dict | None] = []
        for piece, own in spoken:
            n = piece.count(". ") + 1           # the sentences of this piece (no dot inside a number here)
            ways += [own or None] * n
        self.rounds.append(ways)
        return report(["ok" if heard((ways[k] or {}).get("spell"), k) and self.context(k, ways) else "lost"
                       for _, k in NUMBERS])


@pytest.fixture(autouse=True)
def pico_is_the_other_voice(monkeypatch):
    monkeypatch.setattr(heal_mod, "other_engine", lambda used, lang: "pico")


def test_each_round_respeaks_only_the_failing_sentences_and_a_heard_one_keeps_its_way(tmp_path):
    ep = episode(tmp_path)
    listener = Listener()
    final = heal(ep, listener, log=lambda m: None)
    assert final["verified"], final["numbers"]
    # sentence 0 was heard in the first build: no round ever speaks it another way
    assert all(ways[0] is None for ways in listener.rounds), listener.rounds
    entry = final["healing"][0]
    tried = [(a["strategy"], a["respoken"]) for a in entry["attempts"]]
    assert tried == [("verbalize", [1, 2]), ("reword", [1, 2]), ("pause", [1, 2]),
                     # "2 150 euros" heard with its pause: from now on it keeps that way
                     ("slower", [2]), ("other-engine", [2]), ("other-engine-slower", [2]), ("isolate", [2])]
    assert all(a["sentence_count"] == 3 for a in entry["attempts"])
    assert [ways[1] for ways in listener.rounds[3:]] == [{"spell": "paused"}] * 4, "sticky"
    assert entry["kept"] == entry["fixed_by"] == "isolate"
    saved = json.loads((ep / "overrides.json").read_text())["point-1"]
    assert saved["sentences"] == {"1": {"spell": "paused"}, "2": {"spell": "isolated"}}
    assert json.loads((ep / "verify.json").read_text())["healing"] == final["healing"]


def test_a_sentence_heard_once_keeps_its_way_when_its_neighbour_s_voice_loses_it(tmp_path):
    """Whisper hears a sentence beside its neighbours: here "2 150 euros", heard once
    paused, is lost again while the next sentence is Pico's. It keeps its way (the
    rounds go on re-speaking only "101"), and is heard again once "101" is."""
    def beside(k, ways):
        return not (k == 1 and (ways[2] or {}).get("engine") == "pico")

    ep = episode(tmp_path)
    listener = Listener(beside)
    final = heal(ep, listener, log=lambda m: None)
    assert final["verified"], final["numbers"]
    attempts = final["healing"][0]["attempts"]
    assert [a["respoken"] for a in attempts] == [[1, 2]] * 3 + [[2]] * 4
    assert [a["statuses"][1] for a in attempts[3:]] == ["ok", "lost", "lost", "ok"]
    assert all(ways[1] == {"spell": "paused"} for ways in listener.rounds[3:]), listener.rounds


def test_once_every_failing_sentence_was_heard_those_lost_again_are_respoken():
    assert plan.to_respeak([1, 2], {0, 1}) == [2]
    assert plan.to_respeak([1], {0, 1}) == [1]
    assert plan.heard_sentences(TEXT, "fr", ["ok", "lost", "ok"]) == {0, 2}
    assert plan.heard_sentences(TEXT, "fr", ["ok"]) == set(), "rows that do not line up: none"


def test_the_reword_round_rewords_only_the_numbers_still_missed(tmp_path):
    ep = episode(tmp_path)
    listener = Listener()
    heal(ep, listener, rounds=2, log=lambda m: None)
    assert listener.rounds[1][1] == {"spell": "all", "reword": ["2 150 euros", "101"]}
    assert listener.rounds[1][0] is None


def test_a_later_build_resumes_from_the_saved_plan(tmp_path):
    """overrides.json holds the plan: a build that heals again starts from it (the
    sentences heard stay as they were) at the next strategy."""
    ep = episode(tmp_path)
    heal(ep, Listener(), rounds=3, log=lambda m: None)      # up to "pause": sentence 1 heard
    saved = json.loads((ep / "overrides.json").read_text())["point-1"]
    assert saved["strategy"] == "pause" and saved["sentences"] == {"1": {"spell": "paused"}, "2": {"spell": "paused"}}
    (ep / "verify.json").write_text(json.dumps(report(["ok", "ok", "lost"])))
    listener = Listener()
    final = heal(ep, listener, log=lambda m: None)
    assert [a["strategy"] for a in final["healing"][0]["attempts"]][0] == "slower"
    assert all(ways[1] == {"spell": "paused"} for ways in listener.rounds)
    assert final["verified"]


def test_a_segment_whose_every_sentence_fails_is_respoken_whole(tmp_path):
    ep = episode(tmp_path, first=("lost", "lost", "lost"))
    listener = Listener()
    heal(ep, listener, rounds=1, log=lambda m: None)
    saved = json.loads((ep / "overrides.json").read_text())
    assert "sentences" not in saved["point-1"] and saved["point-1"]["spell"] == "all"


def test_one_sentence_is_the_whole_segment_and_unaligned_rows_respeak_it_whole():
    one = "Son prix moyen atteint 2 150 euros."
    assert plan.failing_sentences(one, "fr", ["lost"]) == [0]
    ways = plan.respeak(plan.saved_ways(one, "fr", None), [0], {"spell": "all"})
    assert plan.as_override(ways) == {"spell": "all"}
    # rows that do not line up with the text's numbers: every sentence
    assert plan.failing_sentences(TEXT, "fr", ["lost"]) == [0, 1, 2]
    assert plan.failing_sentences(TEXT, "fr", ["ok", "changed", "ok"]) == [1]
    assert plan.as_override(plan.respeak([{}, {}, {}], [1], {"spell": "all"})) == {"sentences": {"1": {"spell": "all"}}}
    # a saved plan (or whole-segment way) is read back sentence by sentence
    assert plan.saved_ways(TEXT, "fr", {"sentences": {"2": {"rate": 0.85}}, "strategy": "slower"}) == \
        [{}, {}, {"rate": 0.85}]
    assert plan.saved_ways(TEXT, "fr", {"spell": "all", "strategy": "verbalize", "text_key": "x"}) == \
        [{"spell": "all"}] * 3
