"""Mutation test: change one heard number of a verified episode, verify must
catch it; spell it out in words, verify must not complain.

Episodes: the sample episode of tests/fixtures (its script and timeline, with
a transcript that heard every word right), and two richer ones (English,
French) with the number forms of issue 11. The transcript of each is built
from the timeline (one timed word per written word, as Whisper gives them);
every number of every segment is then mutated in turn:
  * one digit changed, two digits swapped (numbers written with digits);
  * the number dropped;
  * million <-> billion (fr millions <-> milliards) where it has one;
  * spelled out in words by the verbalizer (must stay verified).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from pipeline.numbers import extract, verbalize
from pipeline.verify import verify_episode

FIXTURE = Path(__file__).parent / "fixtures" / "episode_sample"
STEP_S = 0.4
PAUSE_S = 0.6
AUDIO = b"not really an mp3: verify only hashes it"
SWAPS = {"en": (("million", "billion"),), "fr": (("millions", "milliards"), ("million", "milliard"))}

RICH = {
    "en": [
        "Venture funding reached $49.2 billion in 2025, up 76.4% from 2024.",
        "The city added 1,200 lanes and 15,300 bikes on August 8, 2025.",
        "Costs fell by 7% to 3.2 million dollars, a drop of 10pp.",
        "About 900,000 riders, two-thirds of them, ride 3x more than in 2019.",
        "The 3rd plan costs €1.5bn, or -15% by 3:45 pm on March 14.",
    ],
    "fr": [
        "Les investissements ont atteint 49,2 milliards de dollars en 2025.",
        "Le 18 août 2025, 95 % des projets pilotes avaient échoué.",
        "Elles ont investi entre 350 et 400 milliards de dollars, soit 1 500 emplois.",
        "La ville a ajouté 1 200 pistes et 3,5 millions d'euros à 14h30.",
        "Les coûts ont baissé de 7 % à 3,2 millions de dollars, soit −15 % en 2024.",
    ],
}


def fixture_script() -> dict:
    return yaml.safe_load((FIXTURE / "script.yaml").read_text(encoding="utf-8"))


def rich_script(lang: str) -> dict:
    return {"title": "T", "language": lang, "intro": "Bonjour." if lang == "fr" else "Welcome.",
            "outro": "Merci." if lang == "fr" else "Thanks.",
            "points": [{"title": f"P{i}", "text": t} for i, t in enumerate(RICH[lang], 1)]}


SCRIPTS = {"fixture": fixture_script, "en": lambda: rich_script("en"), "fr": lambda: rich_script("fr")}


def segment_texts(script: dict) -> list[tuple[str, str]]:
    texts = [("intro", script.get("intro") or "")]
    texts += [(f"point-{i}", p["text"]) for i, p in enumerate(script["points"], 1)]
    texts.append(("outro", script.get("outro") or ""))
    return [(sid, t) for sid, t in texts if t.strip()]


def build(d: Path, script: dict, heard: dict[str, str]) -> dict:
    """Write the episode's files with `heard` as what Whisper wrote per segment; verify it."""
    (d / "script.yaml").write_text(yaml.safe_dump(script, allow_unicode=True), encoding="utf-8")
    (d / "episode.mp3").write_bytes(AUDIO)
    sha = hashlib.sha256(AUDIO).hexdigest()
    segs, words, t = [], [], 0.0
    for sid, text in segment_texts(script):
        said = heard.get(sid, text).split()
        length = max(len(text.split()), len(said)) * STEP_S
        segs.append({"id": sid, "text": text, "start": round(t, 2), "end": round(t + length, 2),
                     "engine": "piper"})
        step = length / max(len(said), 1)
        for k, w in enumerate(said):
            words.append({"word": " " + w, "start": round(t + k * step, 3),
                          "end": round(t + (k + 1) * step - 0.02, 3), "probability": 0.9})
        t += length + PAUSE_S
    (d / "timeline.json").write_text(json.dumps({"tts_engine": "piper", "segments": segs, "duration": t,
                                                 "audio_sha256": sha}), encoding="utf-8")
    (d / "transcript.json").write_text(json.dumps({
        "engine": "faster-whisper", "model": "base", "language": script["language"], "duration": t,
        "audio_sha256": sha, "segments": [{"start": 0.0, "end": t, "text": "", "words": words}]}),
        encoding="utf-8")
    return verify_episode(d)


def every_number():
    for name, make in SCRIPTS.items():
        script = make()
        for sid, text in segment_texts(script):
            for k, m in enumerate(extract(text, script["language"])):
                yield pytest.param(name, sid, k, id=f"{name}-{sid}-{m.text}")


def _digit_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch.isdigit()]


def changed_digit(text: str) -> str | None:
    places = _digit_positions(text)
    if not places:
        return None
    i = places[-1] if len(places) > 1 else places[0]  # the last digit: never a leading zero
    return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:]


def swapped_digits(text: str) -> str | None:
    places = _digit_positions(text)
    for a, b in zip(places, places[1:]):
        if text[a] != text[b]:
            chars = list(text)
            chars[a], chars[b] = chars[b], chars[a]
            return "".join(chars)
    return None


def swapped_magnitude(text: str, lang: str) -> str | None:
    for one, other in SWAPS[lang]:
        for a, b in ((one, other), (other, one)):
            if re.search(rf"\b{a}\b", text):
                return re.sub(rf"\b{a}\b", b, text, count=1)
    return None


def status_of(report: dict, sid: str, mention) -> str:
    rows = [r for r in report["numbers"] if r["segment"] == sid and r["text"] == mention.text]
    assert rows, (sid, mention.text, report["numbers"])
    return rows[0]["status"]


@pytest.fixture(scope="module")
def baselines(tmp_path_factory):
    """Each episode, heard exactly: verified (else a mutation proves nothing)."""
    out = {}
    for name, make in SCRIPTS.items():
        script = make()
        report = build(tmp_path_factory.mktemp(name), script, {})
        assert report["verified"] and report["numbers"], report
        assert all(r["status"] == "ok" for r in report["numbers"]), report["numbers"]
        out[name] = script
    return out


def test_the_sample_episode_as_recorded_is_caught(tmp_path):
    # the sample's Whisper heard "108" for the script's "180": the fixture's own mutation
    script = fixture_script()
    recorded = json.loads((FIXTURE / "transcript.json").read_text(encoding="utf-8"))
    said = {seg["id"]: seg["text"] for seg in json.loads((FIXTURE / "timeline.json").read_text())["segments"]}
    heard = dict(zip(said, (s["text"].strip() for s in recorded["segments"])))
    report = build(tmp_path, script, heard)
    assert not report["verified"]
    assert [r["status"] for r in report["numbers"]] == ["ok", "ok", "changed"]


def mutate(tmp_path: Path, script: dict, sid: str, k: int, how) -> tuple[dict, object, str]:
    lang = script["language"]
    text = dict(segment_texts(script))[sid]
    mention = extract(text, lang)[k]
    new = how(mention, lang)
    assert new is not None, f"{mention.text!r} has no such mutation: every_mutation offers only those that exist"
    heard = text[:mention.start] + new + text[mention.end:]
    return build(tmp_path, script, {sid: heard}), mention, heard


MUTATIONS = {
    "digit": lambda m, lang: changed_digit(m.text),
    "swap": lambda m, lang: swapped_digits(m.text),
    "drop": lambda m, lang: "",
    "magnitude": lambda m, lang: swapped_magnitude(m.text, lang),
}


def every_mutation():
    """(episode, segment, k, how) for each mutation that exists: a number without
    digits has no digit to change, one without 'million' no magnitude to swap."""
    for name, make in SCRIPTS.items():
        script = make()
        for sid, text in segment_texts(script):
            for k, m in enumerate(extract(text, script["language"])):
                for how in sorted(MUTATIONS):
                    if MUTATIONS[how](m, script["language"]) is not None:
                        yield pytest.param(name, sid, k, how, id=f"{how}-{name}-{sid}-{m.text}")


@pytest.mark.parametrize("name,sid,k,how", list(every_mutation()))
def test_a_mutated_number_is_caught(tmp_path, baselines, name, sid, k, how):
    report, mention, heard = mutate(tmp_path, baselines[name], sid, k, MUTATIONS[how])
    assert not report["verified"], heard
    assert status_of(report, sid, mention) in ("changed", "lost"), heard


@pytest.mark.parametrize("name,sid,k", list(every_number()))
def test_a_number_spelled_out_is_still_verified(tmp_path, baselines, name, sid, k):
    report, mention, heard = mutate(tmp_path, baselines[name], sid, k,
                                    lambda m, lang: verbalize(m, lang))
    assert report["verified"], (heard, [r for r in report["numbers"] if r["status"] != "ok"])
    assert status_of(report, sid, mention) == "ok", heard
