"""Numbers in text about to be spoken, seen through the number engine.

Two jobs, both built on `pipeline.numbers` (one number grammar for the whole
project):
- `protect_numbers`: glue a number's parts together with no-break spaces
  ("1 000", "95 %", "49,2 milliards") so a splitter that cuts at spaces (gTTS
  cuts at <=100 characters) never separates them.
- `spell_numbers`: numbers with the given traits become words, for engines
  that misread them as digits.

Traits of a number (a number can have several):
  space_grouped   thousands separated by a space/NBSP: "1 000", "12 500 000"
  decimal_point   a "." decimal in a comma-decimal language: fr "49.2"
  decimal         any decimal: en "1.5", "76.4%"; fr "49,2", "49.2"
  currency        an amount of money: "$49.2", "49,2 €", "3 euros"
  percent         "95 %", "95 percent"
  ordinal         "8e", "1er", "21st"
  date, number    the mention's kind
"all" in a set of traits means every number.
"""

from __future__ import annotations

import re

from .. import numbers

NBSP = "\u00a0"
_SP = " \u00a0\u202f"
# Languages writing decimals with a comma (so "49.2" is a misformat there).
COMMA_DECIMAL_LANGS = {"fr", "de", "es", "it", "pt", "nl"}
# Words that make two numbers one range ("350 et 400 milliards"): never cut there.
RANGE_WORDS = {"and", "to", "or", "through", "et", "à", "a", "ou", "au"}
_ORDINAL_RE = re.compile(r"\d(?:ers?|res?|ème|èmes|eme|e|st|nd|rd|th)\b")


def traits(m: numbers.Mention, lang: str) -> frozenset[str]:
    found = {m.kind}
    if re.search(rf"\d[{_SP}]\d{{3}}(?!\d)", m.text):
        found.add("space_grouped")
    if lang.split("-")[0] in COMMA_DECIMAL_LANGS and re.search(r"\d\.\d(?!\d\d(?!\d))", m.text):
        found.add("decimal_point")
    if _ORDINAL_RE.search(m.text):
        found.add("ordinal")
    comma = lang.split("-")[0] in COMMA_DECIMAL_LANGS
    if "decimal_point" in found or re.search(r"\d,\d" if comma else r"\d\.\d", m.text):
        found.add("decimal")
    return frozenset(found)


def protect_numbers(text: str, lang: str) -> str:
    """Replace every space inside a number with a no-break space."""
    pieces, last = [], 0
    for m in numbers.extract(text, lang):
        pieces.append(text[last:m.start])
        pieces.append(re.sub(f"[{_SP}]", NBSP, m.text))
        last = m.end
    pieces.append(text[last:])
    return "".join(pieces)


# A no-break space between digit groups ("2\u00a0400", "5\u202f000", as French posts
# write them): espeak-ng (and so piper and Kokoro) reads "2\u00a0400 employés" as
# "deux quatre cents employés", the plain "2 400" as "deux mille quatre cents".
_GROUP_NBSP = re.compile(r"(?<=\d)[\u00a0\u202f](?=\d{3}(?!\d))")


def plain_number_spaces(text: str) -> str:
    """Plain spaces between a number's digit groups (protect_numbers puts no-break
    spaces back for the engines that cut text at spaces)."""
    return _GROUP_NBSP.sub(" ", text)


def spell_numbers(text: str, lang: str, wanted: set[str] | frozenset[str]) -> str:
    """Numbers whose traits meet `wanted` ("all": every one) spoken as words."""
    if not wanted:
        return text
    if "all" in wanted:
        return numbers.spell_out(text, lang)
    return numbers.spell_out(text, lang, select=lambda m: bool(traits(m, lang) & wanted))


# A number word after which a spelled-out number goes on ("deux mille cent
# cinquante"): a comma there is a short pause inside the number.
_THOUSAND_GOES_ON = {
    "fr": re.compile(r"\bmille(?= (?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
                     r"|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent)\b)", re.IGNORECASE),
    "en": re.compile(r"\bthousand(?= (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
                     r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
                     r"|seventy|eighty|ninety|a hundred)\b)", re.IGNORECASE),
}


def pause_after_thousands(text: str, lang: str) -> str:
    """A comma after "mille"/"thousand" inside a spelled-out number: Kokoro's
    "deux mille cent cinquante" is heard "250", while "deux mille, cent cinquante"
    is heard "2 150" or "2000, 150" (the comparer reads that group by group)."""
    rule = _THOUSAND_GOES_ON.get(lang.split("-")[0].lower())
    return rule.sub(lambda m: m.group(0) + ",", text) if rule else text


def separate_close_numbers(text: str, lang: str) -> str:
    """A comma between two numbers side by side or only a short word apart, so
    they are heard apart ("900,000 two years" is heard "900,000 to years").

    "rose to 14,800 in 2024" spoken as words runs "eight hundred in twenty
    twenty-four" together, which Whisper hears as "14,820 24"; a pause keeps
    the two numbers whole.
    """
    found = numbers.extract(text, lang)
    out, pos = [], 0
    for a, b in zip(found, found[1:]):
        gap = text[a.end:b.start]
        if re.fullmatch(r"\s+", gap) or (
                len(gap) <= 8 and re.fullmatch(r" [^\W\d_]+ ", gap)
                and gap.strip().lower() not in RANGE_WORDS):
            out.append(text[pos:a.end] + ",")
            pos = a.end
    out.append(text[pos:])
    return "".join(out)


# Another wording of the numbers, for a segment Whisper misheard (pipeline.heal):
# fr "en 2028" -> "en l'an 2028" (a bare year is heard as 2018, 2020, 2022);
# en "two hundred fourteen million" -> "two hundred and fourteen million".
_FR_YEAR_AFTER_EN = re.compile(r"\b([Ee]n)\s+((?:1[89]|20)\d\d)\b(?![,.]\d|\s*%)")
_EN_HUNDRED = re.compile(r"\b(hundred)\s+(?!and\b|thousand\b|million\b|billion\b|trillion\b|"
                         r"dollars?\b|euros?\b|pounds?\b|percent\b|point\b)(?=[a-z]+\b)")
_EN_NUMBER_WORD = re.compile(r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                             r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                             r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b")


def reword_numbers(text: str, lang: str, only: list[str] | None = None) -> str:
    """`text` in another wording a listener hears the same, for Whisper to get a
    second chance. French works on digits (before spelling out), English on
    words (after): pipeline.tts.speech.spoken_text calls it on both sides.
    `only`: French rewords just the numbers written as in this list."""
    base = lang.split("-")[0].lower()
    if base == "fr":
        def year(m: re.Match) -> str:
            wanted = only is None or any(m.group(2) in t for t in only)
            return f"{m.group(1)} l'an {m.group(2)}" if wanted else m.group(0)

        return _fr_whole_amounts(_FR_YEAR_AFTER_EN.sub(year, text), only)
    if base == "en":
        out, pos = [], 0
        for m in _EN_HUNDRED.finditer(text):
            if _EN_NUMBER_WORD.match(text, m.end()):
                out.append(text[pos:m.end()] + "and ")
                pos = m.end()
        out.append(text[pos:])
        return "".join(out)
    return text


def _fr_whole_amounts(text: str, only: list[str] | None = None) -> str:
    """fr "2,3 millions" -> "deux millions trois cent mille": no "virgule" to mishear
    ("deux virgule trois" was heard "de virgule 3")."""
    from decimal import Decimal

    from ..numbers import langs

    fr = langs.get("fr")
    out, pos = [], 0
    for m in numbers.extract(text, "fr"):
        value = Decimal(m.value) if m.kind in ("number", "currency") else None
        if value is None or value != value.to_integral_value():
            continue
        if not re.search(r"\d,\d.*\b(?:million|milliard)", m.text):
            continue
        if only is not None and not any(m.text in t or t in m.text for t in only):
            continue
        words = fr.cardinal(int(value))
        if m.kind == "currency" and m.unit:
            words = fr.currency_phrase(m.unit, value, words)
        out.append(text[pos:m.start] + words)
        pos = m.end
        de = re.match(r" (?:de |d['’])", text[pos:])   # "2,3 millions de vélos": "… mille vélos"
        if de and m.kind == "number":
            pos += de.end() - 1
    out.append(text[pos:])
    return "".join(out)

