"""The transcription stage: audio file -> transcript.json.

Cached by audio content: the key is sha256 over (audio bytes' sha256, engine,
model, language, decode settings), and the transcript lives in
CACHE_DIR/transcripts/<key>.json. A valid cached transcript is reused without
loading any model.

Episodes joined from per-segment MP3 pieces (pipeline.audio.pieces: the
timeline lists each piece's bytes) are heard piece by piece, each from its own
frames, cut out of the episode file byte for byte (their hashes checked), and
the words are kept under the piece's bytes: a piece heard once, here or while
the episode was being synthesized (pipeline.overlap), is never heard again.
Whisper pads a short piece to 30 s, so this costs a few more windows than one
pass over the episode; it buys transcription during synthesis, and an edit
re-hears exactly the changed piece.

Other episodes (music beds, short pauses, or loudness that needed the whole
episode mastered at once) are also transcribed incrementally. Whisper pads every window to 30 s, so the episode is
transcribed in one go (never segment by segment) with word timestamps, and
its words are split into the script's segments at the middle of each pause
(pipeline.episode.segment_windows). Each segment's words are then cached with times
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
from pathlib import Path
from typing import Any

from . import paths, progress
from .asr import (
    DECODE_SETTINGS,
    DEFAULT_ENGINE,
    DEFAULT_MODEL,
    REGISTRY,
    check_audio,
    get_engine,
)
from .episode import read_segments
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


def _load_cached(path: Path, engine: str) -> dict | None:
    data = _read_entry(path, "transcript")
    if data is None:
        return None
    if not isinstance(data, dict) or not REQUIRED_KEYS <= data.keys() or data.get("engine") != engine:
        log.warning("ignoring malformed cached transcript %s", path)
        return None
    return data


def _opened(audio_path: Path, engine: str, model: str, language: str, cache_dir: Path | None):
    """What every transcription starts with: the checked audio, its hash, its cache entry,
    and where to say what happens (the open pipeline.progress stage)."""
    audio_path = check_audio(Path(audio_path))
    REGISTRY.check(engine)  # unknown engine: EngineError listing the valid ones, before hashing
    sha = audio_sha256(audio_path)
    cpath = cache_path(cache_key(sha, engine, model, language), cache_dir)
    return audio_path, sha, cpath, progress.current().note


def transcribe(
    audio_path: Path,
    out_path: Path,
    language: str,
    engine: str = DEFAULT_ENGINE,
    model: str = DEFAULT_MODEL,
    *,
    use_cache: bool = True,
    cache_dir: Path | None = None,
) -> dict:
    """Transcribe `audio_path` into `out_path` (written atomically); return the transcript.

    The written transcript is the engine's dict plus "audio_sha256". The
    returned dict has one more key, "cached": True when it came from the cache
    (no model was loaded), False when an engine ran. Progress goes to stderr
    only when stderr is a terminal.
    """
    audio_path, sha, cpath, say = _opened(audio_path, engine, model, language, cache_dir)
    transcript: Any = _load_cached(cpath, engine) if use_cache else None
    cached = transcript is not None
    if cached:
        transcript["audio_sha256"] = sha     # the key holds this hash: heard from this audio
        log.debug("transcript cache hit for %s (%s, %s, %s): %s", audio_path, engine, model, language, cpath)
        say("cached")
    else:
        transcript = get_engine(engine, model).transcribe(audio_path, language)
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


def _windows(timeline: Any, duration: float) -> list[tuple[float, float]]:
    """episode.segment_windows, the last one ending at the end of the audio."""
    from .episode import segment_windows

    wins = segment_windows(timeline)
    return [(lo, min(hi, max(duration, lo))) for lo, hi in wins]


def _music_context(timeline: dict, seg: dict, lo: float, hi: float) -> list | None:
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


def split_by_windows(asr_segments: list[dict], windows: list[tuple[float, float]]) -> list[list[dict]]:
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


def _store_segments(parts: list[list[dict]], indices, timeline: dict, keys: list[str],
                    cache_dir: Path | None) -> None:
    for i in indices:
        seg = timeline["segments"][i]
        write_json(segment_cache_path(keys[i], cache_dir), {
            "id": seg["id"], "audio_key": seg["audio_key"],
            "segments": _shift_segments(parts[i], -seg["start"]),
        })


def _hear_samples(asr, audio, language: str, cache_dir: Path | None) -> dict:
    """Transcribe 16 kHz mono samples, written as a temporary WAV; times from 0, clamped."""
    import os
    import tempfile

    from .asr.audio import SAMPLE_RATE
    from .audio.wav import pcm16, write_wav

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
    _clamp(part["segments"], len(audio) / SAMPLE_RATE)
    return part


def _transcribe_cut(asr, audio_path: Path, lo: float, hi: float, language: str,
                    cache_dir: Path | None) -> dict:
    """Transcribe [lo, hi) s of the episode; times shifted back to the episode."""
    from .asr.audio import load_audio

    audio = load_audio(audio_path, start_s=lo, end_s=hi)   # decodes no further than hi
    part = _hear_samples(asr, audio, language, cache_dir)
    part["segments"] = _shift_segments(part["segments"], lo)
    return part


# --- a clip heard alone (pipeline.verify.second_hearing): cached by the very samples heard ------------

CLIP_CACHE_FORMAT = 1


def clip_cache_path(samples_sha: str, listener: Listener) -> Path:
    """Words heard in one clip: keyed by its 16-bit samples (what the engine was given)."""
    key = json_digest({"format": CLIP_CACHE_FORMAT, "pcm16_sha256": samples_sha,
                       **_listener(listener.engine, listener.model, listener.language)})
    base = listener.cache_dir if listener.cache_dir is not None else paths.CACHE_DIR
    return Path(base) / "transcripts" / "clips" / f"{key}.json"


def hear_clip(audio_path: Path, lo: float, hi: float, listener: Listener) -> tuple[list[dict], bool]:
    """(Whisper's segments for [lo, hi) s of the file heard alone, episode times; whether
    cached). Blind like every hearing: the engine is given the samples and the language."""
    import hashlib

    from .asr.audio import load_audio
    from .audio.wav import pcm16

    audio = load_audio(audio_path, start_s=lo, end_s=hi)
    path = clip_cache_path(hashlib.sha256(pcm16(audio)).hexdigest(), listener)
    got = _load_segment(path)
    cached = got is not None
    if got is None:
        got = _hear_samples(listener.asr(), audio, listener.language, listener.cache_dir)["segments"]
        write_json(path, {"segments": got})
    return _shift_segments(got, lo), cached


def _merge(parts: list[list[dict]], engine: str, model: str, language: str, duration: float) -> dict:
    segs = [s for p in parts for s in p]
    sep = "" if language.split("-")[0] in NO_SPACE_LANGUAGES else " "
    text = sep.join(t for t in (str(s.get("text", "")).strip() for s in segs) if t)
    return {"language": language, "engine": engine, "model": model, "duration": round(float(duration), 3),
            "text": text, "segments": segs}


def _usable_timeline(timeline_path: Path | None, sha: str) -> dict | None:
    """The timeline when it describes exactly this audio and every segment has an audio_key."""
    if timeline_path is None:
        return None
    try:
        timeline = read_segments(Path(timeline_path))     # the episode module's check: a list of segments
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
    heard_meanwhile: frozenset[str] = frozenset(),
) -> dict:
    """Transcribe an assembled episode, reusing what was heard in its unchanged segments.

    See the module docstring. Writes `out_path` (the transcript, the same shape as
    `transcribe`'s, plus "incremental": {"reused": [ids], "transcribed": [ids]})
    and returns it with "cached": True when no engine ran. `heard_meanwhile`: the
    sha256 of the pieces this build already transcribed (pipeline.overlap): they
    count as transcribed, not reused.
    """
    audio_path, sha, cpath, say = _opened(audio_path, engine, model, language, cache_dir)
    timeline = _usable_timeline(timeline_path, sha) if use_cache else None
    ids = [s["id"] for s in timeline["segments"]] if timeline else []
    listener = Listener(engine, model, language, cache_dir, say)
    listener.fresh = set(heard_meanwhile)
    cached = _load_cached(cpath, engine) if use_cache else None
    if cached is not None:
        log.debug("transcript cache hit for %s: %s", audio_path, cpath)
        say("cached")
        if timeline and not timeline.get("pieces"):   # fill the per-segment cache if it came from elsewhere
            _fill_segment_cache(cached, timeline, listener)
        # the cache key holds this audio's hash: the cached words were heard from it
        transcript = {**cached, "incremental": {"reused": ids, "transcribed": [], "episode_cache": True}}
    elif not timeline:
        say("whole episode")
        transcript = listener.asr().transcribe(audio_path, language)
        transcript["incremental"] = {"reused": [], "transcribed": ids, "episode_cache": False}
    elif timeline.get("pieces") and _pieces_in(audio_path, timeline):
        transcript = _by_pieces(audio_path, timeline, listener)
    else:
        transcript = _by_segments(audio_path, timeline, listener, max_changed_share)
    transcript["audio_sha256"] = sha
    if use_cache and cached is None:
        write_json(cpath, transcript)
    write_json(out_path, transcript)
    log.debug("transcribed %s: %s", audio_path, transcript["incremental"])
    fresh = set(transcript["incremental"]["transcribed"]) if listener.fresh else set()
    return {**transcript, "cached": listener.ran is False and not fresh}


class Listener:
    """One engine, model and language: loaded only when something must be heard."""

    def __init__(self, engine: str, model: str, language: str, cache_dir: Path | None, say=lambda m: None):
        self.engine, self.model, self.language, self.cache_dir, self.say = engine, model, language, cache_dir, say
        self._asr: Any = None
        self.ran = False     # whether an engine was asked to hear anything
        self.fresh: set[str] = set()   # pieces heard by this build before (pipeline.overlap)

    def _engine(self):
        if self._asr is None:
            self._asr = get_engine(self.engine, self.model)
        return self._asr

    def asr(self):
        self.ran = True
        return self._engine()

    def warm(self) -> None:
        """Load the engine's model ahead of the first piece, when the engine can (faster-whisper):
        not counted as hearing (`ran`)."""
        warm = getattr(self._engine(), "warm", None)
        if warm is not None:
            warm()

    def segment_keys(self, timeline: dict, windows: list[tuple[float, float]]) -> list[str]:
        return [segment_cache_key(s["audio_key"], self.engine, self.model, self.language,
                                  _music_context(timeline, s, lo, hi))
                for s, (lo, hi) in zip(timeline["segments"], windows)]

    def merge(self, parts: list[list[dict]], duration: float) -> dict:
        return _merge(parts, self.engine, self.model, self.language, duration)


def _episode_windows(timeline: dict) -> list[tuple[float, float]]:
    return _windows(timeline, float(timeline.get("duration") or timeline["segments"][-1]["end"]))


def _fill_segment_cache(transcript: dict, timeline: dict, listener: Listener) -> None:
    windows = _episode_windows(timeline)
    keys = listener.segment_keys(timeline, windows)
    missing = [i for i, k in enumerate(keys) if not segment_cache_path(k, listener.cache_dir).exists()]
    if missing:
        _store_segments(split_by_windows(transcript["segments"], windows), missing, timeline, keys,
                        listener.cache_dir)


def _by_segments(audio_path: Path, timeline: dict, listener: Listener, max_changed_share: float) -> dict:
    """Unchanged segments' words from the per-segment cache; the changed ones cut out of
    the episode and transcribed (or the whole episode, when most changed)."""
    segs, ids = timeline["segments"], [s["id"] for s in timeline["segments"]]
    windows = _episode_windows(timeline)
    keys = listener.segment_keys(timeline, windows)
    parts: list[list[dict] | None] = []
    for s, (lo, hi), k in zip(segs, windows, keys):
        rel = _load_segment(segment_cache_path(k, listener.cache_dir))
        parts.append(_shift_segments(rel, s["start"]) if rel is not None
                     and _fits(rel, lo - s["start"], hi - s["start"]) else None)
    changed = [i for i, p in enumerate(parts) if p is None]
    if len(changed) > max_changed_share * len(segs):
        listener.say(f"whole episode ({len(changed)}/{len(segs)} segments new)")
        whole = listener.asr().transcribe(audio_path, listener.language)
        _store_segments(split_by_windows(whole["segments"], windows), range(len(segs)), timeline, keys,
                        listener.cache_dir)
        return {**whole, "incremental": {"reused": [], "transcribed": ids, "episode_cache": False}}
    for run in _runs(changed):
        _hear_run(audio_path, run, windows, parts, listener, ids)
    heard = [p or [] for p in parts]      # every part is filled by now
    _store_segments(heard, changed, timeline, keys, listener.cache_dir)
    transcript = listener.merge(heard, timeline.get("duration") or segs[-1]["end"])
    transcript["incremental"] = {"reused": [ids[i] for i in range(len(segs)) if i not in changed],
                                 "transcribed": [ids[i] for i in changed], "episode_cache": False}
    return transcript


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive indices grouped: [1, 2, 5] -> [[1, 2], [5]]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _hear_run(audio_path: Path, run: list[int], windows, parts: list, listener: Listener, ids) -> None:
    """Transcribe the windows of adjacent changed segments, cut out of the episode, into `parts`."""
    lo, hi = windows[run[0]][0], windows[run[-1]][1]
    listener.say(f"{', '.join(ids[i] for i in run)} again ({lo:.1f}-{hi:.1f} s)")
    part = _transcribe_cut(listener.asr(), audio_path, lo, hi, listener.language, listener.cache_dir)
    split = split_by_windows(part["segments"], windows)
    for i in run:
        parts[i] = split[i]
    # words that drifted out of the cut's windows still belong to the cut
    for j, p in enumerate(split):
        if j < run[0]:
            parts[run[0]] = p + parts[run[0]]
        elif j > run[-1]:
            parts[run[-1]] = parts[run[-1]] + p


# --- episodes joined from pieces (pipeline.audio.pieces): each piece heard from its own frames -----

PIECE_CACHE_FORMAT = 1


def piece_cache_path(piece_sha: str, listener: Listener) -> Path:
    """Words heard in one piece: keyed by the piece's bytes, so they were heard in exactly those."""
    key = json_digest({"format": PIECE_CACHE_FORMAT, "piece_sha256": piece_sha,
                       **_listener(listener.engine, listener.model, listener.language)})
    base = listener.cache_dir if listener.cache_dir is not None else paths.CACHE_DIR
    return Path(base) / "transcripts" / "pieces" / f"{key}.json"


def hear_piece(mp3: bytes, samples: int, listener: Listener) -> tuple[list[dict], bool]:
    """(Whisper's segments for one piece, times relative to its start; whether cached).
    The piece's frames are written as they are and the engine decodes them itself."""
    import hashlib
    import os
    import tempfile

    from .audio.ffmpeg import SAMPLE_RATE

    path = piece_cache_path(hashlib.sha256(mp3).hexdigest(), listener)
    got = _load_segment(path)
    if got is not None:
        return got, True
    tmp_dir = Path(listener.cache_dir if listener.cache_dir is not None else paths.CACHE_DIR) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="piece-", suffix=".mp3")
    try:
        os.write(fd, mp3)
        os.close(fd)
        segs = listener.asr().transcribe(Path(name), listener.language)["segments"]
    finally:
        Path(name).unlink(missing_ok=True)
    _clamp(segs, samples / SAMPLE_RATE)
    write_json(path, {"segments": segs})
    return segs, False


def _clamp(segs: list[dict], length: float) -> None:
    """Whisper's times may overshoot the audio a little."""
    for seg in segs:
        seg["end"] = min(seg["end"], length)
        seg["start"] = min(seg["start"], seg["end"])
        for w in seg.get("words") or []:
            w["end"] = min(w["end"], length)
            w["start"] = min(w["start"], w["end"])


def _pieces_in(audio_path: Path, timeline: dict) -> bool:
    """Whether the file holds, byte for byte, the pieces its timeline lists (one per segment)."""
    import hashlib

    pieces = timeline["pieces"]
    if len(pieces) != len(timeline["segments"]):
        return False
    with open(audio_path, "rb") as f:
        for p in pieces:
            f.seek(p["offset"])
            if hashlib.sha256(f.read(p["bytes"])).hexdigest() != p["sha256"]:
                log.warning("%s does not hold the pieces its timeline lists: heard whole", audio_path)
                return False
    return True


def _by_pieces(audio_path: Path, timeline: dict, listener: Listener) -> dict:
    """Each piece's words (heard in its own frames, cached by its bytes), shifted to its place."""
    from .audio.ffmpeg import SAMPLE_RATE

    data = Path(audio_path).read_bytes()
    parts, heard = [], []
    for p in timeline["pieces"]:
        segs, cached = hear_piece(data[p["offset"]:p["offset"] + p["bytes"]], p["samples"], listener)
        parts.append(_shift_segments(segs, p["start"]))
        heard.append(not cached or p["sha256"] in listener.fresh)
    ids = [s["id"] for s in timeline["segments"]]
    end = timeline["pieces"][-1]
    transcript = listener.merge(parts, end["start"] + end["samples"] / SAMPLE_RATE)
    transcript["incremental"] = {"reused": [i for i, h in zip(ids, heard) if not h],
                                 "transcribed": [i for i, h in zip(ids, heard) if h],
                                 "episode_cache": False, "pieces": True}
    return transcript
