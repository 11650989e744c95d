"""Self-healing with real speech: a segment spoken too fast to follow loses its
numbers, and the loop re-speaks only that segment until they are heard."""

import json
import subprocess
import sys

import pytest

from pipeline.heal import STRATEGIES, failing_segments, load_overrides, next_override

from .conftest import ROOT

POST = """# Bikes in numbers

## Fleet
The council counted 1.5 million bikes across 120 cities, up from 900,000.

## Money
Operators raised 3 billion dollars in 2024.
"""


def test_strategies_come_in_the_issue_order():
    assert [name for name, _ in STRATEGIES] == ["verbalize", "another-take", "reword", "pause", "slower",
                                                "other-engine", "other-engine-slower", "isolate",
                                                "other-engine-isolated"]
    i, o = next_override("point-1", 0, "piper", "en", "text")
    assert (i, o["strategy"], o["spell"]) == (0, "verbalize", "all")
    i, o = next_override("point-1", 1, "piper", "en", "text")
    assert o["strategy"] == "another-take" and o["take"] == 1
    i, o = next_override("point-1", 1, "kokoro", "fr", "text")
    assert o["strategy"] == "reword", "a take of a deterministic voice is the same audio"
    i, o = next_override("point-1", 3, "piper", "en", "text")
    assert (o["strategy"], o["spell"]) == ("pause", "paused")
    i, o = next_override("point-1", 5, "piper", "en", "text")
    assert o["engine"] == "kokoro" and "rate" not in o
    i, o = next_override("point-1", 6, "kokoro", "fr", "text")
    assert o["engine"] == "pico" and o["rate"] < 1
    i, o = next_override("point-1", 7, "kokoro", "fr", "text")
    assert (o["strategy"], o["spell"]) == ("isolate", "isolated") and "engine" not in o
    i, o = next_override("point-1", 8, "kokoro", "fr", "text")
    assert (o["strategy"], o["engine"], o["spell"]) == ("other-engine-isolated", "pico", "isolated")
    assert next_override("point-1", len(STRATEGIES), "piper", "en", "One 1. Two 2.") is None


def test_a_pause_inside_a_long_spelled_number():
    from pipeline.tts.speech import spoken_text

    fr = spoken_text("Son prix est de 2 150 euros, dont 748 000 vélos.", "kokoro", "fr", spell="paused")
    assert "deux mille, cent cinquante euros" in fr and "quarante-huit mille vélos" in fr
    en = spoken_text("It cost 2,150 dollars.", "piper", "en", spell="paused")
    assert "two thousand, one hundred fifty dollars" in en
    assert "mille," not in spoken_text("Son prix est de 2 150 euros.", "kokoro", "fr", spell="all")


def test_another_wording_of_the_numbers():
    from pipeline.tts.speech import spoken_text

    fr = spoken_text("En 2028, le marché pèsera 49,2 milliards.", "kokoro", "fr", spell="all", reword=True)
    assert fr.startswith("En l'an deux mille vingt-huit,") and "quarante-neuf milliards deux cents millions" in fr
    en = spoken_text("It cost $214 million.", "piper", "en", spell="all", reword=True)
    assert "two hundred and fourteen million dollars" in en
    assert spoken_text("Le 18 août 2025.", "kokoro", "fr", reword=True) == "Le 18 août 2025."
    whole = spoken_text("Il recense 2,3 millions de vélos et 3,2 milliards d'euros.", "kokoro", "fr",
                        spell="all", reword=True)
    assert whole == "Il recense deux millions trois cent mille vélos et trois milliards deux cents millions d'euros."
    only = spoken_text("En 2028, 2,3 millions de vélos et 3,2 milliards d'euros.", "kokoro", "fr",
                       spell="all", reword=["2,3 millions"])     # only the number still misheard
    assert only == ("En deux mille vingt-huit, deux millions trois cent mille vélos et "
                    "trois virgule deux milliards d'euros.")


def test_failing_segments_in_report_order():
    report = {"numbers": [{"segment": "point-2", "status": "lost"},
                          {"segment": "point-1", "status": "ok"},
                          {"segment": "point-2", "status": "changed"},
                          {"segment": "point-3", "status": "unit-missing"}]}
    assert failing_segments(report) == ["point-2"]


def failing(report) -> int:
    return sum(n["status"] in ("lost", "changed") for n in report["numbers"])


def build_fast(tmp_path, out, *extra):
    return subprocess.run([sys.executable, "-m", "pipeline", "build", str(tmp_path / "fast.md"),
                           "--out", str(tmp_path / out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_fast_speech_loses_numbers_and_the_loop_heals_it(tmp_path):
    (tmp_path / "fast.md").write_text(POST)
    # Episode settings: espeak at twice its rate, far too fast for Whisper base.
    (tmp_path / "fast.yaml").write_text("tts: espeak\nrate: 2.0\n")
    # The same build without healing (its audio and transcripts are the healed build's
    # first pass, from the session cache): what healing has to do better than.
    r0 = build_fast(tmp_path, "unhealed", "--heal-rounds", "0")
    unhealed = json.loads((tmp_path / "unhealed" / "verify.json").read_text())
    assert failing(unhealed) > 0 and r0.returncode == 1, "too fast to follow: numbers are lost"
    r = build_fast(tmp_path, "ep")
    out = tmp_path / "ep"
    report = json.loads((out / "verify.json").read_text())
    assert report["healing"], r.stderr
    # Healing must help: fewer numbers lost than without it, through a kept way of speaking.
    assert failing(report) < failing(unhealed), (failing(report), failing(unhealed), report["healing"])
    assert any(entry["kept"] for entry in report["healing"]), report["healing"]
    for entry in report["healing"]:
        assert entry["attempts"], entry
        espeak_ways = [name for name, o in STRATEGIES if "take" not in o]   # espeak: no "another take"
        assert [a["strategy"] for a in entry["attempts"]] == espeak_ways[:len(entry["attempts"])]
    timeline = json.loads((out / "timeline.json").read_text())
    healed = {e["segment"] for e in report["healing"]}
    overrides = json.loads((out / "overrides.json").read_text())
    assert set(overrides) <= healed
    for entry in report["healing"]:     # the kept way of speaking is the one in force
        assert (entry["segment"] in overrides) == (entry["kept"] is not None)
    for seg in timeline["segments"]:
        assert ("override" in seg) == (seg["id"] in overrides)
    if report["verified"]:
        assert r.returncode == 0
        assert all(e["fixed_by"] for e in report["healing"])
        for entry in report["healing"]:   # the strategy that fixed it is the last one tried
            assert entry["fixed_by"] == entry["attempts"][-1]["strategy"]
        assert "heal round 1" in r.stderr
    else:   # honest failure: exit 1, and the lost numbers are named with their time
        assert r.returncode == 1
        assert "NOT VERIFIED" in r.stdout
    # The overrides are kept for the next build of the same script.
    from pipeline.script import load_script
    assert set(load_overrides(out, load_script(out / "script.yaml"))) == set(overrides)


def test_the_best_attempt_is_kept_when_a_later_one_does_worse(tmp_path):
    """keep_best with a scripted rebuild: other-engine loses more than slower."""
    from pipeline.heal import keep_best

    history = {"point-1": [
        {"strategy": "verbalize", "statuses": ["lost", "lost"], "_o": {"strategy": "verbalize"}},
        {"strategy": "slower", "statuses": ["ok", "lost"], "_o": {"strategy": "slower"}},
        {"strategy": "other-engine", "statuses": ["lost", "changed"], "_o": {"strategy": "other-engine"}},
    ]}
    overrides = {"point-1": {"strategy": "other-engine"}}
    rebuilt = []

    def rebuild(ov):
        rebuilt.append(dict(ov))
        return {"numbers": []}

    keep_best(tmp_path, {"numbers": []}, history, {"point-1": ["lost", "lost"]}, overrides,
              rebuild, log=lambda m: None)
    assert overrides["point-1"]["strategy"] == "slower"
    assert rebuilt == [{"point-1": {"strategy": "slower"}}]
    assert [t["kept"] for t in history["point-1"]] == [False, True, False]
    assert json.loads((tmp_path / "overrides.json").read_text()) == overrides


def test_a_switch_that_fixed_nothing_is_undone(tmp_path):
    """Another voice losing as many numbers as the first build is not kept: the
    segment goes back to how it was first spoken."""
    from pipeline.heal import keep_best

    history = {"point-1": [
        {"strategy": "verbalize", "statuses": ["lost", "lost"], "_o": {"strategy": "verbalize"}},
        {"strategy": "other-engine", "statuses": ["ok", "lost"], "_o": {"strategy": "other-engine"}},
    ]}
    overrides = {"point-1": {"strategy": "other-engine"}}
    rebuilt = []
    keep_best(tmp_path, {"numbers": []}, history, {"point-1": ["ok", "changed"]}, overrides,
              lambda ov: rebuilt.append(dict(ov)) or {"numbers": []}, log=lambda m: None)
    assert overrides == {} and rebuilt == [{}]
    assert [t["kept"] for t in history["point-1"]] == [False, False]


def test_the_default_heal_rounds_give_every_strategy_its_round():
    """build's default (and make's HEAL_ROUNDS) is one round per strategy: a new
    strategy without a round of its own would never run by default."""
    from pipeline.build import DEFAULT_HEAL_ROUNDS
    from pipeline.heal import STRATEGIES

    assert DEFAULT_HEAL_ROUNDS == len(STRATEGIES)
    makefile = (ROOT / "Makefile").read_text()
    assert f"HEAL_ROUNDS ?= {len(STRATEGIES)}\n" in makefile
