"""The episode folder: where each file lives, and each file read once, typed.

    ep = Episode(Path("episodes/demo"))
    ep.script_path     # episodes/demo/script.yaml
    ep.script()        # its Script, read and checked on first use, then kept
    ep.windows()       # {segment id: (start, end)}: where each segment's words are heard

The file names are pipeline.contracts' (with the shape of each file). An Episode
is a snapshot: a stage that rewrites a file reads it afresh through a new Episode
(or after forget()), never through one that has cached the old content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, TypeVar, cast

from . import fsio
from .contracts import (  # noqa: F401  (the file names: imported from here by the stages)
    AUDIO,
    CAPTIONS_SRT,
    CAPTIONS_VTT,
    CHAPTERS,
    DIFF_PAGE,
    NOTES,
    NOTES_PAGE,
    OVERRIDES,
    PODCAST_TRANSCRIPT,
    POST,
    REPORT,
    SCRIPT,
    SCRIPT_META,
    TIMELINE,
    TRANSCRIPT,
    Post,
    Report,
    Script,
    Timeline,
    Transcript,
)
from .errors import CorruptFile
from .script import approved, load_script, no_post

T = TypeVar("T")
# The keys every reader of verify.json needs.
REPORT_KEYS = ("verified", "counts", "numbers")


def segment_windows(timeline: Timeline) -> list[tuple[float, float]]:
    """Split the episode at the middle of each pause between segments."""
    segs = timeline["segments"]
    bounds = []
    for i, s in enumerate(segs):
        lo = 0.0 if i == 0 else (segs[i - 1]["end"] + s["start"]) / 2
        hi = float("inf") if i == len(segs) - 1 else (s["end"] + segs[i + 1]["start"]) / 2
        bounds.append((lo, hi))
    return bounds


def windows_by_id(timeline: Timeline) -> dict[str, tuple[float, float]]:
    """segment_windows keyed by segment id."""
    return dict(zip([s["id"] for s in timeline["segments"]], segment_windows(timeline)))


def read_report(path: Path) -> Report:
    """verify.json, refused in one line when it is not a report verify wrote."""
    report = fsio.read_json(path)
    if not isinstance(report, dict) or any(k not in report for k in REPORT_KEYS):
        raise CorruptFile(f"{path} is not a verification report (it needs {', '.join(REPORT_KEYS)})",
                          "run verify again (python -m pipeline verify EPISODE_DIR)")
    return cast(Report, report)      # the keys every reader needs are checked above


def read_segments(path: Path) -> Any:
    """timeline.json or transcript.json (typed by its reader), refused in one line when
    it has no list of segments."""
    data = fsio.read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise CorruptFile(f"{path} has no 'segments' list",
                          "rebuild it: delete the file and run make episode again")
    return data


class Episode:
    """An episode folder: its files' paths, and their contents read once each."""

    def __init__(self, dir: str | os.PathLike[str] | Episode) -> None:
        self.dir: Path = dir.dir if isinstance(dir, Episode) else Path(dir)
        self._read: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Episode({str(self.dir)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Episode) and other.dir == self.dir

    def __hash__(self) -> int:
        return hash(self.dir)

    def path(self, name: str) -> Path:
        return self.dir / name

    post_path = property(lambda self: self.dir / POST)
    script_path = property(lambda self: self.dir / SCRIPT)
    audio_path = property(lambda self: self.dir / AUDIO)
    timeline_path = property(lambda self: self.dir / TIMELINE)
    transcript_path = property(lambda self: self.dir / TRANSCRIPT)
    report_path = property(lambda self: self.dir / REPORT)
    notes_path = property(lambda self: self.dir / NOTES)
    overrides_path = property(lambda self: self.dir / OVERRIDES)
    notes_page_path = property(lambda self: self.dir / NOTES_PAGE)
    diff_page_path = property(lambda self: self.dir / DIFF_PAGE)
    script_meta_path = property(lambda self: self.dir / SCRIPT_META)

    def has(self, name: str) -> bool:
        return (self.dir / name).is_file()

    def _once(self, name: str, read: Callable[[Path], T]) -> T:
        if name not in self._read:
            self._read[name] = read(self.dir / name)
        return cast(T, self._read[name])

    def post(self) -> Post:
        return self._once(POST, fsio.read_json)

    def post_or_none(self) -> Post | None:
        """post.json when there is one (an episode built from a script alone has none)."""
        return self.post() if self.has(POST) else None

    def script(self) -> Script:
        return self._once(SCRIPT, load_script)

    def approved_script(self) -> Script:
        """script(), refused while it has a number neither in post() nor approved
        (pipeline.script.approved): what may be spoken."""
        if not self.has(POST):
            raise no_post(self.script_path, self.post_path)
        return approved(self.script(), self.post(), self.script_path)

    def timeline(self) -> Timeline:
        return self._once(TIMELINE, read_segments)

    def transcript(self) -> Transcript:
        return self._once(TRANSCRIPT, read_segments)

    def report(self) -> Report:
        return self._once(REPORT, read_report)

    def windows(self) -> dict[str, tuple[float, float]]:
        """Where each segment's words are heard (windows_by_id of the timeline)."""
        return self._once("windows", lambda _: windows_by_id(self.timeline()))

    def forget(self, *names: str) -> None:
        """Read these files (all, when none is named) afresh on next use."""
        for name in names or list(self._read):
            self._read.pop(name, None)
        self._read.pop("windows", None)


def as_episode(ep: str | os.PathLike[str] | Episode) -> Episode:
    """`ep` itself when it is an Episode already (its reads are shared), else a new one."""
    return ep if isinstance(ep, Episode) else Episode(ep)


# What a rebuild from empty caches gives again (issue 26): these files byte for byte, and the
# report apart from fields that time the run (the second hearing's cpu_seconds).
SAME_BYTES = (AUDIO, TIMELINE, TRANSCRIPT)
TIMING_KEYS = frozenset({"seconds", "cpu_seconds", "elapsed", "wall", "started", "finished"})


def untimed(data: Any) -> Any:
    """`data` without the keys that time a run, at any depth."""
    if isinstance(data, dict):
        return {k: untimed(v) for k, v in data.items() if k not in TIMING_KEYS}
    if isinstance(data, list):
        return [untimed(v) for v in data]
    return data


def fingerprint(folder: Path) -> dict[str, str | None]:
    """SHA-256 of each reproducible file of an episode folder (None: missing); verify.json's
    is the digest of its untimed content. Two builds of the same post, settings and offline
    engines from empty caches have the same fingerprint."""
    folder = Path(folder)
    out: dict[str, str | None] = {}
    for name in SAME_BYTES:
        out[name] = fsio.sha256_file(folder / name) if (folder / name).is_file() else None
    report = folder / REPORT
    out[REPORT] = fsio.json_digest(untimed(fsio.read_json(report))) if report.is_file() else None
    return out
