"""Decode any audio file to 16 kHz mono float32 for openai-whisper.

ffmpeg is not on PATH on these machines (and openai-whisper's load_audio
needs it there), so decoding goes through pipeline.audio.ffmpeg.decode, which runs
imageio-ffmpeg's own binary with an argument list (no shell).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError

SAMPLE_RATE = 16000


def load_audio(path: Path, sr: int = SAMPLE_RATE, start_s: float | None = None,
               end_s: float | None = None) -> np.ndarray:
    """The file (or its part from start_s to end_s) as mono float32 at `sr`."""
    from ..audio.ffmpeg import decode

    path = Path(path).resolve()  # absolute: a name starting with '-' is never read as an option
    audio = decode(path, channels=1, sample_rate=sr, start_s=start_s, end_s=end_s)[:, 0].copy()  # writable, for torch
    if audio.size == 0:
        raise InputError(f"audio {path} decodes to no samples", "regenerate the audio (the TTS stage)")
    return audio
