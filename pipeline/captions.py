"""Publishing: transcript.json -> captions.vtt, captions.srt, transcript.podcast.json.

Cues are built from Whisper's word timings:
  * a line holds at most LINE_CHARS characters (a longer single word is cut),
    a cue at most MAX_LINES lines;
  * a cue also ends after a sentence-ending word (once it holds at least
    MIN_SENTENCE_CUE characters), before a pause of PAUSE_S or more, and
    before it would last more than MAX_CUE_S;
  * cue times are whole milliseconds, strictly increasing, never overlapping,
    inside [0, duration];
  * the cue text is exactly the transcript's words in order, so joining every
    cue gives back the transcript text (modulo whitespace).

When a transcript has no word timings (segment-level only), each segment's
words are spread evenly over the segment's time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from . import fsio
from .text import sanitize
from .errors import InputError

LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_S = 7.0
PAUSE_S = 1.2
MIN_SENTENCE_CUE = LINE_CHARS // 2   # shorter cues run on past a sentence end
SENTENCE_END_RE = re.compile(r"[.!?…。]['\"»”’)\]]*$")

VTT, SRT, PODCAST_JSON = "captions.vtt", "captions.srt", "transcript.podcast.json"


@dataclass
class Word:
    text: str
    start: float
    end: float


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


# ------------------------------------------------------------------ reading

def transcript_word_list(transcript: dict) -> list[Word]:
    """The transcript's words, stripped, with times (empty words dropped)."""
    out: list[Word] = []
    for seg in transcript.get("segments") or []:
        words = seg.get("words") or []
        if words:
            for w in words:
                text = sanitize(w.get("word")).strip()
                if text:
                    out.append(Word(text, float(w.get("start") or 0.0), float(w.get("end") or 0.0)))
            continue
        tokens = sanitize(seg.get("text")).split()     # no word timings: spread evenly
        if not tokens:
            continue
        s, e = float(seg.get("start") or 0.0), float(seg.get("end") or 0.0)
        step = max(e - s, 0.0) / len(tokens)
        out += [Word(t, s + i * step, s + (i + 1) * step) for i, t in enumerate(tokens)]
    return out


def duration_of(transcript: dict, words: list[Word]) -> float:
    d = transcript.get("duration")
    if isinstance(d, (int, float)) and d > 0:
        return float(d)
    return max((w.end for w in words), default=0.0)


# ------------------------------------------------------------------ cue building

def split_long(token: str, width: int = LINE_CHARS) -> list[str]:
    return [token[i:i + width] for i in range(0, len(token), width)] or [token]


def group_words(words: list[Word]) -> list[tuple[list[str], float, float]]:
    """Greedy line filling: [(lines, start_s, end_s)] before timing is made safe."""
    groups: list[tuple[list[str], float, float]] = []
    lines: list[str] = []
    start = end = 0.0
    prev_text = ""

    def flush():
        nonlocal lines
        if lines:
            groups.append((lines, start, end))
        lines = []

    for w in words:
        if lines and (w.start - end >= PAUSE_S or w.end - start > MAX_CUE_S
                      or (SENTENCE_END_RE.search(prev_text) and len(" ".join(lines)) >= MIN_SENTENCE_CUE)):
            flush()
        for piece in split_long(w.text):
            if not lines:
                lines, start = [piece], w.start
            elif len(lines[-1]) + 1 + len(piece) <= LINE_CHARS:
                lines[-1] += " " + piece
            elif len(lines) < MAX_LINES:
                lines.append(piece)
            else:
                flush()
                lines, start = [piece], w.start
            end = w.end
        prev_text = w.text
    flush()
    return groups


def build_cues(words: list[Word], duration: float) -> list[Cue]:
    groups = group_words(words)
    if not groups:
        return []
    dur_ms = int(duration * 1000)
    if dur_ms < len(groups):          # not even 1 ms per cue: the duration is wrong
        dur_ms = max(int(max(g[2] for g in groups) * 1000), len(groups))
    starts = [max(0, round(g[1] * 1000)) for g in groups]
    ends = [round(g[2] * 1000) for g in groups]
    # forward: no overlap, at least 1 ms each
    prev_end = 0
    for i in range(len(groups)):
        starts[i] = max(starts[i], prev_end)
        ends[i] = max(ends[i], starts[i] + 1)
        prev_end = ends[i]
    # backward: inside the audio (pushes the last cues earlier if Whisper overshot)
    limit = dur_ms
    for i in reversed(range(len(groups))):
        ends[i] = min(ends[i], limit)
        starts[i] = min(starts[i], ends[i] - 1)
        limit = starts[i]
    return [Cue(s, e, g[0]) for s, e, g in zip(starts, ends, groups)]


# ------------------------------------------------------------------ formats

def stamp(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def as_vtt(cues: list[Cue]) -> str:
    out = ["WEBVTT", ""]
    for i, c in enumerate(cues, 1):
        out += [str(i), f"{stamp(c.start_ms, '.')} --> {stamp(c.end_ms, '.')}"]
        out += [html.escape(line, quote=False) for line in c.lines]   # & < > are markup in VTT
        out.append("")
    return "\n".join(out) + "\n"


def as_srt(cues: list[Cue]) -> str:
    # SRT has no escaping; "-->" inside text could pass for a timing line, so a
    # space is put inside it (the words are unchanged modulo whitespace).
    out = []
    for i, c in enumerate(cues, 1):
        out += [str(i), f"{stamp(c.start_ms, ',')} --> {stamp(c.end_ms, ',')}"]
        out += [line.replace("-->", "-- >") for line in c.lines]
        out.append("")
    return "\n".join(out) + "\n"


def as_podcast_json(cues: list[Cue], speaker: str | None = None) -> dict:
    segs = []
    for c in cues:
        seg = {"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "body": c.text}
        if speaker:
            seg["speaker"] = speaker
        segs.append(seg)
    return {"version": "1.0.0", "segments": segs}


def captions(transcript_path: str | Path, out_dir: str | Path,
             speaker: str | None = None) -> dict[str, Path]:
    """Write captions.vtt, captions.srt and transcript.podcast.json into out_dir."""
    transcript_path, out_dir = Path(transcript_path), Path(out_dir)
    if not transcript_path.exists():
        raise InputError(f"{transcript_path} does not exist",
                         "build the episode first (make episode SRC=...)")
    try:
        transcript = fsio.read_json(transcript_path)
    except ValueError as e:
        raise InputError(f"{transcript_path} is not valid JSON: {e}",
                         "rebuild it: delete the file and run make episode again") from None
    if not isinstance(transcript, dict) or not isinstance(transcript.get("segments"), list):
        raise InputError(f"{transcript_path} has no 'segments' list",
                         "rebuild it: delete the file and run make episode again")
    words = transcript_word_list(transcript)
    cues = build_cues(words, duration_of(transcript, words))
    return {
        "vtt": fsio.write_text(out_dir / VTT, as_vtt(cues)),
        "srt": fsio.write_text(out_dir / SRT, as_srt(cues)),
        "json": fsio.write_json(out_dir / PODCAST_JSON, as_podcast_json(cues, speaker)),
    }
