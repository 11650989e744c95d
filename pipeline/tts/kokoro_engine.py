"""Kokoro-82M (kokoro-onnx), offline neural voices: French `ff_siwis`, English.

The model and voices are provisioned by `make setup` (pipeline.provision.kokoro);
without them the engine is unavailable and the fallback chain moves on.

Voices per language (env PIPELINE_KOKORO_VOICE_<LANG> overrides): the English
default is the voice Whisper base heard best on the shared English vectors
(docs/engines.md, "Numbers heard"). Kokoro phonemizes with espeak-ng through
`phonemizer`, which loads its own copy of the library, so it lives in one
process with the espeak engine (tests/test_tts.py checks it).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from .. import cputime
from ..audio.wav import pcm16, write_wav
from ..errors import EngineError, EngineUnavailable, SetupError

VOICES = {"fr": "ff_siwis", "en": "af_heart"}
# espeak-ng language of a Kokoro voice, by the voice's first letter.
ESPEAK_LANG = {"a": "en-us", "b": "en-gb", "f": "fr-fr"}
MIN_SPEED, MAX_SPEED = 0.5, 2.0
# One loaded model per process, shared by every instance (a host's voice is an instance).
_LOADED: dict[str, object] = {}
_LOAD_LOCK = threading.Lock()


def _base(lang: str) -> str:
    return lang.split("-")[0].lower()


class KokoroEngine:
    name = "kokoro"
    offline = True

    def __init__(self, voices: dict[str, str] | None = None, root: str | os.PathLike | None = None):
        self._voices = dict(voices or {})
        self._root = root
        self._kokoro: Any = None
        self._lock = _LOAD_LOCK     # one model, one lock: instances share both

    def voice(self, lang: str) -> str | None:
        env = os.environ.get(f"PIPELINE_KOKORO_VOICE_{_base(lang).upper()}")
        return self._voices.get(_base(lang)) or env or VOICES.get(_base(lang))

    def _files(self) -> tuple[Path, Path]:
        from ..provision.kokoro import installed

        try:
            return installed(self._root)
        except SetupError as e:
            raise EngineUnavailable(f"kokoro unavailable: {e.cause}", e.fix) from None

    def unavailable_reason(self) -> str | None:
        try:
            self._files()
        except EngineUnavailable as e:
            return f"{e.cause}; fix: {e.fix}" if e.fix else e.cause
        return None

    def supports(self, lang: str) -> bool:
        v = self.voice(lang)
        if v is None or v[:1] not in ESPEAK_LANG:
            return False
        try:
            self._files()
        except EngineUnavailable:
            return False
        return True

    def voice_id(self, lang: str) -> str:
        try:
            model, voices = self._files()
            sizes = f"{model.stat().st_size}:{voices.stat().st_size}"
        except EngineUnavailable:
            sizes = "none"
        return f"kokoro:{self.voice(lang)}:{sizes}"

    def _load(self):
        if self._kokoro is None:
            model, voices = self._files()
            if str(model) in _LOADED:
                self._kokoro = _LOADED[str(model)]
                return self._kokoro
            try:
                from kokoro_onnx import Kokoro
            except ImportError as e:
                raise EngineUnavailable(f"kokoro-onnx not installed: {e}", "pip install kokoro-onnx==0.6.1") from e
            from .piper_engine import onnx_session, optimized_model_path

            try:   # the graph optimized once per machine, like piper's (7 s of a 12 s load here)
                with cputime.account(cputime.MODEL_LOADS):
                    self._kokoro = Kokoro.from_session(onnx_session(model, optimized_model_path(model)), str(voices))
            except Exception as e:  # onnxruntime / numpy raise their own types
                raise EngineError(f"cannot load the Kokoro model {model}: {e}", "run `make setup`") from e
            _LOADED[str(model)] = self._kokoro
        return self._kokoro

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        if not text.strip():
            raise EngineError("nothing to speak: empty text")
        voice = self.voice(lang)
        if voice is None or voice[:1] not in ESPEAK_LANG:
            raise EngineUnavailable(f"kokoro has no voice for language {lang!r}",
                                    f"set PIPELINE_KOKORO_VOICE_{_base(lang).upper()} to a Kokoro voice name")
        speed = max(MIN_SPEED, min(MAX_SPEED, float(rate)))
        with self._lock:
            kokoro = self._load()
            style = voice_style(kokoro, voice)
            try:
                audio, sample_rate = kokoro.create(text, voice=style, speed=speed, lang=ESPEAK_LANG[voice[0]])
            except ValueError as e:
                raise EngineError(f"kokoro could not speak {text[:60]!r}: {e}") from e
        write_wav(out_wav, pcm16(audio), sample_rate)


def blend_parts(voice: str) -> list[tuple[str, float]]:
    """'ff_siwis*0.6+am_michael*0.4' -> [('ff_siwis', 0.6), ('am_michael', 0.4)]; a plain
    name is itself at weight 1. The first voice names the language it is phonemized in."""
    parts = []
    for item in voice.split("+"):
        name, _, weight = item.strip().partition("*")
        try:
            parts.append((name.strip(), float(weight) if weight else 1.0))
        except ValueError:
            raise EngineError(f"kokoro voice {voice!r}: {weight!r} is not a weight",
                              "write a blend as ff_siwis*0.6+am_michael*0.4") from None
    return parts


def voice_style(kokoro, voice: str):
    """A voice name, or a blend of voice styles (their weighted mean) for kokoro.create."""
    parts = blend_parts(voice)
    for name, _ in parts:
        if name not in kokoro.voices:
            raise EngineUnavailable(f"kokoro has no voice {name!r}", "use one of: " + ", ".join(kokoro.voices))
    if len(parts) == 1:
        return parts[0][0]
    total = sum(w for _, w in parts) or 1.0
    return sum(kokoro.get_voice_style(name) * (w / total) for name, w in parts)
