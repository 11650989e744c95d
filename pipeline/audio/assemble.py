"""Episode assembly from cached segment WAVs: each segment's samples and
analyses kept beside its WAV, then mastered into one MP3 (atomically)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import EngineError
from ..fsio import atomic_path, write_bytes
from . import dynamics, master
from .ffmpeg import SAMPLE_RATE, decode, ffmpeg_exe, resampled_length, to_rate
from .limiter import ENVELOPE_PAD, segment_peaks
from .loudness import K_TAIL_S, segment_kweighted
from .wav import read_wav, wav_frames


def assemble(
    wavs: list[Path],
    pause_ms: int,
    out_mp3: Path,
    bitrate: str = "64k",
    sample_rate: int = 44100,
    mono: bool = True,
    loudness_lufs: float | None = -16.0,
    true_peak_db: float = -1.0,
    music_intro: str | os.PathLike | None = None,
    music_outro: str | os.PathLike | None = None,
):
    """Join `wavs` with `pause_ms` of silence between them into one mastered MP3 (atomic).

    Returns each input's (start_s, end_s) in the episode (exact, from sample
    counts; the MP3's LAME/Info header makes decoders drop the encoder delay).
    Loudness, true-peak limiting and music: see pipeline.audio.master. The full
    result (with the loudness measured on the decoded MP3) is `assemble_full`.
    """
    return assemble_full(wavs, pause_ms, out_mp3, bitrate, sample_rate, mono, loudness_lufs,
                         true_peak_db, music_intro, music_outro).times


def assemble_full(wavs, pause_ms, out_mp3, bitrate="64k", sample_rate=44100, mono=True,
                  loudness_lufs=-16.0, true_peak_db=-1.0, music_intro=None, music_outro=None,
                  before_rename=None, hint=None):
    """`assemble`, returning pipeline.MasterResult; `before_rename(tmp_path, result)`
    runs on the finished temporary MP3 (e.g. to write its tags) before it replaces `out_mp3`."""
    if sample_rate != SAMPLE_RATE:
        raise EngineError(f"episodes are mastered at {SAMPLE_RATE} Hz, not {sample_rate}")
    if not wavs:
        raise EngineError("nothing to assemble: no audio segments")
    if pause_ms < 0:
        raise EngineError(f"pause must be >= 0 ms, got {pause_ms}")
    channels = 1 if mono else 2
    ffmpeg_exe()
    segments = [load_at_rate(p) for p in wavs]
    dyns = [load_dynamics(p, seg) for p, seg in zip(wavs, segments)]
    peaks, kweighted = zip(*[load_analysis(p, d.samples) for p, d in zip(wavs, dyns)])
    intro = decode(music_intro, channels) if music_intro else None
    outro = decode(music_outro, channels) if music_outro else None
    with atomic_path(Path(out_mp3)) as tmp:
        result = master.master_episode(segments, tmp, pause_ms=pause_ms, bitrate=bitrate,
                                       channels=channels, target_lufs=loudness_lufs,
                                       ceiling_db=true_peak_db, music_intro=intro, music_outro=outro,
                                       hint=hint, peaks=list(peaks), kweighted=list(kweighted),
                                       dynamics=dyns)
        if before_rename:
            before_rename(tmp, result)
    return result


def load_at_rate(wav: str | os.PathLike) -> np.ndarray:
    """A segment's samples at the episode rate, float32, kept beside its WAV.

    Segment WAVs live in the content-addressed TTS cache, so the resampled copy
    is as good as its WAV; a rebuild after an edit resamples the new segment only.
    """
    wav = Path(wav)
    expect = resampled_length(*wav_frames(wav))
    return _kept_beside(wav, "soxr", expect, lambda: to_rate(*read_wav(wav)))


def _kept_beside(wav: Path, kind: str, expect: int, compute) -> np.ndarray:
    """A float32 array derived from a cached segment, kept beside its WAV: the WAV is
    content-addressed, so the copy is as good as it; a wrong size means a damaged copy."""
    cached = wav.with_name(f"{wav.stem}.{SAMPLE_RATE}.{kind}.f32")
    if cached.exists() and cached.stat().st_size == 4 * expect:
        return np.fromfile(cached, dtype=np.float32)
    data = np.asarray(compute(), dtype=np.float32)
    write_bytes(cached, data.tobytes())
    return data


def load_dynamics(wav: str | os.PathLike, samples: np.ndarray):
    """The segment through the leveller and compressor (pipeline.audio.dynamics.process),
    kept beside its WAV with the figures of both, like its resampled samples."""

    n = len(samples)
    data = _kept_beside(Path(wav), f"dyn{dynamics.VERSION}", dynamics.packed_length(n),
                        lambda: dynamics.pack(dynamics.process(samples)))
    return dynamics.unpack(data, n)


def load_analysis(wav: str | os.PathLike, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The processed segment's true-peak envelope and K-weighted signal
    (segment_peaks, segment_kweighted), kept beside its WAV."""

    wav, tag = Path(wav), f"dyn{dynamics.VERSION}"
    peaks = _kept_beside(wav, f"{tag}.peaks", len(samples) + 2 * ENVELOPE_PAD,
                         lambda: segment_peaks(samples))
    kw = _kept_beside(wav, f"{tag}.kw", len(samples) + round(K_TAIL_S * SAMPLE_RATE),
                      lambda: segment_kweighted(samples))
    return peaks, kw


