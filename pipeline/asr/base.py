"""What every speech recognition engine shares: the decode settings, the engine
protocol and registry, and the engine-independent transcript. The engines
(faster.py, openai_whisper.py) import it; pipeline.asr registers them.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar, runtime_checkable

from .. import cputime
from ..contracts import HeardSegment, Transcript, Word
from ..errors import InputError, UnsupportedLanguage
from ..registry import Registry

DEFAULT_ENGINE = "faster-whisper"
DEFAULT_MODEL = "base"
CPU_THREADS = 2

# Shared by both engines; part of the transcript cache key (pipeline.transcribe),
# so changing any of these invalidates cached transcripts.
DECODE_SETTINGS: dict[str, Any] = {
    "task": "transcribe",
    "temperature": 0.0,  # one temperature: no sampling fallback, deterministic
    "beam_size": 5,
    "patience": 1.0,
    "condition_on_previous_text": False,
    "word_timestamps": True,
    "compression_ratio_threshold": 2.4,
    "no_speech_threshold": 0.6,
    "suppress_blank": True,
}


M = TypeVar("M")
_LOADING = threading.Lock()


def loaded_once(maxsize: int) -> Callable[[Callable[..., M]], Callable[..., M]]:
    """functools.lru_cache(maxsize) whose loads run one at a time: lru_cache calls the
    function outside its own lock, so two hearers (pipeline.overlap) asking for a
    model at the same moment would each load a copy."""

    def wrap(load: Callable[..., M]) -> Callable[..., M]:
        cached = functools.lru_cache(maxsize=maxsize)(load)

        @functools.wraps(load)
        def once(*args, **kwargs) -> M:
            with _LOADING, cputime.account(cputime.MODEL_LOADS):
                return cached(*args, **kwargs)

        once.cache_info = cached.cache_info      # type: ignore[attr-defined]
        once.cache_clear = cached.cache_clear    # type: ignore[attr-defined]
        return once

    return wrap


@runtime_checkable
class AsrEngine(Protocol):
    name: str
    model: str  # as requested: "base", another size, or a path
    concurrent: bool  # transcribe() may run in several threads at once

    @property
    def model_path(self) -> Path: ...  # resolved without loading; SetupError if unavailable

    def __init__(self, model: str = DEFAULT_MODEL) -> None: ...

    # progress: the engine advances pipeline.progress.current() by audio seconds
    def transcribe(self, audio: Path, language: str) -> Transcript: ...


REGISTRY: Registry[AsrEngine] = Registry("ASR")


def normalize_language(language: str, known) -> str:
    """'EN', 'en-US', 'en_GB' -> 'en'; UnsupportedLanguage if Whisper has no such language."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in known:
        raise UnsupportedLanguage(
            f"Whisper cannot transcribe language {language!r}",
            "give an ISO 639-1 code Whisper knows, e.g. en, fr, de, es",
        )
    return code


def check_audio(audio: Path) -> Path:
    audio = Path(audio)
    if not audio.is_file():
        raise InputError(f"audio file {audio} does not exist", "check the path given to the transcribe stage")
    if audio.stat().st_size == 0:
        raise InputError(f"audio file {audio} is empty", "regenerate the audio (the TTS stage)")
    return audio


def build_transcript(engine: str, model: str, language: str, duration: float, segments: list[dict]) -> Transcript:
    """The engine-independent transcript dict (rounded, plain JSON types)."""
    out_segments: list[HeardSegment] = []
    for seg in segments:
        words: list[Word] = [
            {
                "word": str(w["word"]),
                "start": round(float(w["start"]), 3),
                "end": round(float(w["end"]), 3),
                "probability": round(float(w["probability"]), 4),
            }
            for w in seg.get("words") or []
        ]
        out: HeardSegment = {
            "start": round(float(seg["start"]), 3),
            "end": round(float(seg["end"]), 3),
            "text": str(seg["text"]).strip(),
            "words": words,
        }
        if not words and out["text"]:
            out["words"] = estimated_words(str(seg["text"]), out["start"], out["end"])
            out["words_estimated"] = True
        out_segments.append(out)
    # Whisper's segment texts carry their own leading spaces (none in zh/ja): join as-is.
    text = "".join(str(seg["text"]) for seg in segments).strip()
    return {
        "language": language,
        "engine": engine,
        "model": model,
        "duration": round(float(duration), 3),
        "text": text,
        "segments": out_segments,
    }


def estimated_words(text: str, start: float, end: float) -> list[Word]:
    """Words for a segment the engine heard without word times: the verifier reads
    words, so text without them would count as nothing heard. Each word gets a
    share of the segment's time by its length; probability 0 says it is a guess."""
    tokens = re.findall(r"\s*\S+", text)
    total = sum(len(t) for t in tokens) or 1
    words: list[Word] = []
    t = start
    for tok in tokens:
        t_end = t + (end - start) * len(tok) / total
        words.append({"word": tok, "start": round(t, 3), "end": round(t_end, 3), "probability": 0.0})
        t = t_end
    return words
