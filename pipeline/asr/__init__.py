"""Speech recognition engines behind one small interface.

    engine = get_engine("faster-whisper", model="base")
    transcript = engine.transcribe(Path("episode.mp3"), language="en")

Both engines decode with the same settings (see DECODE_SETTINGS): language
forced (never detected), temperature 0 with no fallback, beam 5,
condition_on_previous_text=False, word timestamps. They are NEVER given an
initial prompt, prefix or hotwords: the transcript verifies the script, so the
decoder must not be told what it is supposed to hear.

A transcript is plain data:

    {"language", "engine", "model", "duration", "text",
     "segments": [{"start", "end", "text",
                   "words": [{"word", "start", "end", "probability"}]}]}

`word` is Whisper's token text, usually with its leading space (" 2025").
Models are loaded once per process and per model (`loaded_once` in each engine
module), one thread at a time. `concurrent`: whether transcribe() may be called
from several threads at once (pipeline.overlap then hears several pieces at once).
"""

from __future__ import annotations

from .base import (
    CPU_THREADS,
    DECODE_SETTINGS,
    DEFAULT_ENGINE,
    DEFAULT_MODEL,
    REGISTRY,
    AsrEngine,
    build_transcript,
    check_audio,
    estimated_words,
    loaded_once,
    normalize_language,
)
from .faster import FasterWhisperEngine
from .openai_whisper import OpenAIWhisperEngine

REGISTRY.register(FasterWhisperEngine.name, FasterWhisperEngine)
REGISTRY.register(OpenAIWhisperEngine.name, OpenAIWhisperEngine)


def get_engine(name: str = DEFAULT_ENGINE, model: str = DEFAULT_MODEL) -> AsrEngine:
    """An engine for `model` ("base", another size in the user's cache, or a path).

    Unknown name -> EngineError listing the valid ones. The model is resolved
    here (SetupError if unavailable offline) but loaded on first transcribe.
    """
    engine = REGISTRY.get(name)
    if model != engine.model:
        engine = type(engine)(model)
    _ = engine.model_path  # resolve now: fail before any audio work
    return engine


__all__ = [
    "AsrEngine",
    "REGISTRY",
    "CPU_THREADS",
    "DECODE_SETTINGS",
    "DEFAULT_ENGINE",
    "DEFAULT_MODEL",
    "build_transcript",
    "check_audio",
    "estimated_words",
    "get_engine",
    "loaded_once",
    "normalize_language",
]
