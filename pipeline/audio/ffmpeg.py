"""ffmpeg and raw audio: where the binary is, running it (the one runner:
every ffmpeg process of the pipeline goes through `run_ffmpeg`), decoding,
encoding, resampling, durations.

ffmpeg comes from imageio-ffmpeg (a PyPI wheel with a static binary); there
is no ffprobe, so WAVs are read with the standard library's `wave`
(pipeline.audio.wav) and other files' durations with mutagen.
"""

from __future__ import annotations

import functools
import math
import os
import subprocess
from pathlib import Path

import numpy as np

from ..errors import EngineError, InputError, SetupError
from .mastering import SAMPLE_RATE
from .wav import wav_frames


@functools.lru_cache(maxsize=None)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (imageio-ffmpeg's, or $IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as e:  # ImportError, or RuntimeError when the binary is missing
        raise SetupError(f"ffmpeg not found: {e}", "pip install imageio-ffmpeg==0.8.1") from e
    return exe


def run_ffmpeg(args: list[str], failure: str, data: bytes | None = None,
               error: type[EngineError] | type[InputError] = EngineError, fix: str | None = None,
               timeout_s: float | None = None) -> bytes:
    """ffmpeg with an argument list (no shell); its stdout, or `error` naming
    `failure` and ffmpeg's last line of complaint (or the timeout it overran)."""
    try:
        proc = subprocess.run([ffmpeg_exe(), "-nostdin", "-v", "error", *args], input=data,
                              capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise error(f"{failure}: ffmpeg did not finish within {timeout_s:g} s", fix) from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise error(f"{failure}: {lines[-1] if lines else f'exit status {proc.returncode}'}", fix)
    return proc.stdout


def decode(path: str | os.PathLike, channels: int = 1, sample_rate: int = SAMPLE_RATE,
           start_s: float | None = None, end_s: float | None = None) -> np.ndarray:
    """Any audio file ffmpeg reads -> float32 array (n, channels) at `sample_rate`.

    `start_s`/`end_s`: only that part, cut before resampling (sample 0 is
    start_s); ffmpeg stops reading at end_s."""
    cut = []
    if start_s is not None or end_s is not None:
        bounds = [f"start={max(0.0, start_s or 0.0):.6f}"] + ([f"end={end_s:.6f}"] if end_s is not None else [])
        cut = ["-af", "atrim=" + ":".join(bounds)]
    raw = run_ffmpeg(["-i", str(path), "-map", "0:a:0", *cut,
                      "-f", "f32le", "-ac", str(channels), "-ar", str(sample_rate), "-"],
                     f"cannot decode audio file {path}", error=InputError,
                     fix="use a complete WAV, MP3, FLAC or OGG file")
    return np.frombuffer(raw, np.float32).reshape(-1, channels)


def encode_mp3(audio: np.ndarray, out_path: str | os.PathLike, bitrate_kbps: int,
               sample_rate: int = SAMPLE_RATE) -> None:
    """float (n, ch) -> CBR MP3 at `out_path`, no tags, deterministic bytes."""
    ch = audio.shape[1]
    run_ffmpeg(["-y", "-f", "f32le", "-ar", str(sample_rate), "-ac", str(ch), "-i", "pipe:0",
                "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-abr", "0",
                "-ar", str(sample_rate), "-ac", str(ch),
                "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0",
                "-f", "mp3", str(out_path)],
               f"ffmpeg could not encode {Path(out_path).name}",
               data=np.ascontiguousarray(audio, dtype="<f4").tobytes())


def to_rate(x: np.ndarray, sr: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Resampled by ffmpeg's SoX resampler (float32); the length is exactly
    `resampled_length(len(x), sr)` and sample 0 stays at time 0."""
    x = np.asarray(x, dtype="<f4")
    if sr == target:
        return x
    raw = run_ffmpeg(["-f", "f32le", "-ar", str(sr), "-ac", "1", "-i", "pipe:0",
                      "-af", f"aresample={target}:resampler=soxr:precision=28",
                      "-f", "f32le", "-ar", str(target), "-ac", "1", "pipe:1"],
                     f"ffmpeg could not resample {sr} Hz audio", data=x.tobytes())
    y = np.frombuffer(raw, np.float32)
    n = resampled_length(len(x), sr, target)
    return np.pad(y, (0, max(0, n - len(y))))[:n]


def resampled_length(n: int, sr: int, target: int = SAMPLE_RATE) -> int:
    g = math.gcd(target, sr)
    return -(-n * (target // g) // (sr // g))


def duration_s(path: str | os.PathLike) -> float:
    """Duration in seconds of a WAV (from its header) or MP3/other (mutagen)."""
    path = Path(path)
    if path.suffix.lower() == ".wav":
        frames, rate = wav_frames(path)
        return frames / float(rate)
    import mutagen

    f = mutagen.File(str(path))
    if f is None or f.info is None:
        raise EngineError(f"unrecognized audio file: {path}")
    return float(f.info.length)
