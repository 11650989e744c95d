"""Publishing: an episode -> captions.vtt, captions.srt, transcript.podcast.json.

What listeners read is the SCRIPT's own words (numbers exactly as the script
writes them, the ones verify checked), not Whisper's raw text: Whisper splits
numbers ("14 ,800"), and can hallucinate in silence. Whisper is only the clock.
Whisper's raw words stay in transcript.json (for `make diff`).

Timing: within each timeline segment, the script's words are aligned to the
words Whisper heard in that segment's window (difflib over normalized tokens:
lower case, letters and digits only). An aligned word takes Whisper's times;
the others are spread between their aligned neighbours by length; every time
is kept inside the segment's own audio (timeline start..end). A segment the
timeline does not have was never spoken and gets no cue.

Cues:
  * never cross a segment boundary, so no cue falls in the pause between two;
  * a line holds at most 42 characters in VTT and 32 in SRT, a cue at most
    MAX_LINES lines; lines break between words only, and a number mention
    ("1.5 million", "$3.2 billion") stays on one line with, for a bare number,
    the word after it ("14,800 km") when the line allows;
  * a cue also ends after a sentence end (once it holds MIN_SENTENCE_CUE
    characters), before a pause of PAUSE_S or more, and before MAX_CUE_S;
  * times are whole milliseconds, strictly increasing, never overlapping,
    inside [0, duration].
"""

from __future__ import annotations

import difflib
import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import fsio, numbers
from ..contracts import Script, Timeline, Transcript
from ..episode import CAPTIONS_SRT, CAPTIONS_VTT, PODCAST_TRANSCRIPT, SCRIPT, TIMELINE, TRANSCRIPT, Episode, as_episode
from ..script import segments
from ..text import sanitize
from .notes import need

LINE_CHARS = {"vtt": 42, "srt": 32}
MAX_LINES = 2
MAX_CUE_S = 7.0
PAUSE_S = 1.2
MIN_SENTENCE_CUE = 21          # shorter cues run on past a sentence end
SENTENCE_END_RE = re.compile(r"[.!?…。]['\"»”’)\]]*$")
# Words split at ordinary spaces only: "1\u00a0500" and "95\u202f%" stay one token, verbatim.
TOKEN_RE = re.compile(r"[^ \t\r\n\f\v]+")
NORM_RE = re.compile(r"[\W_]+")

VTT, SRT, PODCAST_JSON = CAPTIONS_VTT, CAPTIONS_SRT, PODCAST_TRANSCRIPT


@dataclass
class Word:
    text: str
    start: float
    end: float
    glue: bool = False          # keep on the same line as the next word when it fits


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    lines: list[str]
    speaker: str | None = None      # the host who says it (a conversation)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


# ------------------------------------------------------------------ script words, timed

def norm(token: str) -> str:
    return NORM_RE.sub("", token.lower())


def heard_words(words: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Whisper's words, a piece without a leading space joined to the word before
    (Whisper cuts "14,800" into " 14" and ",800")."""
    out: list[dict] = []
    for w in words:
        text = str(w.get("word") or "")
        if out and text and not text[0].isspace():
            out[-1] = {**out[-1], "word": out[-1]["word"] + text, "end": w["end"]}
        elif text.strip():
            out.append(dict(w))
    return out


def align_times(tokens: list[str], heard: list[dict], lo: float, hi: float) -> list[tuple[float, float]]:
    """(start, end) for each script token, inside [lo, hi]."""
    a, b = [norm(t) for t in tokens], [norm(w["word"]) for w in heard]
    known: list[tuple[float, float] | None] = [None] * len(tokens)
    for i, j, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(n):
            if a[i + k]:
                w = heard[j + k]
                s = min(max(float(w["start"]), lo), hi)
                known[i + k] = (s, min(max(float(w["end"]), s), hi))
    return interpolate(tokens, known, lo, hi)


def interpolate(tokens: list[str], known: list, lo: float, hi: float) -> list[tuple[float, float]]:
    """Spread each run of unaligned tokens between its neighbours, by length; monotonic."""
    out: list[tuple[float, float]] = []
    i = 0
    while i < len(tokens):
        if known[i] is not None:
            s, e = known[i]
            prev = out[-1][1] if out else lo
            s = max(s, prev)
            out.append((s, max(e, s)))
            i += 1
            continue
        j = i
        while j < len(tokens) and known[j] is None:
            j += 1
        left = out[-1][1] if out else lo
        right = max(known[j][0] if j < len(tokens) else hi, left)
        weights = [len(t) + 1 for t in tokens[i:j]]
        step, t = (right - left) / sum(weights), left
        for wgt in weights:
            out.append((t, t + wgt * step))
            t += wgt * step
        i = j
    return out


def glue_flags(text: str, spans: list[tuple[int, int]], lang: str) -> list[bool]:
    """True for a token that should stay on one line with the next: inside a number
    mention, and a bare number before its unit or noun."""
    glue = [False] * len(spans)
    for m in numbers.extract(text, lang):
        inside = [k for k, (s, e) in enumerate(spans) if s < m.end and e > m.start]
        if not inside:
            continue
        for k in inside[:-1]:
            glue[k] = True
        if m.kind == "number" and inside[-1] + 1 < len(spans):
            glue[inside[-1]] = True
    return glue


def segment_words(seg_text: str, heard: list[dict], lo: float, hi: float, lang: str) -> list[Word]:
    matches = list(TOKEN_RE.finditer(seg_text))
    tokens = [m.group() for m in matches]
    if not tokens:
        return []
    times = align_times(tokens, heard, lo, hi)
    glue = glue_flags(seg_text, [m.span() for m in matches], lang)
    return [Word(t, s, e, g) for t, (s, e), g in zip(tokens, times, glue)]


def script_words(script: Script, timeline: Timeline,
                 transcript: Transcript) -> list[tuple[list[Word], float, float]]:
    """The script's words, segment by segment, timed on the episode's audio,
    each with its segment's span."""
    from ..episode import windows_by_id
    from ..verify.heard import EDGE_S, transcript_words

    timed = {s["id"]: s for s in timeline.get("segments") or []}
    windows = windows_by_id(timeline)
    words = heard_words(transcript_words(transcript))
    lang = script["language"]
    out = []
    for seg in segments(script):
        t = timed.get(seg["id"])
        if t is None:
            continue                      # never spoken: nothing to caption
        w_lo, w_hi = windows[seg["id"]]
        heard = [w for w in words if w_lo - EDGE_S <= (w["start"] + w["end"]) / 2 < w_hi]
        lo, hi = float(t["start"]), float(t["end"])
        out.append((segment_words(sanitize(str(seg["text"])).strip(), heard, lo, hi, lang), lo, hi))
    return out


# ------------------------------------------------------------------ cue building

def line_parts(words: list[Word], width: int) -> list[list[Word]]:
    """Words that go on one line together: glued words while they fit, else one word;
    a single token longer than a line (a URL; never a number) is cut."""
    parts: list[list[Word]] = []
    for w in words:
        if parts and parts[-1][-1].glue and part_len(parts[-1]) + 1 + len(w.text) <= width:
            parts[-1].append(w)
        elif len(w.text) > width:
            parts += [[Word(w.text[i:i + width], w.start, w.end)]
                      for i in range(0, len(w.text), width)]
        else:
            parts.append([w])
    return parts


def part_len(part: list[Word]) -> int:
    return len(" ".join(w.text for w in part))


def group_words(words: list[Word], width: int) -> list[tuple[list[str], float, float]]:
    """Greedy line filling of one segment: [(lines, start_s, end_s)]."""
    groups: list[tuple[list[str], float, float]] = []
    lines: list[str] = []
    start = end = 0.0
    prev_text = ""
    for part in line_parts(words, width):
        text, p_start, p_end = " ".join(w.text for w in part), part[0].start, part[-1].end
        if lines and (p_start - end >= PAUSE_S or p_end - start > MAX_CUE_S
                      or (SENTENCE_END_RE.search(prev_text)
                          and len(" ".join(lines)) >= MIN_SENTENCE_CUE)):
            groups.append((lines, start, end))
            lines = []
        if not lines:
            lines, start = [text], p_start
        elif len(lines[-1]) + 1 + len(text) <= width:
            lines[-1] += " " + text
        elif len(lines) < MAX_LINES:
            lines.append(text)
        else:
            groups.append((lines, start, end))
            lines, start = [text], p_start
        end, prev_text = p_end, text
    if lines:
        groups.append((lines, start, end))
    return groups


def build_cues(groups: list[tuple[list[str], float, float]], duration: float,
               floor_ms: int = 0) -> list[Cue]:
    """Cues in whole milliseconds, at least 1 ms each, none overlapping, none
    starting before `floor_ms` or ending after `duration` (a segment's end)."""
    if not groups:
        return []
    dur_ms = int(duration * 1000)
    if dur_ms - floor_ms < len(groups):     # not even 1 ms per cue: the duration is wrong
        dur_ms = max(int(max(g[2] for g in groups) * 1000), floor_ms + len(groups))
    starts = [max(floor_ms, round(g[1] * 1000)) for g in groups]
    ends = [round(g[2] * 1000) for g in groups]
    prev_end = floor_ms                     # forward: no overlap, at least 1 ms each
    for i in range(len(groups)):
        starts[i] = max(starts[i], prev_end)
        ends[i] = max(ends[i], starts[i] + 1)
        prev_end = ends[i]
    limit = dur_ms                          # backward: inside the span
    for i in reversed(range(len(groups))):
        ends[i] = min(ends[i], limit)
        starts[i] = min(starts[i], ends[i] - 1)
        limit = starts[i]
    return [Cue(s, e, g[0]) for s, e, g in zip(starts, ends, groups)]


def cues_for(spoken: list[tuple[list[Word], float, float]], duration: float,
             width: int, speakers: Sequence[str | None] = ()) -> list[Cue]:
    """Each segment's cues stay inside its [lo, hi] span (never in a pause),
    rounded to milliseconds inward so a cue never ends past its segment; with
    `speakers` (one per segment), each cue names its segment's speaker."""
    cues: list[Cue] = []
    for i, (words, lo, hi) in enumerate(spoken):
        groups = group_words(words, width)
        if not groups:
            continue
        floor_ms = max(cues[-1].end_ms if cues else 0, math.ceil(lo * 1000))
        made = build_cues(groups, math.floor(min(hi, duration) * 1000) / 1000, floor_ms)
        for c in made:
            c.speaker = speakers[i] if i < len(speakers) else None
        cues += made
    return cues


def segment_speakers(script: Script, timeline: Timeline) -> list[str | None]:
    """The speaker of each timed segment, in script_words' order (None: narration)."""
    timed = {s["id"] for s in timeline.get("segments") or []}
    return [seg.get("speaker") for seg in segments(script) if seg["id"] in timed]


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
        lines = [html.escape(line, quote=False) for line in c.lines]   # & < > are markup in VTT
        if c.speaker:           # a voice span: players show or style who speaks
            lines[0] = f"<v {html.escape(c.speaker, quote=False)}>{lines[0]}"
            lines[-1] += "</v>"
        out += lines
        out.append("")
    return "\n".join(out) + "\n"


def as_srt(cues: list[Cue]) -> str:
    # SRT has no escaping; "-->" inside text could pass for a timing line, so a
    # space is put inside it (the words are unchanged modulo whitespace).
    out = []
    for i, c in enumerate(cues, 1):
        out += [str(i), f"{stamp(c.start_ms, ',')} --> {stamp(c.end_ms, ',')}"]
        lines = [line.replace("-->", "-- >") for line in c.lines]
        if c.speaker:
            lines[0] = f"{c.speaker.replace('-->', '-- >')}: {lines[0]}"
        out += lines
        out.append("")
    return "\n".join(out) + "\n"


def as_podcast_json(cues: list[Cue], speaker: str | None = None) -> dict:
    segs = []
    for c in cues:
        seg = {"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "body": c.text}
        if c.speaker or speaker:
            seg["speaker"] = c.speaker or speaker
        segs.append(seg)
    return {"version": "1.0.0", "segments": segs}


def captions(ep_dir: str | Path | Episode, speaker: str | None = None) -> dict[str, Path]:
    """Write captions.vtt, captions.srt and transcript.podcast.json into the episode folder."""
    ep = as_episode(ep_dir)
    need(ep.dir, SCRIPT, TIMELINE, TRANSCRIPT)
    timeline, script = ep.timeline(), ep.script()
    words = script_words(script, timeline, ep.transcript())
    who = segment_speakers(script, timeline)
    duration = float(timeline.get("duration") or max((hi for _, _, hi in words), default=0.0))
    vtt = cues_for(words, duration, LINE_CHARS["vtt"], who)
    return {
        "vtt": fsio.write_text(ep.dir / VTT, as_vtt(vtt)),
        "srt": fsio.write_text(ep.dir / SRT, as_srt(cues_for(words, duration, LINE_CHARS["srt"], who))),
        "json": fsio.write_json(ep.dir / PODCAST_JSON, as_podcast_json(vtt, speaker)),
    }
