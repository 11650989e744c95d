"""SVOX Pico through py-nanotts: small offline voices (fr-FR, en-US, en-GB, de, es, it), 16 kHz.

The wheel carries its own lingware, so nothing is provisioned. Pico is fast
(about 1/100 of real time) and a second French voice when Kokoro mishears.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..audio.wav import write_wav
from ..errors import EngineError, EngineUnavailable

SAMPLE_RATE = 16000
VOICES = {"fr": "fr-FR", "en": "en-US", "de": "de-DE", "es": "es-ES", "it": "it-IT"}
FULL_TAGS = {"fr-FR", "en-US", "en-GB", "de-DE", "es-ES", "it-IT"}

_lock = threading.Lock()  # the C library keeps one engine per process


def _voice(lang: str) -> str | None:
    env = os.environ.get(f"PIPELINE_PICO_VOICE_{lang.split('-')[0].upper()}")
    if env:
        return env
    tag = lang.replace("_", "-")
    parts = tag.split("-")
    if len(parts) == 2 and f"{parts[0].lower()}-{parts[1].upper()}" in FULL_TAGS:
        return f"{parts[0].lower()}-{parts[1].upper()}"
    return VOICES.get(parts[0].lower())


class PicoEngine:
    name = "pico"
    offline = True

    def supports(self, lang: str) -> bool:
        if _voice(lang) not in FULL_TAGS:
            return False
        try:
            import py_nanotts  # noqa: F401
        except ImportError:
            return False
        return True

    def voice_id(self, lang: str) -> str:
        try:
            from importlib.metadata import version
            v = version("py-nanotts")
        except Exception:  # noqa: BLE001 - not installed: the id still names the voice
            v = "?"
        return f"pico py-nanotts {v} voice={_voice(lang)}"

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        if not text.strip():
            raise EngineError("nothing to speak: empty text")
        voice = _voice(lang)
        if voice not in FULL_TAGS:
            raise EngineUnavailable(f"pico has no voice for language {lang!r}",
                                    "use fr, en (en-US, en-GB), de, es or it, or another engine")
        try:
            from py_nanotts import NanoTTS
        except ImportError as e:
            raise EngineUnavailable(f"py-nanotts not installed: {e}", "pip install py-nanotts==0.1.1") from e
        with _lock:
            try:
                pcm = NanoTTS().speak(text, voice=voice, speed=float(rate))
            except Exception as e:  # noqa: BLE001 - the C extension raises RuntimeError/ValueError
                raise EngineError(f"pico could not speak {text[:60]!r}: {e}") from e
        write_wav(out_wav, pcm, SAMPLE_RATE)
