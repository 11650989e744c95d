"""Podcasting 2.0 chapters (chapters.json): intro, one per key point, outro."""

from __future__ import annotations

import os
from pathlib import Path

from .. import fsio
from ..condense import load_script, segments
from ..contracts import Script
from ..episode import TIMELINE
from ..episode import SCRIPT as SCRIPT_YAML   # SCRIPT here is the page's JavaScript
from ..errors import InputError
from ..text import sanitize


CHAPTERS = "chapters.json"


def _need(ep: Path, *names: str) -> None:
    for name in names:
        if not (ep / name).exists():
            raise InputError(f"{ep / name} does not exist yet",
                             "build the episode first (make episode SRC=...)")


# ------------------------------------------------------------------ chapters

def chapter_list(script: Script, timeline: dict) -> list[dict]:
    timed = {s["id"]: s for s in timeline.get("segments") or []}
    lang = script.get("language") or "en"
    names = {"intro": {"en": "Intro", "fr": "Introduction"},
             "outro": {"en": "Outro", "fr": "Conclusion"}}
    chapters = []
    for seg in segments(script):
        t = timed.get(seg["id"])
        if t is None:
            continue
        title = names[seg["id"]].get(lang, seg["title"]) if seg["id"] in names else seg["title"]
        chapters.append({"startTime": round(max(0.0, float(t["start"])), 3),
                         "title": sanitize(title)})
    chapters.sort(key=lambda c: c["startTime"])
    if chapters:
        chapters[0]["startTime"] = 0.0      # players show a chapter from the very start
    return chapters


def chapters_json(ep_dir: str | os.PathLike) -> Path:
    ep = Path(ep_dir)
    _need(ep, SCRIPT_YAML, TIMELINE)
    chapters = chapter_list(load_script(ep / SCRIPT_YAML), fsio.read_json(ep / TIMELINE))
    return fsio.write_json(ep / CHAPTERS, {"version": "1.2.0", "chapters": chapters})

