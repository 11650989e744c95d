"""A host's voice, named in podcast.yaml as `engine` or `engine:voice`:

    kokoro:af_heart                      one of Kokoro's voices
    kokoro:ff_siwis*0.5+am_michael*0.5   a blend of Kokoro voice styles (phonemized in
                                         the language of the first voice)
    piper                                the engine's own voice for the language
    piper:voices/fr_FR-x.onnx            a piper voice file
    pico, espeak                         their one voice per language
    gtts:co.uk                           gTTS (online) in an accent: the Google domain it asks
                                         (pipeline.tts.gtts_engine.ACCENTS: en com, co.uk,
                                         com.au, ...; fr fr, ca); plain `gtts` is `gtts:com`

`voice_engine(spec)` gives the TTS engine that speaks in that voice: an engine
instance of its own (Kokoro's instances share one loaded model), so its
voice_id, and with it the TTS cache key, names the voice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..errors import EngineError
from . import REGISTRY, TtsEngine, get_engine

# Engines whose voice can be named after the colon.
NAMED_VOICES = ("kokoro", "piper", "gtts")


@dataclass(frozen=True)
class Voice:
    engine: str
    name: str | None = None

    @property
    def spec(self) -> str:
        return f"{self.engine}:{self.name}" if self.name else self.engine


def parse_voice(spec: str) -> Voice:
    """'kokoro:am_michael' -> Voice('kokoro', 'am_michael'); unknown engine -> EngineError."""
    engine, _, name = str(spec).strip().partition(":")
    REGISTRY.check(engine)
    if name and engine not in NAMED_VOICES:
        raise EngineError(f"voice {spec!r}: {engine} has one voice per language, it cannot be named",
                          f"write just {engine!r}, or name a voice of {' or '.join(NAMED_VOICES)}")
    voice = Voice(engine, name.strip() or None)
    if voice.engine == "gtts" and voice.name:
        from .gtts_engine import check_tld

        check_tld(voice.name)
    return voice


@functools.cache
def voice_engine(spec: str, lang: str) -> TtsEngine:
    """The engine speaking `lang` in the voice `spec` (one instance per voice and language)."""
    voice = parse_voice(spec)
    if voice.name is None:
        return get_engine(voice.engine)
    base = lang.split("-")[0].lower()
    if voice.engine == "gtts":
        from .gtts_engine import GttsEngine, check_tld

        return GttsEngine(tld=check_tld(voice.name, lang))
    if voice.engine == "kokoro":
        from .kokoro_engine import KokoroEngine

        return KokoroEngine(voices={base: voice.name})
    from .piper_engine import PiperEngine

    return PiperEngine(voices={base: voice.name})
