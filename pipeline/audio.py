"""Audio plumbing: where ffmpeg is, WAV loading, episode assembly, durations.

ffmpeg comes from imageio-ffmpeg (a PyPI wheel with a static binary); there
is no ffprobe, so WAVs are read with pydub's WAV parser (`from_wav`), never
through ffprobe.
"""

from __future__ import annotations

import functools
import os
import warnings
import wave
from pathlib import Path

import numpy as np

from .errors import EngineError, SetupError
from .fsio import atomic_path, write_bytes

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH (we point it at ours
    # below) and, on 3.11-3.12, that audioop is deprecated.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydub import AudioSegment


@functools.lru_cache(maxsize=None)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (imageio-ffmpeg's, or $IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as e:  # ImportError, or RuntimeError when the binary is missing
        raise SetupError(f"ffmpeg not found: {e}", "pip install imageio-ffmpeg==0.8.1") from e
    AudioSegment.converter = exe
    return exe


def load_wav(path: str | os.PathLike) -> AudioSegment:
    """Load a PCM WAV without ffprobe."""
    try:
        return AudioSegment.from_wav(str(path))
    except Exception as e:
        raise EngineError(f"unreadable WAV {path}: {e}") from e


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
    Loudness, true-peak limiting and music: see pipeline.master. The full
    result (with the loudness measured on the decoded MP3) is `assemble_full`.
    """
    return assemble_full(wavs, pause_ms, out_mp3, bitrate, sample_rate, mono, loudness_lufs,
                         true_peak_db, music_intro, music_outro).times


def assemble_full(wavs, pause_ms, out_mp3, bitrate="64k", sample_rate=44100, mono=True,
                  loudness_lufs=-16.0, true_peak_db=-1.0, music_intro=None, music_outro=None,
                  before_rename=None, hint=None):
    """`assemble`, returning pipeline.master.MasterResult; `before_rename(tmp_path, result)`
    runs on the finished temporary MP3 (e.g. to write its tags) before it replaces `out_mp3`."""
    from . import master

    if sample_rate != master.SAMPLE_RATE:
        raise EngineError(f"episodes are mastered at {master.SAMPLE_RATE} Hz, not {sample_rate}")
    if not wavs:
        raise EngineError("nothing to assemble: no audio segments")
    if pause_ms < 0:
        raise EngineError(f"pause must be >= 0 ms, got {pause_ms}")
    channels = 1 if mono else 2
    ffmpeg_exe()
    segments = [load_at_rate(p) for p in wavs]
    dyns = [load_dynamics(p, seg) for p, seg in zip(wavs, segments)]
    peaks, kweighted = zip(*[load_analysis(p, d.samples) for p, d in zip(wavs, dyns)])
    intro = master.decode(music_intro, channels) if music_intro else None
    outro = master.decode(music_outro, channels) if music_outro else None
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
    from . import master

    wav = Path(wav)
    with wave.open(str(wav), "rb") as w:
        expect = master.resampled_length(w.getnframes(), w.getframerate())
    return _kept_beside(wav, "soxr", expect, lambda: master.to_rate(*master.read_wav(wav)))


def _kept_beside(wav: Path, kind: str, expect: int, compute) -> np.ndarray:
    """A float32 array derived from a cached segment, kept beside its WAV: the WAV is
    content-addressed, so the copy is as good as it; a wrong size means a damaged copy."""
    from . import master

    cached = wav.with_name(f"{wav.stem}.{master.SAMPLE_RATE}.{kind}.f32")
    if cached.exists() and cached.stat().st_size == 4 * expect:
        return np.fromfile(cached, dtype=np.float32)
    data = np.asarray(compute(), dtype=np.float32)
    write_bytes(cached, data.tobytes())
    return data


def load_dynamics(wav: str | os.PathLike, samples: np.ndarray):
    """The segment through the leveller and compressor (pipeline.dynamics.process),
    kept beside its WAV with the figures of both, like its resampled samples."""
    from . import dynamics

    n = len(samples)
    data = _kept_beside(Path(wav), f"dyn{dynamics.VERSION}", dynamics.packed_length(n),
                        lambda: dynamics.pack(dynamics.process(samples)))
    return dynamics.unpack(data, n)


def load_analysis(wav: str | os.PathLike, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The processed segment's true-peak envelope and K-weighted signal
    (master.segment_peaks, master.segment_kweighted), kept beside its WAV."""
    from . import dynamics, master

    wav, tag = Path(wav), f"dyn{dynamics.VERSION}"
    peaks = _kept_beside(wav, f"{tag}.peaks", len(samples) + 2 * master.ENVELOPE_PAD,
                         lambda: master.segment_peaks(samples))
    kw = _kept_beside(wav, f"{tag}.kw", len(samples) + round(master.K_TAIL_S * master.SAMPLE_RATE),
                      lambda: master.segment_kweighted(samples))
    return peaks, kw


def duration_s(path: str | os.PathLike) -> float:
    """Duration in seconds of a WAV (from its header) or MP3/other (mutagen)."""
    path = Path(path)
    if path.suffix.lower() == ".wav":
        import wave

        with wave.open(str(path), "rb") as w:
            return w.getnframes() / float(w.getframerate())
    import mutagen

    f = mutagen.File(str(path))
    if f is None or f.info is None:
        raise EngineError(f"unrecognized audio file: {path}")
    return float(f.info.length)
