"""A number set apart by pauses, for Whisper to write it as a number (heal's
"isolate" strategies, spell="isolated" in pipeline.tts.speech.spoken_text).

Heard on the French corpus post (tests/corpus/financement-par-projet.fr.md,
Kokoro ff_siwis and Pico fr-FR; Whisper base, faster-whisper and openai-whisper
alike): the voice says "dont cent un nécessitent", and Whisper writes the
homophones "dont sans un nécessite" or "dont sont à"; "des cent un
présentations" becomes "descend un", "des sains à" or "des 100 à": the number
is glued into the words around it. Every way of speaking the segment tried
before (in words, reworded, paused inside, slower, by Pico) lost it. Said
"dont, cent un, nécessitent", it is written "dont 101 nécessite". Said "cent et
un" or "cent, un" it was still lost ("s'en est un", "sans, un").
"""

from __future__ import annotations

import re

from .. import numbers

# Only bare counts and times are set apart: a pause inside "de, cinq millions de
# dollars" or "soixante et un pour cent," lost those amounts on the same post, and
# their unit word already sets them apart.
SET_APART = frozenset({"number", "time"})
# A number right after (or before) one of these already has its pause.
_PAUSE_BEFORE = re.compile(r"[,;:.!?(«\"'’\-–—]\s*$")
_PAUSE_AFTER = re.compile(r"^\s*[,;:.!?)»\"\-–—]")


def set_apart_numbers(text: str, lang: str) -> str:
    """A comma before and after each count or time of `text` (digits, before spelling
    out, so a number's own words stay whole), where no punctuation or edge of the
    text already makes a pause."""
    out, pos = [], 0
    for m in numbers.extract(text, lang):
        if m.kind not in SET_APART:
            continue
        before = text[pos:m.start]
        if text[:m.start].strip() and not _PAUSE_BEFORE.search(text[:m.start]):
            before = before.rstrip() + ", "
        after = "," if text[m.end:].strip() and not _PAUSE_AFTER.match(text[m.end:]) else ""
        out.append(before + text[m.start:m.end] + after)
        pos = m.end
    out.append(text[pos:])
    return re.sub(r",(?:\s*,)+", ",", "".join(out))
