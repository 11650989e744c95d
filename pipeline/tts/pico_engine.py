"""SVOX Pico through py-nanotts: small offline voices (fr-FR, en-US, en-GB, de, es, it), 16 kHz.

The wheel carries its own lingware, so nothing is provisioned. Pico is fast
(about 1/100 of real time) and a second French voice when Kokoro mishears.

Pico samples no noise, but it read memory it had not written: py-nanotts
mallocs its 2.5 MB working memory afresh for each call, and Pico uses some
of it before writing it. glibc hands out fresh (zeroed) pages for a block that
size only while nothing freed fits it: the first call of a fresh process read
zeros, the later ones whatever an earlier call (or Kokoro, or numpy) left. The
same text gave different WAVs in one process (calls 1-2 and 3-4), and the
first call's depended on what ran before it. During a Pico call glibc now
zero-fills every allocation (`mallopt(M_PERTURB)`, as MALLOC_PERTURB_ does;
fixing the mmap threshold was not enough once Kokoro had run): every call
speaks as a fresh process's first call did, the same bytes in any process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from pathlib import Path

from ..audio.wav import write_wav
from ..errors import EngineError, EngineUnavailable

SAMPLE_RATE = 16000
# Pico's own French front end reads a year written in digits so fast that
# Whisper base hears another year ("en 2023" -> 2003, "2022" -> 2002,
# "juillet 2025" -> "juillet et 25"); read through the project's verbalizer
# ("deux mille vingt-trois") each of those was heard right. So, in the
# languages listed, years (alone or closing a date) are spelled out before Pico sees them.
SPELL_YEARS_LANGS = {"fr"}
_YEAR_RE = re.compile(r"(?<![\d,.])(?<!\d[\u00a0\u202f ])(1[5-9]|20)\d\d(?![\d%]|[\u00a0\u202f ]\d)")
# Part of voice_id, so cached audio made before a change of text preparation is not reused.
TEXT_PREP = "years-spelled-2"
# Part of voice_id too: audio cached before each call started from zeroed memory is not reused.
MEMORY = "zeroed-2"
VOICES = {"fr": "fr-FR", "en": "en-US", "de": "de-DE", "es": "es-ES", "it": "it-IT"}
FULL_TAGS = {"fr-FR", "en-US", "en-GB", "de-DE", "es-ES", "it-IT"}

_lock = threading.Lock()  # the C library keeps one engine per process
_M_PERTURB = -6             # glibc's mallopt parameter: fill allocations with (byte ^ 0xff)


@contextlib.contextmanager
def zeroed_mallocs():
    """While inside, every malloc of the process returns zeroed memory (glibc's
    M_PERTURB at 0xff, as MALLOC_PERTURB_ does); elsewhere nothing is changed."""
    mallopt = _mallopt()
    if mallopt is None or not mallopt(_M_PERTURB, 0xFF):
        yield
        return
    try:
        yield
    finally:
        mallopt(_M_PERTURB, 0)


@functools.cache
def _mallopt():
    import ctypes
    import platform

    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None


def _voice(lang: str) -> str | None:
    env = os.environ.get(f"PIPELINE_PICO_VOICE_{lang.split('-')[0].upper()}")
    if env:
        return env
    tag = lang.replace("_", "-")
    parts = tag.split("-")
    if len(parts) == 2 and f"{parts[0].lower()}-{parts[1].upper()}" in FULL_TAGS:
        return f"{parts[0].lower()}-{parts[1].upper()}"
    return VOICES.get(parts[0].lower())


def _year_span(m) -> tuple[int, int] | None:
    """Where the year sits in a mention: a plain four-digit number 1500-2099 (a
    year, not "2 150"), or the year closing a date. A date's day stays as
    written: spelled out, "le dix-huit août" was heard "le Dixie haute"."""
    if m.kind not in ("number", "date"):
        return None
    found = list(_YEAR_RE.finditer(m.text))
    if not found or (m.kind == "number" and found[0].group() != m.text.strip()):
        return None
    return m.start + found[-1].start(), m.start + found[-1].end()


def prepare_text(text: str, lang: str) -> str:
    """The text Pico is given: years as words where SPELL_YEARS_LANGS says so."""
    if lang.split("-")[0].lower() not in SPELL_YEARS_LANGS:
        return text
    from .. import numbers

    out, pos = [], 0
    for m in numbers.extract(text, lang):
        span = _year_span(m)
        if span:
            out += [text[pos:span[0]], numbers.spell_out(text[span[0]:span[1]], lang)]
            pos = span[1]
    return "".join(out) + text[pos:]


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
        prep = f" text={TEXT_PREP}" if lang.split("-")[0].lower() in SPELL_YEARS_LANGS else ""
        return f"pico py-nanotts {v} voice={_voice(lang)}{prep} {MEMORY}"

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
        with _lock, zeroed_mallocs():
            try:
                pcm = NanoTTS().speak(prepare_text(text, lang), voice=voice, speed=float(rate))
            except Exception as e:
                raise EngineError(f"pico could not speak {text[:60]!r}: {e}") from e
        write_wav(out_wav, pcm, SAMPLE_RATE)
