"""Stage 5, verify: script.yaml + timeline.json + transcript.json -> verify.json.

Every number of the script is looked for in what Whisper heard during that
segment, compared by value (numbers.compare), and given the time it was heard
at. A number lost or changed there is heard again in its sentence alone, still
blind, and counts when that hearing holds its exact value inside the sentence's
window (pipeline.verify.second_hearing; the row says so under "second_hearing"). An
episode is verified only when no number was lost or changed and the
files agree with each other: every script segment was spoken (it is in
timeline.json, with the script's text, inside the transcript's time range),
and timeline.json and transcript.json both describe this episode.mp3 (their
audio_sha256 is its SHA-256).

The verdict is bound to what it judged: verify.json records the SHA-256 of
each input (post.json, script.yaml, timeline.json, transcript.json,
episode.mp3) and of the episode settings' resolved values. binding_status()
recomputes them; when any differs the episode is *stale*, and no command
shows or publishes it as verified.

A Whisper segment whose text is a repetition loop ("400,000,000,000,...", the
decoder's compression-ratio signal) is listed under "loops", for the reader:
it changes no status and not the verdict.
"""

import shlex
import zlib
from dataclasses import dataclass
from pathlib import Path

from .. import fsio, numbers
from ..asr.base import DECODE_SETTINGS
from ..condense.budget import LENGTH_TOLERANCE
from ..config.episode import for_episode as settings_for_episode
from ..contracts import (
    Loop,
    NumberRow,
    Origin,
    Problem,
    Report,
    Script,
    Segment,
    SpokenSegment,
    Timeline,
    Transcript,
    Word,
)
from ..episode import AUDIO, POST, SCRIPT, TIMELINE, TRANSCRIPT, Episode, as_episode, windows_by_id
from ..errors import InputError
from ..numbers import FAILING
from ..script import segments, source_text
from . import second_hearing
from .heard import EDGE_S, HeardText, heard_in, transcript_words, words_in

# Whisper's own sign of a repetition loop ("400,000,000,000,000,..."): a text that
# compresses better than this (the threshold the decoder is given, pipeline.asr).
LOOP_RATIO = float(DECODE_SETTINGS["compression_ratio_threshold"])


def check_segment(seg: SpokenSegment, heard: HeardText, lang: str,
                  source: list | None) -> list[NumberRow]:
    mentions = numbers.extract(seg["text"], lang)
    if not mentions:
        return []
    matches = numbers.compare(mentions, heard.text, lang)
    origins = numbers.trace(mentions, source, lang) if source is not None else [None] * len(mentions)
    rows: list[NumberRow] = []
    for match, origin in zip(matches, origins):
        times = heard.times(match.heard.start, match.heard.end) if match.heard else None
        start, end = times or (seg["start"], seg["end"])
        row: NumberRow = {
            "text": match.script.text,
            "value": match.script.value,
            "kind": match.script.kind,
            "unit": match.script.unit,
            "segment": seg["id"],
            "status": match.status,
            "heard": match.heard.text if match.heard else None,
            "start": round(start, 2),
            "end": round(end, 2),
            "source": _origin(origin, seg["id"]),
        }
        if match.note:   # "130 km/h heard in mph: 130 km/h = 80.78 mph (a conversion)"
            row["note"] = match.note
        rows.append(row)
    return rows


def _origin(origin, segment_id: str) -> Origin:
    if origin is not None:
        return {"status": "sourced", "text": origin.text, "start": origin.start, "end": origin.end}
    if segment_id in ("intro", "outro"):
        return {"status": "added", "text": None, "start": None, "end": None}
    return {"status": "unsourced", "text": None, "start": None, "end": None}


def summarize(rows: list[NumberRow]) -> dict:
    counts = {s: sum(r["status"] == s for r in rows) for s in ("ok", "unit-missing", "changed", "lost")}
    total = len(rows)
    right_value = counts["ok"] + counts["unit-missing"]
    return {
        "total": total,
        "counts": counts,
        "survival": round(right_value / total, 4) if total else 1.0,
        "verified": not any(r["status"] in FAILING for r in rows),
        "unsourced": sum(r["source"]["status"] == "unsourced" for r in rows),
    }


def problem(cause: str, segment: str | None = None) -> Problem:
    return {"segment": segment, "cause": cause}


def audio_problems(audio_sha: str | None, timeline: Timeline, transcript: Transcript) -> list[Problem]:
    """The timeline and the transcript must both describe this very MP3."""
    if audio_sha is None:
        return [problem(f"{AUDIO} is missing: there is nothing to verify")]
    out: list[Problem] = []
    if timeline.get("audio_sha256") != audio_sha:
        out.append(problem(f"{TIMELINE} does not describe this {AUDIO} (its audio_sha256 differs): "
                           "the MP3 was replaced or cut after it was assembled"))
    if transcript.get("audio_sha256") != audio_sha:
        out.append(problem(f"{TRANSCRIPT} was not heard from this {AUDIO} (its audio_sha256 "
                           "differs): the transcript belongs to other audio"))
    return out


def coverage_problems(script_segs: list[Segment], timeline: Timeline,
                      transcript: Transcript) -> list[Problem]:
    """Every script segment spoken, from the script's text, inside what Whisper listened to."""
    timed = {s["id"]: s for s in timeline["segments"]}
    heard_until = float(transcript.get("duration") or 0.0)
    out: list[Problem] = []
    for seg in script_segs:
        t = timed.get(seg["id"])
        if t is None:
            out.append(problem(f"{seg['id']} is in {SCRIPT} but not in {TIMELINE}: it was never "
                               "spoken", seg["id"]))
        elif str(t.get("text", "")).strip() != str(seg["text"]).strip():
            out.append(problem(f"{seg['id']} was spoken from other text than {SCRIPT} has now",
                               seg["id"]))
        elif t["start"] < 0 or t["end"] > heard_until + EDGE_S:
            out.append(problem(f"{seg['id']} ({t['start']:.1f}-{t['end']:.1f} s) lies outside the "
                               f"transcript (0-{heard_until:.1f} s)", seg["id"]))
    known = {s["id"] for s in script_segs}
    out += [problem(f"{TIMELINE} has a segment {s['id']} that {SCRIPT} does not have", s["id"])
            for s in timeline["segments"] if s["id"] not in known]
    return out


def compression_ratio(text: str) -> float:
    """Whisper's measure: UTF-8 bytes over zlib-compressed bytes (a loop compresses well)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def repetition_loops(transcript: Transcript, timeline: Timeline) -> list[Loop]:
    """Whisper's segments whose text is a repetition loop, with the script segments they
    overlap. For the reader (why a number there was lost or changed): the verdict is the
    numbers' alone, and a loop never turns a lost or changed number into anything else."""
    windows = windows_by_id(timeline).items()
    loops: list[Loop] = []
    for heard in transcript["segments"]:
        text = str(heard.get("text") or "").strip()
        ratio = compression_ratio(text)
        if ratio <= LOOP_RATIO:
            continue
        for seg_id, (lo, hi) in windows:
            if min(heard["end"], hi) - max(heard["start"], lo) > EDGE_S:
                loops.append({"segment": seg_id, "start": round(heard["start"], 2), "end": round(heard["end"], 2),
                              "chars": len(text), "compression_ratio": round(ratio, 1)})
    return loops


def unspoken_rows(seg: Segment, lang: str, source: list | None) -> list[NumberRow]:
    """A segment that was never spoken: each of its numbers is lost."""
    silent = HeardText("", [])
    return check_segment({**seg, "start": 0.0, "end": 0.0}, silent, lang, source)


def verify_episode(ep_dir: Path | Episode, lint_flags: list | None = None) -> Report:
    """Judge the episode in `ep_dir` and write its verify.json, bound to the inputs judged.
    A number lost or changed is heard again in its sentence alone (pipeline.verify.second_hearing)."""
    ep = Episode(ep_dir)           # a fresh read: the files are the ones just made
    inputs = input_hashes(ep)      # hashed first: a later change of any file makes it stale
    script, timeline, transcript, post = ep.script(), ep.timeline(), ep.transcript(), ep.post_or_none()
    lang = script["language"]
    words = transcript_words(transcript)
    source = numbers.extract(source_text(post), lang) if post else None
    script_segs = segments(script)
    problems = audio_problems(inputs[AUDIO], timeline, transcript)
    # a second hearing only of the very audio the transcript was heard from
    hearer = _hearer(ep, transcript, lang) if not problems else None
    problems += coverage_problems(script_segs, timeline, transcript)
    rows = spoken_rows(ep, script_segs, words, lang, source, hearer)
    speakers = {seg["id"]: seg["speaker"] for seg in script_segs if seg.get("speaker")}
    for row in rows:
        if row["segment"] in speakers:      # a conversation: who said the number
            row["speaker"] = speakers[row["segment"]]
    summary = summarize(rows)
    report: Report = {
        "language": lang,
        "tts_engine": timeline.get("tts_engine"),
        "asr_engine": transcript.get("engine"),
        "asr_model": transcript.get("model"),
        "survival": summary["survival"],
        "verified": summary["verified"] and not problems,
        "counts": summary["counts"],
        "unsourced": summary["unsourced"],
        "problems": problems,
        "numbers": rows,
        "lint": lint_flags if lint_flags is not None else post.get("lint", []) if post else [],
        "inputs": inputs,
        "loops": repetition_loops(transcript, timeline),
    }
    if length := length_report(script, timeline):
        report["length"] = length
    if hearer is not None and (hearer.clips or hearer.error):
        report["second_hearing"] = hearer.summary(sum(bool((r.get("second_hearing") or {}).get("counted"))
                                                      for r in rows))
    fsio.write_json(ep.report_path, report)
    return report


def _hearer(ep: Episode, transcript: Transcript, lang: str) -> second_hearing.Hearer | None:
    """What hears a sentence again: the engine and model that made the transcript."""
    engine, model = transcript.get("engine"), transcript.get("model")
    if not engine or not model:
        return None
    return second_hearing.Hearer(ep.audio_path, str(engine), str(model), lang)


def spoken_rows(ep: Episode, script_segs: list[Segment], words: list[Word], lang: str,
                source: list | None, hearer: second_hearing.Hearer | None) -> list[NumberRow]:
    """Every number of the script, judged in its segment's window (a failing one heard
    again in its sentence alone when `hearer` is given)."""
    timed = {s["id"]: s for s in ep.timeline()["segments"]}
    windows = ep.windows()
    rows: list[NumberRow] = []
    for seg in script_segs:
        t = timed.get(seg["id"])
        if t is None:
            rows.extend(unspoken_rows(seg, lang, source))
            continue
        spoken: SpokenSegment = {**seg, "start": t["start"], "end": t["end"]}
        lo, hi = windows[seg["id"]]
        heard = heard_in(words, lo, hi)
        seg_rows = check_segment(spoken, heard, lang, source)
        if hearer is not None:
            hi = min(hi, float(ep.transcript().get("duration") or hi))
            second_hearing.recheck(seg["text"], seg_rows, words_in(words, lo, hi), lo, hi, lang, hearer)
        rows.extend(seg_rows)
    return rows


def length_report(script: Script, timeline: Timeline) -> dict | None:
    """The length asked for against the episode's measured one (None for a script without a target)."""
    target, measured = script.get("target_seconds"), float(timeline.get("duration") or 0)
    if not target or not measured:
        return None
    deviation = (measured - float(target)) / float(target)
    report = {"target_seconds": float(target), "measured_seconds": round(measured, 1),
              "deviation_percent": round(100 * deviation, 1), "within_tolerance": abs(deviation) <= LENGTH_TOLERANCE}
    if script.get("short_of_seconds") and measured < float(target):
        # The post has less to say than asked (condense's estimate, the adjust step's measure): by
        # what the episode measures now, a heal may have spoken some of it again.
        report["short_of_seconds"] = round(float(target) - measured)
    return report


# ------------------------------------------------------------------ the verdict's binding

BOUND_FILES = (POST, SCRIPT, TIMELINE, TRANSCRIPT, AUDIO)
SETTINGS = "settings"      # the key of the settings' digest in verify.json's "inputs"


def settings_digest(ep: Episode) -> str:
    """SHA-256 of the episode settings' resolved values (defaults included).

    Values, not the file's bytes: a comment edit changes nothing heard, while a
    missing file and a changed default both count."""
    return fsio.json_digest(settings_for_episode(ep).to_dict())


def input_hashes(ep: Episode) -> dict[str, str | None]:
    """{file name: SHA-256 or None when absent} for every input, plus the settings."""
    hashes = {name: fsio.sha256_file(ep.dir / name) if (ep.dir / name).is_file() else None
              for name in BOUND_FILES}
    hashes[SETTINGS] = settings_digest(ep)
    return hashes


@dataclass(frozen=True)
class Binding:
    """Whether verify.json still speaks for the files in the episode folder."""
    changed: tuple[str, ...]      # inputs whose SHA-256 differs from the one judged
    unbound: bool                 # verify.json records no inputs (written by an older version)
    fix: str                      # the command that makes a fresh verdict

    @property
    def fresh(self) -> bool:
        return not self.changed and not self.unbound

    @property
    def stale(self) -> bool:
        return not self.fresh

    @property
    def cause(self) -> str:
        if self.unbound:
            return "verify.json records no hashes of the files it judged (older version)"
        what = ", ".join("the episode settings" if c == SETTINGS else c for c in self.changed)
        verb = "changed" if len(self.changed) == 1 else "all changed"
        return f"{what} {verb} since verify.json was written"

    @property
    def message(self) -> str:
        return f"stale: {self.cause}; rebuild: {self.fix}"


def binding_status(ep_dir: Path | Episode, report: Report | None = None) -> Binding:
    """Recompute the hashes of the inputs verify.json judged and compare."""
    ep = as_episode(ep_dir)
    report = ep.report() if report is None else report
    recorded = report.get("inputs")
    if not isinstance(recorded, dict):
        return Binding((), True, f"python -m pipeline verify {shlex.quote(str(ep.dir))}")
    changed = [name for name in BOUND_FILES if recorded.get(name) != _file_hash(ep.dir / name)]
    try:
        if recorded.get(SETTINGS) != settings_digest(ep):
            changed.append(SETTINGS)
    except InputError:      # a settings file that no longer loads is a change too
        changed.append(SETTINGS)
    return Binding(tuple(changed), False, rebuild_command(ep, changed))


def _file_hash(path: Path) -> str | None:
    return fsio.sha256_file(path) if path.is_file() else None


def rebuild_command(ep: Episode, changed: list[str]) -> str:
    """What to run so that the episode is judged again as it is now."""
    d = shlex.quote(str(ep.dir))
    post = ep.post_or_none()
    source = post.get("source") if post else None
    synthesize = f"python -m pipeline synthesize {d}"
    if not (source and Path(source).is_file()):
        return (f"{synthesize} && python -m pipeline transcribe {d}/{AUDIO} --out {d}/{TRANSCRIPT} "
                f"--script {d}/{SCRIPT} && python -m pipeline verify {d}")
    make = f"make episode SRC={shlex.quote(source)}"
    # make goes by modification times and cannot see a replaced MP3 (or a timeline edited
    # by hand, which it would take as new): re-assemble them first
    return f"{synthesize} && {make}" if {AUDIO, TIMELINE} & set(changed) else make
