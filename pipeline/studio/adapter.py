"""The studio's one door into the pipeline: every import of another pipeline module is here.

The web app (pipeline.studio.app) and its job queue call only these functions, so
when modules of the pipeline move, this file is the one to fix. Everything it
returns is plain JSON-ready data (dicts, lists, strings, numbers).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .. import build as build_stage
from .. import condense as condense_stage
from .. import fsio, progress, turns
from .. import script as script_model
from ..config.episode import LENGTHS, length_seconds
from ..config.hosts import FORMATS
from ..contracts import Script
from ..episode import POST, REPORT, SCRIPT, TIMELINE, Episode, as_episode
from ..errors import InputError, PipelineError, os_error

# the errors the app answers with one line; the format and length names the form offers
__all__ = ["InputError", "PipelineError", "FORMATS", "LENGTHS"]

LOGGER = progress.LOGGER
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Choices:
    """What the make form chose; None leaves the choice to the post's settings (or detection)."""
    asr: str
    lang: str | None = None
    tts: str | None = None
    fmt: str | None = None          # narration | conversation
    minutes: str | None = None      # short, default, long or a number of minutes


def check_length(value: str) -> str:
    """A length as the form gives it, checked as --minutes checks it (InputError if not)."""
    length_seconds(value)
    return value


def engines() -> dict[str, list[str]]:
    """The TTS and ASR engines registered in this process (fakes included, in tests)."""
    from ..asr import REGISTRY as ASR_REGISTRY
    from ..tts import REGISTRY as TTS_REGISTRY
    return {"tts": TTS_REGISTRY.names(), "asr": ASR_REGISTRY.names()}


def default_asr() -> str:
    return build_stage.DEFAULT_ASR


def one_line(error: BaseException) -> str:
    """A failed build's message in one line: the cause, then the fix when known."""
    if isinstance(error, PipelineError):
        text = f"{error.cause} (fix: {error.fix})" if error.fix else error.cause
    elif isinstance(error, OSError):
        fault = os_error(error)
        text = f"{fault.cause} (fix: {fault.fix})" if fault.fix else fault.cause
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(str(text).split())


def build(source: str, out: Path, choices: Choices) -> dict:
    """The whole pipeline for one post (python -m pipeline build); returns the verdict."""
    options = build_stage.BuildOptions(tts=choices.tts, asr=choices.asr, lang=choices.lang,
                                       fmt=choices.fmt, minutes=choices.minutes)
    report = build_stage.build(source, out, options)
    return verdict_of(report)


def rebuild(out: Path) -> dict:
    """Only what changed since the last build: the script as it reads now is spoken
    again (segments whose text did not change come from the TTS cache), heard, verified
    and packaged. Ingest and condense do not run, so a hand edit is never overwritten."""
    from ..config.episode import for_episode
    ep = Episode(out)
    report: Mapping = ep.report() if ep.has(REPORT) else {}
    timeline: Mapping = ep.timeline() if ep.has(TIMELINE) else {}
    tts = timeline.get("requested_engine") or report.get("tts_engine") or build_stage.DEFAULT_TTS
    asr = report.get("asr_engine") or build_stage.DEFAULT_ASR
    model = report.get("asr_model") or build_stage.DEFAULT_ASR_MODEL
    build_stage.check_engines(tts, asr, model)
    settings = for_episode(out)
    progress.clear_timings()
    options = build_stage.BuildOptions(tts=tts, asr=asr, asr_model=model)
    build_stage.synthesize_and_transcribe(out, options, settings)
    with progress.stage("verify", label=build_stage.step("verify")):
        new = build_stage.verify_and_heal(out, options, settings)
    with progress.stage("package", label=build_stage.step("package")):
        build_stage.package(out)
    return verdict_of(new)


def verdict_of(report: Mapping[str, Any]) -> dict:
    counts = report.get("counts") or {}
    total = sum(int(v) for v in counts.values())
    return {"verified": bool(report.get("verified")), "survival": report.get("survival"),
            "counts": counts, "total": total, "ok": int(counts.get("ok") or 0)}


def live_stages() -> list[dict]:
    """The stages open right now (outermost first), as the terminal bar shows them."""
    with progress._lock:       # the bar's own state: read, never changed
        stack = list(progress._stack)
        return [{"name": s.name, "label": s.label, "done": s.done, "total": s.total,
                 "amount": s.amount(), "activity": s.activity, "elapsed": round(s.elapsed, 1),
                 "depth": s.depth} for s in stack]


def listen(handler: logging.Handler) -> None:
    """Have the pipeline's INFO lines (each stage's final line) reach `handler` too."""
    root = logging.getLogger(LOGGER)
    if handler not in root.handlers:
        root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)


def stop_listening(handler: logging.Handler) -> None:
    logging.getLogger(LOGGER).removeHandler(handler)


# ------------------------------------------------------------------ reading an episode

def is_episode(folder: Path) -> bool:
    return (folder / POST).is_file() or (folder / SCRIPT).is_file()


def source_of(folder: Path) -> str | None:
    """The post an episode folder was built from (post.json's source), if it says."""
    ep = Episode(folder)
    try:
        return str(ep.post().get("source")) if ep.has(POST) else None
    except (OSError, ValueError, AttributeError):
        return None


def episode_summary(folder: Path) -> dict:
    """One line of the episode list: title, verdict, binding."""
    ep = Episode(folder)
    out: dict[str, Any] = {"slug": folder.name, "title": folder.name, "built": ep.report_path.is_file(),
                           "verdict": None, "stale": None}
    try:
        if ep.script_path.is_file():
            out["title"] = str(ep.script().get("title") or folder.name)
        if ep.report_path.is_file():
            out["verdict"] = verdict_of(ep.report())
            out["stale"] = binding(ep)["stale"]
    except (PipelineError, OSError, ValueError) as e:
        out["problem"] = one_line(e)
    out["notes"] = ep.notes_page_path.is_file()
    out["audio"] = ep.audio_path.is_file()
    return out


def binding(folder: Path | Episode) -> dict:
    from ..verify import binding_status
    b = binding_status(folder)
    return {"stale": b.stale, "changed": list(b.changed), "message": b.message if b.stale else "",
            "cause": b.cause if b.stale else ""}


def episode_view(folder: Path) -> dict:
    """Everything the hear-and-check screen shows, as plain data."""
    ep = Episode(folder)
    script = ep.script()
    post: Mapping = ep.post() if ep.has(POST) else {"sentences": []}
    sentences = {s["id"]: s["text"] for s in post.get("sentences") or []}
    points = []
    for i, p in enumerate(script["points"], 1):
        approved = p.get("approved")
        points.append({"index": i, "id": f"point-{i}", "title": str(p.get("title") or f"Point {i}"),
                       "text": str(p.get("text") or ""),
                       "turns": [{"index": k, "speaker": str(t.get("speaker") or ""), "text": str(t.get("text") or "")}
                                 for k, t in enumerate(p.get("turns") or [], 1) if isinstance(t, dict)],
                       "sources": [sentences.get(s, "") for s in p.get("sources") or [] if s in sentences],
                       "approved": [str(a) for a in (approved if isinstance(approved, list)
                                                     else [approved] if approved is not None else [])]})
    view: dict[str, Any] = {"slug": folder.name, "title": str(script.get("title") or folder.name),
                            "language": script.get("language"), "source": str(script.get("source") or ""),
                            "format": "conversation" if turns.is_conversation(script) else "narration",
                            "hosts": list(turns.voices_of(script)) if turns.is_conversation(script) else [],
                            "points": points, "chapters": [], "numbers": [], "diff": [], "verdict": None,
                            "binding": None, "audio": ep.audio_path.is_file(), "notes": ep.notes_page_path.is_file(),
                            "guard": unapproved(ep)}
    if ep.has(TIMELINE):
        view["chapters"] = chapters_of(cast(list, ep.timeline().get("segments") or []), points)
    if ep.has(REPORT):
        report = cast(dict, ep.report())     # read as plain JSON by the view's helpers
        view["verdict"] = verdict_of(report)
        view["engines"] = {"tts": report.get("tts_engine"), "asr": report.get("asr_engine")}
        rows = [number_row(r, points) for r in report.get("numbers") or []]
        view["numbers"] = sorted(rows, key=lambda r: (r["start"] is None, r["start"] or 0.0))   # as heard
        view["binding"] = binding(ep)
        try:
            view["diff"] = word_diff(ep)
        except (PipelineError, OSError, KeyError, ValueError) as e:
            view["diff_problem"] = one_line(e)
    return view


def chapters_of(segments: list[dict], points: list[dict]) -> list[dict]:
    """The player's chapters: one per segment, but a conversation's turns of one point
    (segments point-2, point-2.2, ... of timeline.json) make one, from its first turn's
    start to its last one's end."""
    titles = {"intro": "Intro", "outro": "Outro", **{p["id"]: p["title"] for p in points}}
    out: list[dict] = []
    for s in segments:
        key = str(s["id"]).split(".")[0]
        if out and out[-1]["id"] == key:
            out[-1]["end"] = s.get("end")
            continue
        out.append({"id": key, "title": titles.get(key, key), "start": s.get("start"), "end": s.get("end")})
    return out


def number_row(row: dict, points: list[dict]) -> dict:
    """A row of verify.json for the table, with the post's sentence it comes from.
    A conversation's turn (segment point-2.3) is of point 2."""
    seg = str(row.get("segment") or "")
    point = next((p for p in points if p["id"] == seg.split(".")[0]), None)
    found = row.get("source")
    origin: dict = found if isinstance(found, dict) else {}
    wanted = str(origin.get("text") or row.get("text") or "")
    sentence = ""
    if point and point["sources"]:
        sentence = next((s for s in point["sources"] if wanted and wanted in s), point["sources"][0])
    return {"text": str(row.get("text") or ""), "heard": str(row.get("heard") or ""),
            "status": str(row.get("status") or ""), "segment": seg,
            "start": row.get("start"), "end": row.get("end"),
            "origin": str(origin.get("status") or ""), "sentence": sentence}


def word_diff(folder: Path | Episode) -> list[dict]:
    from ..publish.diff import episode_diff
    return [{"id": seg["id"], "title": str(seg.get("title") or seg["id"]),
             "ops": [{"kind": op.kind, "text": op.text, "number": op.number} for op in ops]}
            for seg, ops in episode_diff(folder)]


# ------------------------------------------------------------------ fixing a point

def unapproved(folder: Path | Episode) -> list[dict]:
    """Numbers of the script that are neither in the post nor approved (the guard's list)."""
    ep = as_episode(folder)
    if not (ep.has(SCRIPT) and ep.has(POST)):
        return []
    return [{"point": n["point"], "text": n["text"]}
            for n in script_model.unapproved_numbers(ep.script(), ep.post())]


def edit_point(folder: Path, index: int, text: str, approve: list[str]) -> list[dict]:
    """Write point `index`'s new text (and any numbers the person approves) to script.yaml.

    The guard runs first: when the new text has a number that is neither in the post nor
    approved, nothing is written and those numbers are returned (an empty list: written).
    A conversation's points are spoken as their turns: edit a turn there (edit_turn)."""
    def change(script: dict, point: dict) -> str:
        if turns.is_conversation(script):
            raise InputError("a conversation's key point is spoken as its turns",
                             "edit the turn that says it")
        point["text"] = text
        return text
    return _save_point(folder, index, change, approve)


def edit_turn(folder: Path, index: int, turn: int, text: str, approve: list[str]) -> list[dict]:
    """Write turn `turn` of point `index` of a conversation (its speaker kept), as edit_point
    does. The point's own text (show notes, tags) stays its lead host's turns, as condense
    made it: lead turns are the post's sentences verbatim."""
    def change(script: dict, point: dict) -> str:
        said = [dict(t) for t in point.get("turns") or []]
        if not turns.is_conversation(script) or not said:
            raise InputError("this episode is a narration: it has no turns", "edit the key point itself")
        if not 1 <= turn <= len(said):
            raise InputError(f"key point {index} has no turn {turn}", f"choose 1 to {len(said)}")
        said[turn - 1]["text"] = text
        point["turns"] = said
        lead = next(iter(turns.voices_of(cast(Script, script))), None)
        led = " ".join(str(t["text"]) for t in said if str(t.get("speaker")) == lead)
        point["text"] = led or point.get("text")
        return text
    return _save_point(folder, index, change, approve)


def _save_point(folder: Path, index: int, change, approve: list[str]) -> list[dict]:
    """Point `index` changed by `change(script, point) -> the new text`, guarded and written.
    Refused: the numbers of the new text that are neither in the post nor approved."""
    ep = Episode(folder)
    script = ep.script()
    points = script["points"]
    if not 1 <= index <= len(points):
        raise InputError(f"there is no key point {index}", f"choose 1 to {len(points)}")
    point: dict[str, Any] = dict(points[index - 1])
    text = change(cast(dict, script), point)
    approved = point.get("approved")
    kept = approved if isinstance(approved, list) else [] if approved is None else [approved]
    point["approved"] = list(dict.fromkeys([*kept, *approve]))
    if not point["approved"]:
        del point["approved"]
    post = ep.post()
    lang = str(script.get("language") or post["language"])
    point["numbers"] = condense_stage.numbers_of(str(point.get("text") or ""), lang)
    refused = [m.text for m in script_model.untraced(text, script_model.source_mentions(post), lang)
               if not script_model.is_approved(m, point.get("approved"), lang)]
    if refused:
        return [{"point": index, "text": t} for t in dict.fromkeys(refused)]
    candidate: dict[str, Any] = {**script, "points": [*points[:index - 1], point, *points[index:]]}
    fsio.write_yaml(ep.script_path, candidate)
    return []


def guard_message(folder: Path) -> str | None:
    """The guard's own words (what a build would refuse with), or None."""
    try:
        Episode(folder).approved_script()
    except InputError as e:
        return one_line(e)
    return None


# ------------------------------------------------------------------ publishing

def write_feed(episodes: Path) -> Path:
    from ..publish.feed import write_feed as feed
    return Path(feed(episodes, None, None))
