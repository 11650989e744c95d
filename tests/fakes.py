"""Fake engines for the orchestration tests: a TTS that writes a real tone and an
ear that hears it back, registered in the real registries as "fake".

Tests of batch, CLI, queues and faults are about what the pipeline does with
audio and transcripts, not about what Whisper hears: with these engines a build
runs the real ingest, condense, mastering, MP3, transcription stage, verifier,
heal loop and publishing in a second or two. What real speech does to numbers
is tested with the real engines (test_end_to_end, test_french_*, test_heal, ...).

How the ear knows what was said: each distinct text gets its own pitch (a slot
on a 5 Hz grid, kept in CACHE_DIR/fake-voice/<slot>.txt, shared by every
process of a build through PIPELINE_CACHE_DIR); the TTS writes that pitch for a
time that follows the text's length (and the rate); the ear splits the audio at
its silences, measures each run's pitch and writes the text of that slot,
spread over the run as timed words. So the ear hears what the episode's MP3
really holds: a segment left out, cut short or spoken twice is heard so.

Mishearing on purpose: the ear's model "mishear:4,200=4,300" (`--asr-model`;
pairs joined by ";") writes "4,300" wherever it heard "4,200" (a number
changed, for the verdict and the heal loop); being another model, it has its
own entries in the transcript cache. Loaded by `fake_engines` (tests/conftest.py), and in the
processes a test starts through PIPELINE_PLUGINS=tests.fakes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from pipeline import paths
from pipeline.asr import REGISTRY as ASR_REGISTRY
from pipeline.asr import build_transcript, check_audio
from pipeline.audio.wav import pcm16, write_wav
from pipeline.tts import REGISTRY as TTS_REGISTRY
from pipeline.tts.base import check_request

NAME = "fake"
MISHEAR = "mishear:"
RATE = 22050
EAR_RATE = 16000
BASE_HZ, STEP_HZ, SLOTS = 300.0, 5.0, 500     # pitches 300 .. 2795 Hz
SECONDS_PER_CHAR = 0.05
MIN_SECONDS = 0.4
FRAME_S = 0.02


def voice_dir() -> Path:
    return Path(paths.CACHE_DIR) / "fake-voice"


def slot_of(text: str) -> int:
    """The pitch slot of `text`: the same text always gets the same slot (first come,
    first served on a hash collision; os.link makes the claim atomic across processes)."""
    folder = voice_dir()
    folder.mkdir(parents=True, exist_ok=True)
    start = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % SLOTS
    for i in range(SLOTS):
        slot = (start + i) % SLOTS
        path = folder / f"{slot}.txt"
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        if path.read_text(encoding="utf-8") == text:
            return slot
    raise RuntimeError(f"the fake voice has no free pitch left in {folder}")


def text_of(slot: int) -> str | None:
    path = voice_dir() / f"{slot}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


class FakeTts:
    """Speaks `text` as one steady tone of its own pitch, 50 ms per character."""

    name = NAME
    offline = True

    def supports(self, lang: str) -> bool:
        return True

    def voice_id(self, lang: str) -> str:
        return "tone-1"

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        check_request(text, rate)
        hz = BASE_HZ + STEP_HZ * slot_of(text)
        seconds = max(MIN_SECONDS, SECONDS_PER_CHAR * len(text)) / rate
        t = np.arange(int(seconds * RATE)) / RATE
        edge = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.01)      # 10 ms ramps: no clicks
        write_wav(out_wav, pcm16(0.3 * np.sin(2 * np.pi * hz * t) * edge), RATE)


def runs(x: np.ndarray, sr: int) -> list[tuple[int, int]]:
    """(start, end) samples of the tone runs: frames above a tenth of the loudest,
    gaps under 60 ms bridged, runs under 150 ms dropped (codec edges)."""
    n = int(FRAME_S * sr)
    frames = len(x) // n
    if frames == 0:
        return []
    rms = np.sqrt((x[: frames * n].reshape(frames, n) ** 2).mean(axis=1))
    loud = rms > max(0.1 * rms.max(), 1e-3)
    out: list[list[int]] = []
    for i in np.flatnonzero(loud):
        if out and i - out[-1][1] <= 3:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return [(a * n, b * n) for a, b in out if (b - a) * FRAME_S >= 0.15]


def pitch(x: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=max(len(x), 4 * sr)))
    return float(np.argmax(spectrum)) * sr / max(len(x), 4 * sr)


def misheard(text: str, model: str) -> str:
    if model.startswith(MISHEAR):
        for pair in model[len(MISHEAR):].split(";"):
            written, _, heard = pair.partition("=")
            text = text.replace(written, heard)
    return text


class FakeAsr:
    """Hears each tone run of the audio as the text of its pitch."""

    name = NAME
    concurrent = True

    def __init__(self, model: str = "base"):
        self.model = model

    @property
    def model_path(self) -> Path:
        return Path(__file__)

    def transcribe(self, audio: Path, language: str):
        from pipeline.asr.audio import load_audio

        x = load_audio(check_audio(audio), sr=EAR_RATE).astype(np.float64)
        segments = []
        for a, b in runs(x, EAR_RATE):
            text = text_of(round((pitch(x[a:b], EAR_RATE) - BASE_HZ) / STEP_HZ))
            if not text:
                continue
            tokens = misheard(text, self.model).split()
            start, step = a / EAR_RATE, (b - a) / EAR_RATE / max(len(tokens), 1)
            words = [{"word": " " + w, "start": start + k * step, "end": start + (k + 0.9) * step,
                      "probability": 0.99} for k, w in enumerate(tokens)]
            segments.append({"start": start, "end": b / EAR_RATE, "text": " " + " ".join(tokens),
                             "words": words})
        return build_transcript(self.name, self.model, language.split("-")[0].lower(),
                                len(x) / EAR_RATE, segments)


def register() -> None:
    TTS_REGISTRY.register(NAME, FakeTts)
    ASR_REGISTRY.register(NAME, FakeAsr)


register()
