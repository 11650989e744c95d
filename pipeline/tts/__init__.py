"""Speech engines behind one small interface (`TtsEngine`) and a registry.

    engine = get_engine("piper")
    engine.synthesize("Hello.", "en", Path("hello.wav"))

Engines: "gtts" (default; Google, needs the network), "piper" (offline,
neural, English voice from PyPI), "espeak" (offline, formant, every language).
`fallback_chain("gtts", "fr")` -> ["gtts", "espeak"]: what to try, in order.
Engine modules (and their heavy imports) load only when an engine is built.
"""

from __future__ import annotations

import functools

from ..errors import EngineError
from ..registry import Registry
from .base import TtsEngine, wav_duration, wav_ok, write_wav

__all__ = [
    "TtsEngine", "REGISTRY", "DEFAULT_ENGINE", "OFFLINE_PREFERENCE",
    "get_engine", "fallback_chain", "wav_ok", "wav_duration", "write_wav",
]

DEFAULT_ENGINE = "gtts"

# Best offline engine first. Piper only has voices for some languages (English
# by default); espeak speaks every language it knows.
OFFLINE_PREFERENCE = ("piper", "espeak")


@functools.lru_cache(maxsize=None)
def _gtts() -> TtsEngine:
    from .gtts_engine import GttsEngine

    return GttsEngine()


@functools.lru_cache(maxsize=None)
def _piper() -> TtsEngine:
    from .piper_engine import PiperEngine

    return PiperEngine()


@functools.lru_cache(maxsize=None)
def _espeak() -> TtsEngine:
    from .espeak_engine import EspeakEngine

    return EspeakEngine()


REGISTRY: Registry[TtsEngine] = Registry("TTS")
REGISTRY.register("gtts", _gtts)
REGISTRY.register("piper", _piper)
REGISTRY.register("espeak", _espeak)


def get_engine(name: str) -> TtsEngine:
    """The engine registered as `name` (one shared instance per process).

    Unknown name -> EngineError listing the valid ones.
    """
    return REGISTRY.get(name)


def fallback_chain(preferred: str, lang: str) -> list[str]:
    """Engines to try for `lang`, in order: `preferred`, then the best offline ones.

    Engines without a voice for `lang` are left out, so the list can be empty
    (no engine speaks that language). Unknown `preferred` -> EngineError.
    """
    REGISTRY.check(preferred)
    chain: list[str] = []
    for name in (preferred, *OFFLINE_PREFERENCE):
        if name in chain or name not in REGISTRY.names():
            continue
        if get_engine(name).supports(lang):
            chain.append(name)
    return chain
