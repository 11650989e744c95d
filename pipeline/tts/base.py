"""The engine interface and the WAV helpers every engine shares."""

from __future__ import annotations

import os
import wave
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import EngineError
from ..fsio import atomic_path


@runtime_checkable
class TtsEngine(Protocol):
    """A speech engine. Engines are cheap to construct; heavy state loads lazily."""

    name: str
    offline: bool  # True when the engine never needs the network

    def supports(self, lang: str) -> bool:
        """True if the engine has a voice for `lang`; must not touch the network."""

    def voice_id(self, lang: str) -> str:
        """A stable identifier of the voice used for `lang` (part of the cache key)."""

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        """Write `text` spoken in `lang` to `out_wav` (atomically).

        Raises EngineUnavailable when the engine cannot run here (fall back),
        EngineError for anything else.
        """


def write_wav(out_wav: str | os.PathLike, pcm16: bytes, sample_rate: int, channels: int = 1) -> Path:
    """Write 16-bit little-endian PCM as a WAV file, atomically."""
    if not pcm16:
        raise EngineError(f"engine produced no audio for {Path(out_wav).name}")
    with atomic_path(out_wav) as tmp:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(pcm16)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
    return Path(out_wav)


def wav_duration(path: str | os.PathLike) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


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
