"""Self-healing: re-speak the sentences whose numbers were lost or changed.

For each failing segment, strategies are tried in order, one per round, within
a bounded number of rounds: speak every number through the verbalizer, then
another take of the same voice (piper only: its takes differ, each with the
next noise seed), another wording of the numbers, a pause inside long numbers,
slower, then another offline engine of the language's chain (normal speed,
then slower), and last each number set apart by pauses (the voice, then the
other engine: pipeline.tts.wording).

A round re-speaks only the sentences of the segment that hold a failing number,
in the round's way; the other sentences keep theirs: as first built, or the way
of the round that had them heard right (pipeline.heal.plan). A way that fixes
one sentence can break another's number, so no way is forced on a sentence
that was heard. A one-sentence segment, or one whose every sentence fails, is
re-spoken whole. Only the failing segments are re-synthesized (the others, and
the sentences spoken as before, come from the TTS cache), the episode is
re-assembled, transcribed once more and re-verified: the verdict stays per
segment, and Whisper is never shown the script.

Each segment then keeps the attempt that lost the fewest numbers, and only if
it lost fewer than the first build: a segment is never left in another voice
(or wording) that fixed nothing. What was tried, on which sentences, and what
worked is written into verify.json; the overrides kept are in overrides.json so
later rebuilds speak those segments (and sentences) the same way.
"""

import hashlib
import logging
from pathlib import Path
from typing import Any, Callable

from .. import fsio
from ..contracts import NumberRow, Report, Script
from ..episode import OVERRIDES, REPORT, Episode
from ..numbers import FAILING
from ..script import segments
from . import plan

SLOW_RATE = 0.85
# (name, override): each strategy is one way of speaking the failing sentences.
STRATEGIES: list[tuple[str, dict[str, Any]]] = [
    ("verbalize", {"spell": "all"}),
    ("another-take", {"spell": "all", "take": 1}),
    ("reword", {"spell": "all", "reword": True}),
    # "deux mille, cent cinquante": a pause inside a long number (Kokoro's
    # "deux mille cent cinquante" is heard "250").
    ("pause", {"spell": "paused"}),
    ("slower", {"spell": "all", "rate": SLOW_RATE}),
    ("other-engine", {"spell": "all", "engine": None}),
    ("other-engine-slower", {"spell": "all", "rate": SLOW_RATE, "engine": None}),
    # A number the voice says and Whisper writes as homophones glued to the words
    # around it ("des cent un" -> "descend un"): a pause before and after each
    # number (pipeline.tts.wording); then the same by the other voice.
    ("isolate", {"spell": "isolated"}),
    ("other-engine-isolated", {"spell": "isolated", "engine": None}),
]
DEFAULT_ROUNDS = len(STRATEGIES)
STRATEGY_INDEX = {name: i for i, (name, _) in enumerate(STRATEGIES)}
# Engines whose takes differ (piper samples its noise; seeded, a take gets the next
# seed, pipeline.speech.seed_for): only for them is "another take" worth a round.
# Kokoro and Pico say the same text the same way; on the shared vectors a take of
# them or of espeak regained no number.
STOCHASTIC_ENGINES = {"piper"}


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_overrides(ep: Path, script: Script) -> dict[str, dict]:
    """Overrides still valid for the script as it is (an edited segment drops its own)."""
    path = Path(ep) / OVERRIDES
    if not path.exists():
        return {}
    texts = {s["id"]: text_key(s["text"]) for s in segments(script)}
    saved = fsio.read_json(path)
    return {sid: o for sid, o in saved.items() if texts.get(sid) == o.get("text_key")}


def failing_segments(report: Report) -> list[str]:
    seen: list[str] = []
    for row in report["numbers"]:
        if row["status"] in FAILING and row["segment"] not in seen:
            seen.append(row["segment"])
    return seen


def other_engine(used: str | None, lang: str) -> str | None:
    """The best offline engine of `lang`'s chain that is not `used`."""
    from ..tts import get_engine, offline_preference

    for name in offline_preference(lang):
        if name != used and get_engine(name).supports(lang):
            return name
    return None


def next_override(seg_id: str, done: int, engine_used: str | None, lang: str, text: str,
                  own_voice: bool = False):
    """The next strategy for a segment after `done` tries, or None when all are spent.
    `own_voice`: a host's turn, healed in that host's voice (never another engine's)."""
    for i in range(done, len(STRATEGIES)):
        name, override = STRATEGIES[i]
        override = dict(override)
        if "take" in override and engine_used not in STOCHASTIC_ENGINES:
            continue
        if "engine" in override and own_voice:
            continue
        if "engine" in override:
            override["engine"] = other_engine(engine_used, lang)
            if override["engine"] is None:
                continue
        return i, {**override, "strategy": name, "text_key": text_key(text)}
    return None


def heal(ep: Path, rebuild: Callable[[dict], Report], rounds: int = DEFAULT_ROUNDS,
         log: Callable[[str], None] = logging.getLogger(__name__).info) -> Report:
    """Heal the episode in `ep` whose verify.json reports failures.

    `rebuild(overrides)` re-synthesizes with the overrides, re-transcribes and
    re-verifies, returning the new report: the caller owns the engines.
    """
    files = Episode(ep)          # as verify left them; rebuild() rewrites them, and returns the new report
    ep, script, report, timeline = files.dir, files.script(), files.report(), files.timeline()
    lang = script["language"]
    engine_of = {s["id"]: s.get("engine") for s in timeline["segments"]}
    voiced = {s["id"] for s in timeline["segments"] if s.get("voice")}
    texts = {s["id"]: s["text"] for s in segments(script)}
    overrides = load_overrides(ep, script)
    done = {sid: STRATEGY_INDEX[o["strategy"]] + 1 for sid, o in overrides.items()
            if o.get("strategy") in STRATEGY_INDEX}
    ways = {sid: plan.saved_ways(text, lang, overrides.get(sid)) for sid, text in texts.items()}
    history: dict[str, list[dict]] = {}
    before = {sid: statuses_of(report, sid) for sid in failing_segments(report)}
    # the sentences of a segment heard right once (first build included): they keep their way
    heard = {sid: plan.heard_sentences(texts[sid], lang, st) for sid, st in before.items()}
    for round_no in range(1, rounds + 1):
        planned, respoken = {}, {}
        for sid in failing_segments(report):
            nxt = next_override(sid, done.get(sid, 0), engine_of.get(sid), lang, texts[sid], sid in voiced)
            if nxt is None:
                continue
            done[sid], way = nxt[0] + 1, plan.way_of(nxt[1])
            if way.get("reword"):       # new words only for the numbers still missed
                way["reword"] = failing_numbers(report, sid)
            respoken[sid] = plan.to_respeak(plan.failing_sentences(texts[sid], lang, statuses_of(report, sid)),
                                            heard.setdefault(sid, set()))
            ways[sid] = plan.respeak(ways[sid], respoken[sid], way)
            planned[sid] = {**plan.as_override(ways[sid]), "strategy": nxt[1]["strategy"],
                            "text_key": nxt[1]["text_key"]}
        if not planned:
            break
        overrides.update(planned)
        log(f"heal round {round_no}: " + ", ".join(
            f"{sid} ({_missed(report, sid)}) -> {o['strategy']}{_scope(respoken[sid], len(ways[sid]))}"
            for sid, o in planned.items()))
        fsio.write_json(ep / OVERRIDES, overrides)
        report = rebuild(overrides)
        for sid, o in planned.items():
            heard[sid] |= plan.heard_sentences(texts[sid], lang, statuses_of(report, sid))
            history.setdefault(sid, []).append({"strategy": o["strategy"], "override": _public(o),
                                                "respoken": respoken[sid], "sentence_count": len(ways[sid]),
                                                "statuses": statuses_of(report, sid), "_o": o})
    report = keep_best(ep, report, history, before, overrides, rebuild, log)
    return attach_history(ep, report, history)


def _scope(respoken: list[int], count: int) -> str:
    """" (sentences 2, 4 of 5)" for the log; nothing when the whole segment is re-spoken."""
    if len(respoken) == count:
        return ""
    return f" (sentence{'s' if len(respoken) > 1 else ''} {', '.join(str(i + 1) for i in respoken)} of {count})"


def _missed(report: Report, sid: str) -> str:
    """"'1 250' heard '1.256', '12 %' lost" for the log: what this round is for."""
    return ", ".join(f"'{r['text']}' " + (f"heard '{r['heard']}'" if r.get("heard") else r["status"])
                     for r in _failing(report, sid))


def _failing(report: Report, sid: str) -> list[NumberRow]:
    return [r for r in report["numbers"] if r["segment"] == sid and r["status"] in FAILING]


def failing_numbers(report: Report, sid: str) -> list[str]:
    return [r["text"] for r in _failing(report, sid)]


def statuses_of(report: Report, sid: str) -> list[str]:
    return [r["status"] for r in report["numbers"] if r["segment"] == sid]


def failures(statuses: list[str]) -> int:
    return sum(s in FAILING for s in statuses)


def keep_best(ep: Path, report: Report, history: dict, before: dict, overrides: dict,
              rebuild: Callable[[dict], Report], log: Callable[[str], None]) -> Report:
    """A later strategy can do worse than an earlier one (another engine may
    mishear more): each segment keeps the way of speaking that lost the fewest
    numbers, and the episode is rebuilt once more from caches if that changes it."""
    changed = False
    for sid, tries in history.items():
        best = min(range(len(tries)), key=lambda i: (failures(tries[i]["statuses"]), i))
        if failures(before.get(sid, [])) <= failures(tries[best]["statuses"]):   # nothing gained
            overrides.pop(sid, None)
            kept = None
        else:
            overrides[sid] = tries[best]["_o"]
            kept = tries[best]["strategy"]
        if best != len(tries) - 1 or kept is None:
            changed = True
        for t in tries:
            t["kept"] = t["strategy"] == kept
    for tries in history.values():
        for t in tries:
            t.pop("_o", None)
    if not changed:
        return report
    log("heal: keeping the best attempt of each segment")
    fsio.write_json(Path(ep) / OVERRIDES, overrides)
    return rebuild(overrides)


def _public(override: dict) -> dict:
    return {k: v for k, v in override.items() if k not in ("strategy", "text_key")}


def attach_history(ep: Path, report: Report, history: dict[str, list[dict]]) -> Report:
    healing = []
    for sid, tries in history.items():
        kept = next((t for t in tries if t.get("kept")), None)
        fixed = kept is not None and failures(statuses_of(report, sid)) == 0
        healing.append({"segment": sid, "attempts": tries,
                        "kept": kept["strategy"] if kept else None,
                        "fixed_by": kept["strategy"] if kept and fixed else None})
    for row in report["numbers"]:
        tried = history.get(row["segment"])
        if tried:
            row["healing"] = [t["strategy"] for t in tried]
    report["healing"] = healing
    fsio.write_json(Path(ep) / REPORT, report)
    return report
