"""The text an engine is given for a piece of speech, and the cache key of what it says.

Shared by pipeline.synthesize (whole segments) and pipeline.tts.sentences
(the failing sentences of a segment, re-spoken one by one).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from ..numbers import spell_symbols
from .text import (
    pause_after_thousands,
    plain_number_spaces,
    protect_numbers,
    reword_numbers,
    separate_close_numbers,
    spell_numbers,
)
from .wording import say_number_sign, set_apart_numbers

# Which numbers to spell out (pipeline.numbers.spell_out) before an engine
# sees them: engine -> language ("*" = any other) -> kinds, see tts/text.py.
# Observed (docs/numbers.md and our own runs): espeak-ng reads en "1 000" as
# "one zero zero zero", "$49.2 billion" as "dollar forty-nine point two
# billion"; fr "49.2" as "point deux", "8e" as "huit e", "$49.2" symbol first.
# gTTS: Google's front end verbalizes numbers well in every language, so we
# only keep them whole (NBSP) -- except the French-style "1 000" in English.
ESPEAK_MISREADINGS: dict[str, frozenset[str]] = {
    "en": frozenset({"space_grouped", "currency"}),
    # fr "11h", "12h30": "onze ache", "douze ache trente" (Kokoro, heard "H-12H-30" by both
    # Whisper engines on tests/corpus/recap-reseau-2022.fr.md); spelled "onze heures".
    "fr": frozenset({"decimal_point", "currency", "ordinal", "time"}),
    "*": frozenset({"space_grouped", "decimal_point", "currency", "ordinal"}),
}
SPELL_OUT_POLICY: dict[str, dict[str, frozenset[str]]] = {
    "espeak": ESPEAK_MISREADINGS,
    # Piper and Kokoro phonemize with espeak-ng: they inherit its misreadings.
    "piper": ESPEAK_MISREADINGS,
    # Kokoro's English voices also blur decimals: "1.5 million", "76.4%", "0.05"
    # were 5 of the 5 numbers Whisper base missed on the shared English vectors,
    # and all 5 were heard once spelled out.
    "kokoro": {**ESPEAK_MISREADINGS, "en": ESPEAK_MISREADINGS["en"] | {"decimal"}},
    # Pico has its own front end, with the same weak spots in French (Whisper
    # base, one sentence each: "$49.2 milliards" and "3 500 000 euros" misheard
    # as digits, right when spelled out).
    "pico": ESPEAK_MISREADINGS,
    "gtts": {
        "en": frozenset({"space_grouped"}),
        "*": frozenset(),
    },
}
# Engines that cut text at spaces: numbers get no-break spaces inside.
PROTECT_NUMBERS = {"gtts"}

Event = Callable[[str], None]
TAKE_RATE = 0.94   # speed factor of each further take of a segment (heal's "another take")


def spell_kinds(engine: str, lang: str) -> frozenset[str]:
    table = SPELL_OUT_POLICY.get(engine, {})
    base = lang.split("-")[0].lower()
    return table.get(lang, table.get(base, table.get("*", frozenset())))


def spoken_text(text: str, engine: str, lang: str, on_event: Event | None = None,
                spell: str | None = None, reword: bool | list[str] = False) -> str:
    """The text actually given to `engine`: units, currencies and periods said in
    words, digits kept ("2.5 gigawatts", "236 billion pounds", "the third quarter of
    2025": no engine guesses "GW", "£236bn" or "Q3"); numbers rewritten per SPELL_OUT_POLICY
    (`spell="all"`: every number spelled out; "paused": the same with a pause after
    "mille"/"thousand" inside a number; "isolated": the same with a pause before
    and after each number, pipeline.tts.wording; `reword`: another wording of the
    numbers, or only of those written as in the list, tts.text.reword_numbers;
    both pipeline.heal overrides)."""
    every = spell in ("all", "paused", "isolated")
    kinds = frozenset({"all"}) if every else spell_kinds(engine, lang)
    out = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()  # one line; keeps NBSPs
    out = plain_number_spaces(spell_symbols(say_number_sign(out, lang), lang))
    if every:
        out = separate_close_numbers(out, lang)
    only = reword if isinstance(reword, list) else None
    if reword:
        out = reword_numbers(out, lang, only)
    if spell == "isolated":
        out = set_apart_numbers(out, lang)
    out = spell_numbers(out, lang, kinds)
    if spell == "paused":
        out = pause_after_thousands(out, lang)
    if reword:
        out = reword_numbers(out, lang, only)
    if engine in PROTECT_NUMBERS:
        out = protect_numbers(out, lang)
    return out


def override_rate(override: dict, rate: float) -> float:
    """The speaking rate of a segment under a heal override: its own rate, and a
    "take" is the same voice once more, a little slower (a new rendition)."""
    return float(override.get("rate") or rate) * TAKE_RATE ** int(override.get("take") or 0)


def cache_key(engine: str, voice: str, lang: str, rate: float, text: str) -> str:
    blob = json.dumps([engine, voice, lang, round(float(rate), 4), text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def seed_for(key: str, take: int = 0) -> int:
    """The noise seed of a piece of speech: from its cache key (engine, voice, language,
    rate, text), so the same speech is the same audio in every run; each further take
    (heal's "another take") the next seed, so it is still another rendition."""
    return int(key[:15], 16) + int(take or 0)


def seed_kwargs(engine, key: str, take: int = 0) -> dict:
    """What to add to `engine.synthesize(...)`: a seed for engines that sample noise
    (`seeded = True`: piper); the others say the same text the same way without one."""
    return {"seed": seed_for(key, take)} if getattr(engine, "seeded", False) else {}
