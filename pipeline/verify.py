"""Stage 5, verify: script.yaml + timeline.json + transcript.json -> verify.json.

Every number of the script is looked for in what Whisper heard during that
segment, compared by value (numbers.compare), and given the time it was heard
at. An episode is verified only when no number was lost or changed.
"""

from dataclasses import dataclass
from pathlib import Path

from . import fsio, numbers
from .condense import load_script, segments, source_text

FAILING = ("lost", "changed")
# Words heard up to this far outside a segment's audio still belong to it
# (Whisper's word times drift by a few hundred milliseconds).
EDGE_S = 0.25


@dataclass
class HeardText:
    text: str
    spans: list[tuple[int, int, float, float]]   # char start, char end, t start, t end

    def times(self, start: int, end: int) -> tuple[float, float] | None:
        hit = [(ts, te) for cs, ce, ts, te in self.spans if cs < end and ce > start]
        return (hit[0][0], hit[-1][1]) if hit else None


def transcript_words(transcript: dict) -> list[dict]:
    return [w for seg in transcript["segments"] for w in seg.get("words") or []]


def segment_windows(timeline: dict) -> list[tuple[float, float]]:
    """Split the episode at the middle of each pause between segments."""
    segs = timeline["segments"]
    bounds = []
    for i, s in enumerate(segs):
        lo = 0.0 if i == 0 else (segs[i - 1]["end"] + s["start"]) / 2
        hi = float("inf") if i == len(segs) - 1 else (s["end"] + segs[i + 1]["start"]) / 2
        bounds.append((lo, hi))
    return bounds


def heard_in(words: list[dict], lo: float, hi: float) -> HeardText:
    parts, spans, pos = [], [], 0
    for w in words:
        mid = (w["start"] + w["end"]) / 2
        if lo - EDGE_S <= mid < hi:
            token = w["word"] if parts else w["word"].lstrip()
            start = pos + (len(token) - len(token.lstrip()))
            parts.append(token)
            pos += len(token)
            spans.append((start, pos, w["start"], w["end"]))
    return HeardText("".join(parts), spans)


def check_segment(seg: dict, heard: HeardText, lang: str,
                  source: list | None) -> list[dict]:
    mentions = numbers.extract(seg["text"], lang)
    if not mentions:
        return []
    matches = numbers.compare(mentions, heard.text, lang)
    origins = numbers.trace(mentions, source, lang) if source is not None else [None] * len(mentions)
    rows = []
    for match, origin in zip(matches, origins):
        times = heard.times(match.heard.start, match.heard.end) if match.heard else None
        start, end = times or (seg["start"], seg["end"])
        rows.append({
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
        })
    return rows


def _origin(origin, segment_id: str) -> dict:
    if origin is not None:
        return {"status": "sourced", "text": origin.text, "start": origin.start, "end": origin.end}
    if segment_id in ("intro", "outro"):
        return {"status": "added", "text": None, "start": None, "end": None}
    return {"status": "unsourced", "text": None, "start": None, "end": None}


def summarize(rows: list[dict]) -> dict:
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


def verify(script_path: Path, timeline_path: Path, transcript_path: Path, out_path: Path,
           post_path: Path | None = None, lint_flags: list | None = None) -> dict:
    script = load_script(script_path)
    timeline = fsio.read_json(timeline_path)
    transcript = fsio.read_json(transcript_path)
    post = fsio.read_json(post_path) if post_path and Path(post_path).exists() else None
    lang = script["language"]
    words = transcript_words(transcript)
    timed = {s["id"]: s for s in timeline["segments"]}
    source = numbers.extract(source_text(post), lang) if post else None
    rows = []
    windows = dict(zip([s["id"] for s in timeline["segments"]], segment_windows(timeline)))
    for seg in segments(script):
        t = timed.get(seg["id"])
        if t is None:
            continue
        seg = {**seg, "start": t["start"], "end": t["end"]}
        heard = heard_in(words, *windows[seg["id"]])
        rows.extend(check_segment(seg, heard, lang, source))
    summary = summarize(rows)
    report = {
        "language": lang,
        "tts_engine": timeline.get("tts_engine"),
        "asr_engine": transcript.get("engine"),
        "asr_model": transcript.get("model"),
        "survival": summary["survival"],
        "verified": summary["verified"],
        "counts": summary["counts"],
        "unsourced": summary["unsourced"],
        "numbers": rows,
        "lint": lint_flags if lint_flags is not None else (post or {}).get("lint", []),
    }
    fsio.write_json(out_path, report)
    return report
