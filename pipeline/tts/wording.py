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

A time in a range, "between 4:30 and 6:30 pm", is written right by Whisper
("between 4.30 and 6.30 pm"); the comparer now reads that "4.30" as a time with
the range's meridiem (clock.py), and the range's meridiem is also said on both
times here, which Whisper writes "4.30 pm".
"""

from __future__ import annotations

import re

from .. import numbers

# Only bare counts and times are set apart: a pause inside "de, cinq millions de
# dollars" or "soixante et un pour cent," lost those amounts on the same post, and
# their unit word already sets them apart.
SET_APART = frozenset({"number", "time"})
# "4:30 and 6:30 pm": the first time of a range takes the meridiem of the last
# (Whisper writes "between 4.30 and 6.30 pm", right, which the comparer reads as
# two times; "4.30 pm" said alone is a time however it is heard).
_MERIDIEM = re.compile(r"\s*[ap]\.?\s?m\.?$", re.IGNORECASE)
_RANGE_GAP = re.compile(r"\s*(?:and|to|through|-|–|et|à)\s*", re.IGNORECASE)
# A number right after (or before) one of these already has its pause.
_PAUSE_BEFORE = re.compile(r"[,;:.!?(«\"'’\-–—]\s*$")
_PAUSE_AFTER = re.compile(r"^\s*[,;:.!?)»\"\-–—]")


def set_apart_numbers(text: str, lang: str) -> str:
    """A comma before and after each count or time of `text` (digits, before spelling
    out, so a number's own words stay whole), where no punctuation or edge of the
    text already makes a pause."""
    out, pos = [], 0
    found = numbers.extract(text, lang)
    for i, m in enumerate(found):
        if m.kind not in SET_APART:
            continue
        before = text[pos:m.start]
        if text[:m.start].strip() and not _PAUSE_BEFORE.search(text[:m.start]):
            before = before.rstrip() + ", "
        after = "," if text[m.end:].strip() and not _PAUSE_AFTER.match(text[m.end:]) else ""
        out.append(before + text[m.start:m.end] + shared_meridiem(text, m, found[i + 1:i + 2]) + after)
        pos = m.end
    out.append(text[pos:])
    return re.sub(r",(?:\s*,)+", ",", "".join(out))


def shared_meridiem(text: str, m: numbers.Mention, nxt: list[numbers.Mention]) -> str:
    """" pm" when `m` is a time without one and the range's next time has it."""
    if m.kind != "time" or m.unit or not nxt or nxt[0].kind != "time" or not nxt[0].unit:
        return ""
    if not _RANGE_GAP.fullmatch(text[m.end:nxt[0].start]):
        return ""
    said = _MERIDIEM.search(nxt[0].text)
    return " " + said.group(0).strip() if said else ""


# "n°9": espeak-ng (Kokoro, Piper) says the letter, "enne neuf", heard "N9" (a code, not
# the number 9) by both Whisper engines on tests/corpus/recap-reseau-2022.fr.md.
_NUMBER_SIGN = {"fr": (re.compile(r"\b[nN]\s?°\s*(?=\d)"), "numéro ")}


def say_number_sign(text: str, lang: str) -> str:
    """The French number sign in words: "Infolettre n°9" -> "Infolettre numéro 9"."""
    rule = _NUMBER_SIGN.get(lang.split("-")[0].lower())
    return rule[0].sub(rule[1], text) if rule else text
