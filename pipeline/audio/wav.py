"""PCM WAV files: the one writer (atomic), the one reader, the one check.

Standard library `wave` only: engines and tests write segment WAVs without
ffmpeg, and the mastering reads them back the same way. Durations of any
audio file (WAV or MP3): pipeline.audio.ffmpeg.duration_s.
"""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np

from ..errors import EngineError
from ..fsio import atomic_path

# 16-bit PCM: what every engine produces and the segment cache holds
SAMPLE_WIDTH = 2
# full scale of each sample width the reader accepts, and its numpy type
_FULL_SCALE = {1: 128.0, 2: 32768.0, 4: 2147483648.0}
_DTYPE = {1: "u1", 2: "<i2", 4: "<i4"}


def write_wav(out_wav: str | os.PathLike, pcm16: bytes, sample_rate: int, channels: int = 1) -> Path:
    """Write 16-bit little-endian PCM as a WAV file, atomically (fsynced before the rename)."""
    if not pcm16:
        raise EngineError(f"engine produced no audio for {Path(out_wav).name}")
    with atomic_path(out_wav) as tmp:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(SAMPLE_WIDTH)
            w.setframerate(sample_rate)
            w.writeframes(pcm16)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
    return Path(out_wav)


def pcm16(samples) -> bytes:
    """Float samples in [-1, 1] -> 16-bit little-endian PCM bytes (clipped, scaled by 32767)."""
    return (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def read_wav(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """PCM WAV -> (mono float64 samples, sample rate); channels are averaged."""
    try:
        with wave.open(str(path), "rb") as w:
            sr, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
            raw = w.readframes(n)
    except (OSError, EOFError, wave.Error) as e:
        raise EngineError(f"unreadable WAV {path}: {e}") from e
    if width not in _FULL_SCALE:
        raise EngineError(f"unsupported WAV sample width {width} in {path}")
    x = np.frombuffer(raw, _DTYPE[width]).astype(np.float64)
    if width == 1:   # 8-bit WAV is unsigned, centred on 128
        x -= 128.0
    x /= _FULL_SCALE[width]
    return x[: len(x) // ch * ch].reshape(-1, ch).mean(axis=1), sr


def wav_ok(path: str | os.PathLike, min_duration_s: float = 0.05) -> bool:
    """True if `path` is a complete, readable PCM WAV with some audio in it.

    Detects missing files, garbage, and truncation (the header announces more
    frames than the file holds).
    """
    try:
        with wave.open(str(path), "rb") as w:
            n = w.getnframes()
            rate = w.getframerate()
            frame_bytes = w.getsampwidth() * w.getnchannels()
            if n <= 0 or rate <= 0 or frame_bytes <= 0:
                return False
            data = w.readframes(n)
            if len(data) != n * frame_bytes:
                return False
            return n / rate >= min_duration_s
    except (OSError, EOFError, wave.Error, ValueError):
        return False


def wav_frames(path: str | os.PathLike) -> tuple[int, int]:
    """(frames, sample rate) from a WAV's header, without reading its samples."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes(), w.getframerate()
