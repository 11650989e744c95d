"""Decode any audio file to 16 kHz mono float32 with imageio-ffmpeg's own binary.

ffmpeg is not on PATH on these machines (and openai-whisper's load_audio
needs it there), so we run the binary shipped by imageio-ffmpeg with an
argument list (no shell) and read raw PCM from its stdout.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from ..errors import InputError, SetupError

SAMPLE_RATE = 16000


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as e:  # ImportError or its RuntimeError "no ffmpeg found"
        raise SetupError(f"no ffmpeg binary available ({e})", "run `make setup` (installs imageio-ffmpeg)") from None


def load_audio(path: Path, sr: int = SAMPLE_RATE) -> np.ndarray:
    path = Path(path).resolve()  # absolute: a name starting with '-' is never read as an option
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-threads", "0", "-i", str(path),
        "-f", "s16le", "-ac", "1", "-acodec", "pcm_s16le", "-ar", str(sr), "-",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(
            f"cannot decode audio {path}: {err[-1] if err else 'ffmpeg exit ' + str(proc.returncode)}",
            "check that the file is a complete audio file (WAV, MP3, ...)",
        )
    audio = np.frombuffer(proc.stdout, np.int16).astype(np.float32) / 32768.0
    if audio.size == 0:
        raise InputError(f"audio {path} decodes to no samples", "regenerate the audio (the TTS stage)")
    return audio
