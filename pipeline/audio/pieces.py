"""Mastering one segment at a time: each segment (with the pause after it) becomes
its own run of MP3 frames, and the episode is those runs joined.

Why: a segment's piece is final as soon as it is synthesized, so it can be
transcribed from its own frames while the next segment is spoken
(pipeline.overlap), and the words are heard in the very bytes published.

How it stays one master: the gain is one number for the whole episode, fixed
up front (the segments already went through the leveller, so they sit at
nearly the same loudness; pipeline.audio.dynamics), and the true-peak limiter
is local (a 20 ms look-ahead), so limiting a piece alone is limiting it in the
episode. The episode's loudness and true peak are then measured on the joined
MP3; outside the tolerances the caller masters the whole episode instead
(pipeline.audio.assemble).

Why joining MP3 frames is exact: each piece is a fresh encode, so its first
frame owns its bit reservoir (main_data_begin = 0) and needs nothing from the
frames before it; every piece ends in silence (the pause), so the decoder's
overlap from one piece's last granule into the next piece's first is silence
too (measured on the demo: the joined episode decodes bit-exactly to its
pieces decoded one by one). No piece has a header: piece k decodes to a whole
number of frames, its speech starting ENCODER_DELAY samples in. The episode
gets one Info header in front (ffmpeg copies the frames and counts them: CBR,
duration and seek table for players), which says the encoder added no delay,
so a decoder drops only its own DECODER_SKIP samples. Times are sample
counts: exact. The pause after a segment is rounded up so that its piece ends
on a frame boundary (by up to about two frames, 52 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import EngineError
from ..fsio import json_digest, read_json, write_bytes, write_json
from .ffmpeg import SAMPLE_RATE, run_ffmpeg
from .limiter import both_sides, forward_peaks, limiter_gain, padded_peaks, peak_envelope
from .loudness import db

FORMAT = 1                     # bump when a piece's bytes would change: cached pieces are then ignored
FRAME = 1152                   # samples per MPEG-1 Layer III frame
ENCODER_DELAY = 1105           # libmp3lame's 576 + the decoder's 529 samples before the input (measured)
DECODER_SKIP = 529             # what a decoder reading the episode's Info header drops at its start
MIN_PAUSE_MS = 100             # below this the joins are not silent enough: master the whole episode
ENCODE_MARGIN_DB = 2.0         # first guess of the encoder's true-peak overshoot (as audio.master)
MAX_ENCODES = 4


@dataclass
class Piece:
    mp3: bytes                 # the piece's frames, as they appear in the episode
    speech: int                # speech samples (the segment's length)
    samples: int               # decoded length: whole frames
    margin_db: float           # the encoder margin the piece needed
    true_peak_dbtp: float      # measured on the decoded piece


def trailing_silence(pause: int) -> int:
    """Zeros appended to a segment's speech: the next piece's ENCODER_DELAY and the
    encoder's padding to a whole frame complete the pause. (How many frames an input
    becomes is the encoder's business: the decoded length is counted, never predicted.)"""
    return max(0, pause - ENCODER_DELAY)


def encode_frames(audio: np.ndarray, bitrate_kbps: int) -> bytes:
    """float (n, ch) -> CBR MP3 frames, no header of any kind, deterministic bytes."""
    ch = audio.shape[1]
    return run_ffmpeg(["-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", str(ch), "-i", "pipe:0",
                       "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                       "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-abr", "0",
                       "-ar", str(SAMPLE_RATE), "-ac", str(ch), "-write_xing", "0",
                       "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", "pipe:1"],
                      "ffmpeg could not encode a piece of the episode",
                      data=np.ascontiguousarray(audio, dtype="<f4").tobytes())


def decode_frames(mp3: bytes, channels: int) -> np.ndarray:
    """MP3 frames -> float32 (n, channels), nothing trimmed (there is no header to say what)."""
    raw = run_ffmpeg(["-f", "mp3", "-i", "pipe:0", "-f", "f32le", "-ac", str(channels),
                      "-ar", str(SAMPLE_RATE), "-"], "ffmpeg could not decode a piece of the episode",
                     data=mp3)
    return np.frombuffer(raw, np.float32).reshape(-1, channels)


def true_peak_dbtp(audio: np.ndarray) -> float:
    # the envelope's max is the forward peaks' (its both-sides pass only repeats values)
    peak = float(forward_peaks(audio).max()) if len(audio) else 0.0
    return db(peak) if peak > 0 else float("-inf")


def master_piece(speech: np.ndarray, gain_db: float, pause: int, ceiling_db: float,
                 bitrate_kbps: int, channels: int = 1, margin_db: float = ENCODE_MARGIN_DB,
                 peaks: np.ndarray | None = None) -> Piece:
    """One processed segment (pipeline.audio.dynamics) -> its piece: the episode's gain,
    the limiter under the ceiling less the encoder's margin, encoded; encoded again
    with a wider margin while the decoded piece peaks over the ceiling. `peaks`:
    the segment's forward peaks (limiter.forward_peaks) when the caller has them."""
    n = len(speech)
    x = np.zeros(n + trailing_silence(pause))
    x[:n] = speech
    g = 10 ** (gain_db / 20)
    if peaks is None:
        env = peak_envelope(x) * g
    else:
        env = both_sides(padded_peaks(peaks, speech, 0, len(x) - n)) * g
    for attempt in range(MAX_ENCODES):
        mastered = x * g * limiter_gain(env, ceiling_db - margin_db)
        mix = mastered[:, None] if channels == 1 else np.repeat(mastered[:, None], channels, axis=1)
        mp3 = encode_frames(mix.astype(np.float32), bitrate_kbps)
        decoded = decode_frames(mp3, channels)
        tp = true_peak_dbtp(decoded)
        if tp <= ceiling_db or attempt == MAX_ENCODES - 1:
            break
        margin_db += tp - ceiling_db + 0.25
    if len(decoded) % FRAME or len(decoded) < ENCODER_DELAY + len(x):
        raise EngineError(f"an MP3 piece of {len(x)} samples decoded to {len(decoded)}: this ffmpeg's "
                          "encoder does not delay by ENCODER_DELAY", "check the imageio-ffmpeg version")
    return Piece(mp3, n, len(decoded), round(margin_db, 3), round(tp, 3))


def piece_key(audio_key: str, mastering: dict, gain_db: float) -> str:
    """Identity of a piece: its segment's speech, how it is mastered, and the episode gain."""
    return json_digest({"format": FORMAT, "audio_key": audio_key, "mastering": mastering,
                        "gain_db": round(gain_db, 3)})


def cached_piece(cache, key: str) -> Piece | None:
    """A piece kept in `cache` (a folder), or None when missing or damaged."""
    try:
        meta = read_json(cache / f"{key}.json")
        mp3 = (cache / f"{key}.mp3").read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("bytes") != len(mp3):
        return None
    return Piece(mp3, meta["speech"], meta["samples"], meta["margin_db"], meta["true_peak_dbtp"])


def keep_piece(cache, key: str, piece: Piece) -> None:
    write_bytes(cache / f"{key}.mp3", piece.mp3)
    write_json(cache / f"{key}.json", {"bytes": len(piece.mp3), "speech": piece.speech,
                                       "samples": piece.samples, "margin_db": piece.margin_db,
                                       "true_peak_dbtp": piece.true_peak_dbtp})


def piece_starts(pieces: list[Piece]) -> list[int]:
    """Where each piece starts in the decoded episode, in samples (the first one's
    DECODER_SKIP samples are dropped by the decoder: it starts before 0)."""
    starts, cursor = [], -DECODER_SKIP
    for p in pieces:
        starts.append(cursor)
        cursor += p.samples
    return starts


def piece_times(pieces: list[Piece]) -> tuple[list[tuple[float, float]], float]:
    """Each segment's (start_s, end_s) in the joined episode, and its duration."""
    starts = piece_starts(pieces)
    times = [((a + ENCODER_DELAY) / SAMPLE_RATE, (a + ENCODER_DELAY + p.speech) / SAMPLE_RATE)
             for a, p in zip(starts, pieces)]
    return times, (sum(p.samples for p in pieces) - DECODER_SKIP) / SAMPLE_RATE


def write_episode(pieces: list[Piece], out_path) -> None:
    """The pieces' frames, unchanged, behind one Info header (ffmpeg stream copy), to `out_path`."""
    from pathlib import Path

    out_path = Path(out_path)
    joined = out_path.with_name(out_path.name + ".frames")
    try:
        joined.write_bytes(b"".join(p.mp3 for p in pieces))
        run_ffmpeg(["-y", "-f", "mp3", "-i", str(joined), "-map", "0:a:0", "-c:a", "copy",
                    "-map_metadata", "-1", "-fflags", "+bitexact", "-write_xing", "1",
                    "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", str(out_path)],
                   f"ffmpeg could not join the pieces of {out_path.name}")
    finally:
        joined.unlink(missing_ok=True)


def episode_gain(speech: list[np.ndarray], pause: int, aim_lufs: float, ceiling_db: float,
                 peaks: list[np.ndarray] | None = None) -> float:
    """The one gain of the episode, from the first segments (with their pauses): the gain
    that brings them, limited, to `aim_lufs` (pipeline.audio.master.normalize, of which
    only the gain is needed: the search alone). `peaks`: each segment's forward peaks
    (limiter.forward_peaks), when the caller has them."""
    from .limiter import ENVELOPE_PAD, block_reduce, layout_envelope
    from .loudness import k_power
    from .master import search_gain

    x = np.concatenate([np.concatenate([s, np.zeros(pause)]) for s in speech])
    if peaks is not None and pause >= 2 * ENVELOPE_PAD:     # apart: the segments' peaks side by side
        starts = np.cumsum([0] + [len(s) + pause for s in speech[:-1]])
        env = layout_envelope(len(x), [(int(a), int(a) + len(s)) for a, s in zip(starts, speech)], speech, peaks)
    else:
        env = peak_envelope(x)
    block_peaks, block_power = block_reduce(env, np.max), block_reduce(k_power(x), np.sum)
    return round(search_gain(block_peaks, block_power, aim_lufs, ceiling_db - ENCODE_MARGIN_DB), 2)


def speech_block_peaks(peaks: np.ndarray) -> np.ndarray:
    """The true-peak level per limiter block of a segment, from its forward peaks."""
    from .limiter import block_reduce

    return block_reduce(both_sides(peaks.copy()), np.max)


def limiter_blocks(speech: np.ndarray, gain_db: float, ceiling_db: float,
                   block_peaks: np.ndarray | None = None) -> np.ndarray:
    """The limiter's reduction (dB) per block of a piece's speech, for the report.
    `block_peaks`: speech_block_peaks of the segment, when the caller has them."""
    from .limiter import block_gain, block_reduce

    if block_peaks is None:
        block_peaks = block_reduce(peak_envelope(speech), np.max)
    peaks = block_peaks * 10 ** (gain_db / 20)
    return np.maximum(0.0, -20 * np.log10(np.minimum(1.0, block_gain(peaks, ceiling_db))))
