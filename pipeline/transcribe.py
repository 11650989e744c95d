"""The transcription stage: audio file -> transcript.json.

Cached by audio content: the key is sha256 over (audio bytes' sha256, engine,
model, language, decode settings), and the transcript lives in
CACHE_DIR/transcripts/<key>.json. A valid cached transcript is reused without
loading any model.

Episodes (`transcribe_episode`, used by the build) are also transcribed
incrementally. Whisper pads every window to 30 s, so the episode is
transcribed in one go (never segment by segment) with word timestamps, and
its words are split into the script's segments at the middle of each pause
(verify.segment_windows). Each segment's words are then cached with times
relative to the segment's start, under a key made of the segment's raw speech
identity (timeline.json's `audio_key`: sha256 of its TTS WAV), the engine, the
model, the language, the decode settings and any music bed under it. On a
rebuild whose MP3 changed (one key point edited, or heal re-speaking one
segment), the unchanged segments' words are taken from that cache, shifted to
their new start, and only the changed segments are transcribed: their time
windows are cut out of the new episode (one cut per run of adjacent changed
segments) and their words shifted back by the cut's start. When more than half
of the segments changed, the whole episode is transcribed again instead.

Why reusing is sound: an unchanged segment is the very same speech samples
(same audio_key), placed into the episode with the same pauses around it; the
only episode-wide difference is the mastering gain (loudness normalization
and the true-peak limiter act on the whole mix, so the level can move by a
fraction of a dB) and the MP3 re-encoding. Whisper's input is a log-mel
spectrogram clamped relative to its maximum, so such a gain shifts it by a
tiny constant: the words are those heard before. Nothing from the script is
ever given to the engine: a reused segment's words were really heard in that
speech.

Limits: Whisper decodes 30 s windows, so a segment's words can depend a
little on its neighbours (a window that started elsewhere, a word cut at a
window edge); a reused segment keeps the words heard in its old context, and
a changed segment cut out alone is heard without its neighbours. A cut
segment is still transcribed from the episode itself (its mastered gain
included), so what verify checks was heard in the published audio. Reused
words are re-checked to lie inside the segment's new window (else the segment
is transcribed again); a timeline that does not describe this MP3 (or has no
audio_key) disables reuse and the whole episode is transcribed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from . import paths, progress
from .asr import DECODE_SETTINGS, DEFAULT_ENGINE, DEFAULT_MODEL, REGISTRY, check_audio, get_engine
from .contracts import Timeline, Transcript
from .fsio import json_digest, read_json, sha256_file, write_json

log = logging.getLogger(__name__)

# Bump when the transcript format changes: old cache entries are then ignored.
CACHE_FORMAT = 1
# Bump when the per-segment cache entries change.
SEGMENT_CACHE_FORMAT = 1
REQUIRED_KEYS = {"language", "engine", "model", "duration", "text", "segments"}


audio_sha256 = sha256_file


def _model_identity(model: str) -> str:
    """A model name as is; a path made absolute (so cwd does not matter)."""
    p = Path(model).expanduser()
    return str(p.resolve()) if p.exists() else model


def _listener(engine: str, model: str, language: str) -> dict:
    """What, besides the audio, decides a transcript: part of every cache key."""
    return {"engine": engine, "model": _model_identity(model),
            "language": language.strip().lower(), "decode": DECODE_SETTINGS}


def cache_key(audio_sha: str, engine: str, model: str, language: str) -> str:
    return json_digest({"format": CACHE_FORMAT, "audio_sha256": audio_sha,
                        **_listener(engine, model, language)})


def cache_path(key: str, cache_dir: Path | None = None) -> Path:
    return Path(cache_dir if cache_dir is not None else paths.CACHE_DIR) / "transcripts" / f"{key}.json"


def _read_entry(path: Path, what: str):
    """A cache entry's JSON, or None when it is missing or unreadable (then rebuilt)."""
    try:
        return read_json(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("ignoring unreadable cached %s %s: %s", what, path, e)
        return None


def _load_cached(path: Path, engine: str) -> Transcript | None:
    data = _read_entry(path, "transcript")
    if data is None:
        return None
    if not isinstance(data, dict) or not REQUIRED_KEYS <= data.keys() or data.get("engine") != engine:
        log.warning("ignoring malformed cached transcript %s", path)
        return None
    return cast(Transcript, data)      # its keys checked above


def transcribe(
    audio_path: Path,
    out_path: Path,
    language: str,
    engine: str = DEFAULT_ENGINE,
    model: str = DEFAULT_MODEL,
    *,
    use_cache: bool = True,
    cache_dir: Path | None = None,
) -> Transcript:
    """Transcribe `audio_path` into `out_path` (written atomically); return the transcript.

    The written transcript is the engine's dict plus "audio_sha256". The
    returned dict has one more key, "cached": True when it came from the cache
    (no model was loaded), False when an engine ran. Progress: the open
    pipeline.progress stage (the engine advances it by audio seconds).
    """
    audio_path = check_audio(Path(audio_path))
    REGISTRY.check(engine)  # unknown engine: EngineError listing the valid ones, before hashing
    sha = audio_sha256(audio_path)
    key = cache_key(sha, engine, model, language)
    cpath = cache_path(key, cache_dir)

    transcript = _load_cached(cpath, engine) if use_cache else None
    cached = transcript is not None
    if transcript is not None:
        transcript["audio_sha256"] = sha     # the key holds this hash: heard from this audio
        log.debug("transcript cache hit for %s (%s, %s, %s): %s", audio_path, engine, model, language, cpath)
        progress.current().note("cached")
    else:
        asr = get_engine(engine, model)
        transcript = asr.transcribe(audio_path, language)
        transcript["audio_sha256"] = sha
        if use_cache:
            write_json(cpath, transcript)
        log.debug("transcribed %s with %s (%s): %d segments", audio_path, engine, model, len(transcript["segments"]))

    write_json(out_path, transcript)
    return {**transcript, "cached": cached}


# --- episodes: one transcription, split into script segments, reused per segment ------------------

NO_SPACE_LANGUAGES = {"zh", "ja", "th", "lo", "my", "km", "yue", "bo"}


def segment_cache_key(audio_key: str, engine: str, model: str, language: str, context=None) -> str:
    """Key of one segment's words: its raw speech, the engine, model, language, decoding, music."""
    return json_digest({"format": SEGMENT_CACHE_FORMAT, "audio_key": audio_key, "context": context,
                        **_listener(engine, model, language)})


def segment_cache_path(key: str, cache_dir: Path | None = None) -> Path:
    return Path(cache_dir if cache_dir is not None else paths.CACHE_DIR) / "transcripts" / "segments" / f"{key}.json"


def _windows(timeline: Timeline, duration: float) -> list[tuple[float, float]]:
    """verify.segment_windows, the last one ending at the end of the audio."""
    from .verify import segment_windows

    wins = segment_windows(timeline)
    return [(lo, min(hi, max(duration, lo))) for lo, hi in wins]


def _music_context(timeline: Timeline, seg: Mapping[str, Any], lo: float, hi: float) -> list | None:
    """Music beds under a segment's window: file identity and placement relative to the segment."""
    out = []
    files = timeline.get("music_files") or {}
    for name, span in sorted((timeline.get("music") or {}).items()):
        if not isinstance(span, dict) or "start" not in span or "end" not in span:
            continue
        if span["start"] < hi and span["end"] > lo:
            out.append([name, files.get(name), round(span["start"] - seg["start"], 3),
                        round(span["end"] - seg["start"], 3)])
    return out or None


def _window_index(t: float, windows: list[tuple[float, float]]) -> int:
    for i, (_lo, hi) in enumerate(windows):
        if t < hi:
            return i
    return len(windows) - 1


def _shift_words(words: list[dict], dt: float) -> list[dict]:
    return [{**w, "start": round(w["start"] + dt, 3), "end": round(w["end"] + dt, 3)} for w in words]


def _shift_segments(segs: list[dict], dt: float) -> list[dict]:
    return [{**s, "start": round(s["start"] + dt, 3), "end": round(s["end"] + dt, 3),
             "words": _shift_words(s.get("words") or [], dt)} for s in segs]


def split_by_windows(asr_segments: Sequence[Mapping[str, Any]],
                     windows: list[tuple[float, float]]) -> list[list[dict]]:
    """Whisper's segments (absolute times) -> one list of segments per window.

    A word belongs to the window holding its midpoint (windows split the episode
    at mid-pause, as in verify); a Whisper segment whose words straddle two
    windows is cut in two there. A segment without words goes by its midpoint.
    """
    out: list[list[dict]] = [[] for _ in windows]
    for seg in asr_segments:
        words = seg.get("words") or []
        if not words:
            out[_window_index((seg["start"] + seg["end"]) / 2, windows)].append(dict(seg, words=[]))
            continue
        groups: dict[int, list[dict]] = {}
        for w in words:
            groups.setdefault(_window_index((w["start"] + w["end"]) / 2, windows), []).append(w)
        if len(groups) == 1:
            (i,) = groups
            out[i].append(dict(seg))
            continue
        for i, ws in groups.items():
            out[i].append({"start": ws[0]["start"], "end": ws[-1]["end"],
                           "text": "".join(w["word"] for w in ws).strip(), "words": ws})
    return out


def _fits(rel_segments: list[dict], rel_lo: float, rel_hi: float) -> bool:
    """Every word (times relative to the segment start) lies inside the window."""
    for s in rel_segments:
        for w in s.get("words") or []:
            mid = (w["start"] + w["end"]) / 2
            if not rel_lo - 1e-3 <= mid < rel_hi + 1e-3:
                return False
    return True


def _load_segment(path: Path) -> list[dict] | None:
    data = _read_entry(path, "segment transcript")
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        log.warning("ignoring malformed cached segment transcript %s", path)
        return None
    return data["segments"]


def _store_segments(parts: list[list[dict]], indices, timeline: Timeline, keys: list[str],
                    cache_dir: Path | None) -> None:
    for i in indices:
        seg = timeline["segments"][i]
        write_json(segment_cache_path(keys[i], cache_dir), {
            "id": seg["id"], "audio_key": seg["audio_key"],
            "segments": _shift_segments(parts[i], -seg["start"]),
        })


def _transcribe_cut(asr, audio_path: Path, lo: float, hi: float, language: str,
                    cache_dir: Path | None) -> dict:
    """Transcribe [lo, hi) s of the episode; times shifted back to the episode."""
    import os
    import tempfile

    from .asr.audio import SAMPLE_RATE, load_audio
    from .audio.wav import pcm16, write_wav

    audio = load_audio(audio_path, start_s=lo, end_s=hi)   # decodes no further than hi
    tmp_dir = Path(cache_dir if cache_dir is not None else paths.CACHE_DIR) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="cut-", suffix=".wav")
    os.close(fd)
    tmp = Path(name)
    try:
        write_wav(tmp, pcm16(audio), SAMPLE_RATE)
        part = asr.transcribe(tmp, language)
    finally:
        tmp.unlink(missing_ok=True)
    length = len(audio) / SAMPLE_RATE   # Whisper's times may overshoot the cut a little
    for seg in part["segments"]:
        seg["end"] = min(seg["end"], length)
        seg["start"] = min(seg["start"], seg["end"])
        for w in seg.get("words") or []:
            w["end"] = min(w["end"], length)
            w["start"] = min(w["start"], w["end"])
    part["segments"] = _shift_segments(part["segments"], lo)
    return part


def _merge(parts: list[list[dict]], engine: str, model: str, language: str, duration: float) -> Transcript:
    segs: list[Any] = [s for p in parts for s in p]
    sep = "" if language.split("-")[0] in NO_SPACE_LANGUAGES else " "
    text = sep.join(t for t in (str(s.get("text", "")).strip() for s in segs) if t)
    return {"language": language, "engine": engine, "model": model, "duration": round(float(duration), 3),
            "text": text, "segments": segs}


def _usable_timeline(timeline_path: Path | None, sha: str) -> Timeline | None:
    """The timeline when it describes exactly this audio and every segment has an audio_key."""
    if timeline_path is None:
        return None
    try:
        timeline = read_json(Path(timeline_path))
    except (OSError, ValueError) as e:
        log.warning("no incremental transcription: cannot read %s: %s", timeline_path, e)
        return None
    segs = timeline.get("segments") if isinstance(timeline, dict) else None
    if not segs or timeline.get("audio_sha256") != sha:
        log.info("no incremental transcription: %s does not describe this audio", timeline_path)
        return None
    if not all(isinstance(s, dict) and s.get("audio_key") and "start" in s and "end" in s for s in segs):
        log.info("no incremental transcription: %s has no per-segment audio_key", timeline_path)
        return None
    return timeline


def transcribe_episode(
    audio_path: Path,
    timeline_path: Path | None,
    out_path: Path,
    language: str,
    engine: str = DEFAULT_ENGINE,
    model: str = DEFAULT_MODEL,
    *,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    max_changed_share: float = 0.5,
) -> Transcript:
    """Transcribe an assembled episode, reusing what was heard in its unchanged segments.

    See the module docstring. Writes `out_path` (the transcript, the same shape as
    `transcribe`'s, plus "incremental": {"reused": [ids], "transcribed": [ids]})
    and returns it with "cached": True when no engine ran.
    """
    audio_path = check_audio(Path(audio_path))
    REGISTRY.check(engine)
    sha = audio_sha256(audio_path)
    cpath = cache_path(cache_key(sha, engine, model, language), cache_dir)
    timeline = _usable_timeline(timeline_path, sha) if use_cache else None
    ids = [s["id"] for s in timeline["segments"]] if timeline else []
    say = progress.current().note

    transcript: Transcript
    windows: list[tuple[float, float]] | None = None
    keys: list[str] | None = None
    if timeline:
        duration = float(timeline.get("duration") or timeline["segments"][-1]["end"])
        windows = _windows(timeline, duration)
        keys = [segment_cache_key(s["audio_key"], engine, model, language,
                                  _music_context(timeline, s, lo, hi))
                for s, (lo, hi) in zip(timeline["segments"], windows)]

    cached = _load_cached(cpath, engine) if use_cache else None
    if cached is not None:
        log.debug("transcript cache hit for %s: %s", audio_path, cpath)
        say("cached")
        if timeline and windows is not None and keys is not None:   # fill the segment cache if it came from elsewhere
            missing = [i for i, k in enumerate(keys) if not segment_cache_path(k, cache_dir).exists()]
            if missing:
                _store_segments(split_by_windows(cached["segments"], windows), missing, timeline, keys, cache_dir)
        # the cache key holds this audio's hash: the cached words were heard from it
        transcript = {**cached, "audio_sha256": sha,
                      "incremental": {"reused": ids, "transcribed": [], "episode_cache": True}}
        write_json(out_path, transcript)
        return {**transcript, "cached": True}

    if not timeline or windows is None or keys is None:      # (all three go together)
        asr = get_engine(engine, model)
        say("whole episode")
        transcript = asr.transcribe(audio_path, language)
        transcript["audio_sha256"] = sha
        transcript["incremental"] = {"reused": [], "transcribed": ids, "episode_cache": False}
        if use_cache:
            write_json(cpath, transcript)
        write_json(out_path, transcript)
        return {**transcript, "cached": False}

    segs = timeline["segments"]
    parts: list[list[dict] | None] = []
    for s, (lo, hi), k in zip(segs, windows, keys):
        rel = _load_segment(segment_cache_path(k, cache_dir))
        parts.append(_shift_segments(rel, s["start"]) if rel is not None
                     and _fits(rel, lo - s["start"], hi - s["start"]) else None)
    changed = [i for i, p in enumerate(parts) if p is None]

    engine_for_changes = get_engine(engine, model) if changed else None
    if engine_for_changes is not None and len(changed) > max_changed_share * len(segs):
        say(f"whole episode ({len(changed)}/{len(segs)} segments new)")
        whole = engine_for_changes.transcribe(audio_path, language)
        transcript = {**whole, "audio_sha256": sha,
                      "incremental": {"reused": [], "transcribed": ids, "episode_cache": False}}
        _store_segments(split_by_windows(whole["segments"], windows), range(len(segs)), timeline, keys, cache_dir)
    else:
        if engine_for_changes is not None:     # some segments changed
            runs: list[list[int]] = []
            for i in changed:
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            for run in runs:
                lo, hi = windows[run[0]][0], windows[run[-1]][1]
                say(f"{', '.join(ids[i] for i in run)} again ({lo:.1f}-{hi:.1f} s)")
                part = _transcribe_cut(engine_for_changes, audio_path, lo, hi, language, cache_dir)
                split = split_by_windows(part["segments"], windows)
                for i in run:
                    parts[i] = split[i]
                # words that drifted out of the cut's windows still belong to the cut
                for j, p in enumerate(split):
                    if j < run[0]:
                        parts[run[0]] = p + (parts[run[0]] or [])
                    elif j > run[-1]:
                        parts[run[-1]] = (parts[run[-1]] or []) + p
            _store_segments([p or [] for p in parts], changed, timeline, keys, cache_dir)
        else:
            say("every segment reused")
        heard = [p or [] for p in parts]          # every part is filled by now
        transcript = _merge(heard, engine, model, language, timeline.get("duration") or segs[-1]["end"])
        transcript["audio_sha256"] = sha
        transcript["incremental"] = {"reused": [ids[i] for i in range(len(segs)) if i not in changed],
                                     "transcribed": [ids[i] for i in changed], "episode_cache": False}
    if use_cache:
        write_json(cpath, transcript)
    write_json(out_path, transcript)
    log.debug("transcribed %s incrementally: %s", audio_path, transcript["incremental"])
    return {**transcript, "cached": not changed}


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.transcribe AUDIO OUT.json --language en [--engine E] [--model M]`."""
    import argparse

    from .errors import PipelineError

    parser = argparse.ArgumentParser(prog="python -m pipeline.transcribe")
    parser.add_argument("audio", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--language", required=True)
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help=f"one of {', '.join(REGISTRY.names())}")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    try:
        result = transcribe(args.audio, args.out, args.language, args.engine, args.model, use_cache=not args.no_cache)
    except PipelineError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    print(result["text"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
