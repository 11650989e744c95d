"""The episode folder: its file names, named once (the Makefile uses the same names).

    ep = Episode(Path("episodes/demo"))
    ep.script          # episodes/demo/script.yaml

The stages between these files are in their own modules (their shapes are in
pipeline.contracts); this one only says where each file lives.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from .contracts import Timeline

# the stages' files, in the order they are made
POST = "post.json"
SCRIPT = "script.yaml"
AUDIO = "episode.mp3"
TIMELINE = "timeline.json"
TRANSCRIPT = "transcript.json"
REPORT = "verify.json"
NOTES = "shownotes.md"
# what verify's healing keeps, and what package and publish write for listeners
OVERRIDES = "overrides.json"
NOTES_PAGE = "shownotes.html"
DIFF_PAGE = "diff.html"
CAPTIONS_VTT = "captions.vtt"
CAPTIONS_SRT = "captions.srt"
PODCAST_TRANSCRIPT = "transcript.podcast.json"
CHAPTERS = "chapters.json"
# condense's record of the script it wrote (a later hand edit is kept, not overwritten)
SCRIPT_META = ".script.meta.json"


def segment_windows(timeline: Timeline) -> list[tuple[float, float]]:
    """Split the episode at the middle of each pause between segments."""
    segs = timeline["segments"]
    bounds = []
    for i, s in enumerate(segs):
        lo = 0.0 if i == 0 else (segs[i - 1]["end"] + s["start"]) / 2
        hi = float("inf") if i == len(segs) - 1 else (s["end"] + segs[i + 1]["start"]) / 2
        bounds.append((lo, hi))
    return bounds


@dataclass(frozen=True, init=False)
class Episode:
    dir: Path

    def __init__(self, dir: str | os.PathLike[str]) -> None:
        object.__setattr__(self, "dir", Path(dir))

    @property
    def post(self) -> Path:
        return self.dir / POST

    @property
    def script(self) -> Path:
        return self.dir / SCRIPT

    @property
    def audio(self) -> Path:
        return self.dir / AUDIO

    @property
    def timeline(self) -> Path:
        return self.dir / TIMELINE

    @property
    def transcript(self) -> Path:
        return self.dir / TRANSCRIPT

    @property
    def report(self) -> Path:
        return self.dir / REPORT

    @property
    def notes(self) -> Path:
        return self.dir / NOTES

    @property
    def overrides(self) -> Path:
        return self.dir / OVERRIDES

    @property
    def notes_page(self) -> Path:
        return self.dir / NOTES_PAGE

    @property
    def diff_page(self) -> Path:
        return self.dir / DIFF_PAGE

    @property
    def script_meta(self) -> Path:
        return self.dir / SCRIPT_META
