"""chapters.json (Podcasting 2.0): the episode's chapters as pipeline.audio.chapters
computes them, the same list synthesize writes as the MP3's ID3 CHAP frames."""

from __future__ import annotations

import os
from pathlib import Path

from .. import fsio
from ..audio.chapters import chapter_list
from ..episode import CHAPTERS as CHAPTERS_JSON
from ..episode import SCRIPT as SCRIPT_YAML
from ..episode import TIMELINE, Episode, as_episode
from ..script import segments
from .notes import need

CHAPTERS = CHAPTERS_JSON


def chapters_json(ep_dir: str | os.PathLike | Episode) -> Path:
    """<ep>/chapters.json (Podcasting 2.0): the chapters of the script's segments as timed."""
    files = as_episode(ep_dir)
    ep = files.dir
    need(ep, SCRIPT_YAML, TIMELINE)
    script, timeline = files.script(), files.timeline()
    starts = {s["id"]: s["start"] for s in timeline.get("segments") or []}
    timed = [{**seg, "start": starts[seg["id"]]} for seg in segments(script) if seg["id"] in starts]
    chapters = chapter_list(timed, script.get("language") or "en", timeline.get("duration") or 0.0)
    return fsio.write_json(ep / CHAPTERS, {"version": "1.2.0", "chapters": [
        {"startTime": round(c["start"], 3), "title": c["title"]} for c in chapters]})
