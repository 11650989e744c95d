"""Speech engines behind one small interface (`TtsEngine`) and a registry.

    engine = get_engine("piper")
    engine.synthesize("Hello.", "en", Path("hello.wav"))

Engines: "gtts" (default; Google, needs the network), "piper" (offline,
neural, English voice from PyPI), "kokoro" (offline, neural, French and
English; model and voices provisioned by `make setup`), "pico" (offline, SVOX
Pico, small and fast), "espeak" (offline, formant, every language).
`fallback_chain("gtts", "fr")` -> ["gtts", "kokoro", "pico", "espeak"]: what
to try, in order (OFFLINE_PREFERENCE, per language).
Engine modules (and their heavy imports) load only when an engine is built.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

from ..audio.wav import wav_ok
from ..errors import EngineError  # noqa: F401  (named in the docstrings: what get_engine raises)
from ..registry import Registry
from .base import TtsEngine

__all__ = [
    "TtsEngine", "REGISTRY", "DEFAULT_ENGINE", "OFFLINE_PREFERENCE", "OFFLINE_CHAINS",
    "offline_preference", "describe",
    "get_engine", "fallback_chain", "wav_ok",
]

DEFAULT_ENGINE = "gtts"

# Best offline engine first, per language, measured (docs/engines.md, "Numbers heard"):
# the share of numbers Whisper base hears back. Engines without a voice for a
# language are skipped; espeak speaks every language it knows.
OFFLINE_CHAINS = {
    "fr": ("kokoro", "piper", "pico", "espeak"),   # piper only with a French voice of your own
    "en": ("piper", "kokoro", "pico", "espeak"),
    "*": ("piper", "kokoro", "pico", "espeak"),
}
OFFLINE_PREFERENCE = OFFLINE_CHAINS["*"]


def offline_preference(lang: str) -> tuple[str, ...]:
    """The offline engines for `lang`, best first."""
    base = lang.split("-")[0].lower()
    return OFFLINE_CHAINS.get(base, OFFLINE_CHAINS["*"])


def _lazy(module: str, cls: str) -> Callable[[], TtsEngine]:
    """A loader that imports an engine's module only when the engine is first asked
    for (each pulls in its own runtime: onnx, espeak-ng, HTTP), one instance per process."""
    @functools.lru_cache(maxsize=None)
    def load() -> TtsEngine:
        return getattr(importlib.import_module(f".{module}", __name__), cls)()

    return load


REGISTRY: Registry[TtsEngine] = Registry("TTS")
for _name, _module, _cls in (("gtts", "gtts_engine", "GttsEngine"), ("piper", "piper_engine", "PiperEngine"),
                             ("kokoro", "kokoro_engine", "KokoroEngine"), ("pico", "pico_engine", "PicoEngine"),
                             ("espeak", "espeak_engine", "EspeakEngine")):
    REGISTRY.register(_name, _lazy(_module, _cls))


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
    for name in (preferred, *offline_preference(lang)):
        if name in chain or name not in REGISTRY.names():
            continue
        if get_engine(name).supports(lang):
            chain.append(name)
    return chain


# Languages `describe` reports on (the ones the number engine checks).
CHECKED_LANGS = ("fr", "en")


def describe(name: str, langs: tuple[str, ...] = CHECKED_LANGS) -> str:
    """One line: what `name` is and whether it can speak each of `langs` on this machine."""
    eng = get_engine(name)
    voiced = [lang for lang in langs if eng.supports(lang)]
    kind = "offline" if eng.offline else "online (needs the network; not probed)"
    if voiced:
        return f"{name:8s} {kind}: available for {', '.join(voiced)}"
    why = getattr(eng, "unavailable_reason", lambda: None)() or f"no voice for {', '.join(langs)}"
    return f"{name:8s} {kind}: UNAVAILABLE here ({why})"

