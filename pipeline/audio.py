"""Audio plumbing: where ffmpeg is, WAV loading, episode assembly, durations.

ffmpeg comes from imageio-ffmpeg (a PyPI wheel with a static binary); there
is no ffprobe, so WAVs are read with pydub's WAV parser (`from_wav`), never
through ffprobe.
"""

from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path

from .errors import EngineError, SetupError
from .fsio import atomic_path

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


def _normalize(seg: AudioSegment, sample_rate: int, mono: bool) -> AudioSegment:
    seg = seg.set_sample_width(2)
    if mono and seg.channels != 1:
        seg = seg.set_channels(1)
    if seg.frame_rate != sample_rate:
        seg = seg.set_frame_rate(sample_rate)
    return seg


def _loudness_gain_db(seg: AudioSegment, target_lufs: float, peak_ceiling_db: float = -1.0) -> float:
    """Gain that brings `seg` to `target_lufs` without pushing peaks above the ceiling."""
    try:
        import numpy as np
        import pyloudnorm
    except ImportError:
        return 0.0
    samples = np.array(seg.get_array_of_samples(), dtype=np.float64) / 32768.0
    if seg.channels > 1:
        samples = samples.reshape(-1, seg.channels)
    if len(samples) < seg.frame_rate * 0.5 or not np.any(samples):
        return 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loudness = pyloudnorm.Meter(seg.frame_rate).integrated_loudness(samples)
    if not np.isfinite(loudness):
        return 0.0
    gain = target_lufs - loudness
    peak_db = 20 * np.log10(np.max(np.abs(samples)))
    return float(min(gain, peak_ceiling_db - peak_db))


def assemble(
    wavs: list[Path],
    pause_ms: int,
    out_mp3: Path,
    bitrate: str = "64k",
    sample_rate: int = 44100,
    mono: bool = True,
    loudness_lufs: float | None = -16.0,
) -> list[tuple[float, float]]:
    """Join `wavs` with `pause_ms` of silence between them into one MP3 (atomic).

    Returns each input's (start_s, end_s) in the episode. Times are computed
    from exact sample counts at `sample_rate`, and the MP3 carries a LAME/Info
    header so decoders drop the encoder delay: decoded audio lines up with them.
    Loudness is normalized for the whole episode (one gain, so no timing change).
    """
    if not wavs:
        raise EngineError("nothing to assemble: no audio segments")
    if pause_ms < 0:
        raise EngineError(f"pause must be >= 0 ms, got {pause_ms}")
    channels = 1 if mono else 2
    ffmpeg_exe()
    segs = []
    for p in wavs:
        seg = _normalize(load_wav(p), sample_rate, mono)
        if not mono and seg.channels == 1:
            seg = seg.set_channels(2)
        segs.append(seg)
    frame_bytes = 2 * channels
    pause_frames = round(sample_rate * pause_ms / 1000)
    silence = b"\0" * (pause_frames * frame_bytes)

    times, parts, cursor = [], [], 0
    for i, seg in enumerate(segs):
        if i:
            parts.append(silence)
            cursor += pause_frames
        data = seg.raw_data
        n = len(data) // frame_bytes
        times.append((cursor / sample_rate, (cursor + n) / sample_rate))
        parts.append(data[: n * frame_bytes])
        cursor += n

    episode = AudioSegment(data=b"".join(parts), sample_width=2, frame_rate=sample_rate, channels=channels)
    if loudness_lufs is not None:
        gain = _loudness_gain_db(episode, loudness_lufs)
        if abs(gain) > 0.05:
            episode = episode.apply_gain(gain)

    out_mp3 = Path(out_mp3)
    with atomic_path(out_mp3) as tmp:
        try:
            episode.export(
                str(tmp), format="mp3", codec="libmp3lame", bitrate=bitrate,
                parameters=["-ar", str(sample_rate), "-ac", str(channels)],
            )
        except Exception as e:  # pydub raises CouldntEncodeError with ffmpeg's stderr
            raise EngineError(f"ffmpeg could not encode {out_mp3.name}: {e}") from e
    return times


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
