"""Finding numbers in text before it is spoken.

Two jobs:
- `protect_numbers`: glue a number's parts together with non-breaking spaces
  ("1 000", "95 %", "49,2 milliards") so a splitter that cuts at spaces (gTTS
  cuts at <=100 characters) never separates them.
- `number_spans` / `spell_numbers`: find numbers of given kinds so an engine
  that misreads them gets words instead of digits.

Kinds of a number span (a span can have several):
  space_grouped   thousands separated by a space/NBSP: "1 000", "12 500 000"
  decimal         has a fractional part: "49.2", "49,2"
  decimal_point   a "." decimal in a comma-decimal language: fr "49.2"
  percent         followed by %: "95 %", "95%"
  currency        a currency symbol before or after: "$49.2", "49,2 €"
  ordinal         ordinal suffix: "8e", "1er", "21st", "3rd"
  magnitude       followed by a scale word: "49,2 milliards", "$3 billion"
  plain           none of the above
"all" in a policy means every number.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, NamedTuple

NBSP = "\u00a0"
_SP = " \u00a0\u202f"  # space, no-break space, narrow no-break space

# Languages writing decimals with a comma (so "49.2" is a misformat there).
COMMA_DECIMAL_LANGS = {
    "fr", "de", "es", "it", "pt", "nl", "ru", "pl", "cs", "sv", "da", "nb", "no",
    "fi", "tr", "ro", "hu", "el", "uk", "ca", "id", "vi",
}

_MAGNITUDES = (
    r"thousand|million|billion|trillion|mille|millions?|milliards?|billions?|"
    r"bn|Md|Mds|M|k"
)
_CURRENCY_SYMBOLS = "$€£¥"
_ORDINAL_SUFFIXES = r"(?:ers?|res?|ème|èmes|eme|e|st|nd|rd|th)"

NUMBER_RE = re.compile(
    rf"""
    (?<![\w.,])(?<!\w-)   # not inside a code: COVID-19, GPT-4
    (?P<pre>[{_CURRENCY_SYMBOLS}][{_SP}]?)?
    (?P<int>\d{{1,3}}(?:[{_SP}]\d{{3}}(?!\d))+|\d+)
    (?P<frac>(?:[.,]\d+)*)
    (?P<suf>(?:[{_SP}]?(?:%|[{_CURRENCY_SYMBOLS}]))|{_ORDINAL_SUFFIXES}\b)?
    (?P<mag>[{_SP}](?:{_MAGNITUDES})\b)?
    (?P<post>[{_SP}]?[{_CURRENCY_SYMBOLS}])?
    """,
    re.VERBOSE,
)


class NumberSpan(NamedTuple):
    start: int
    end: int
    text: str
    kinds: frozenset


def _kinds(m: re.Match, lang: str) -> frozenset:
    kinds: set[str] = set()
    integer, frac, suf = m["int"], m["frac"] or "", (m["suf"] or "").strip(_SP)
    if any(c in integer for c in _SP):
        kinds.add("space_grouped")
    base = lang.split("-")[0].lower()
    if frac:
        # en "1,000" and fr "1.000" are thousands groups, not decimals.
        groups_sep = "." if base in COMMA_DECIMAL_LANGS else ","
        parts = re.findall(r"[.,]\d+", frac)
        is_grouping = all(p[0] == groups_sep and len(p) == 4 for p in parts)
        if not is_grouping:
            kinds.add("decimal")
            if base in COMMA_DECIMAL_LANGS and "." in frac:
                kinds.add("decimal_point")
    if suf == "%":
        kinds.add("percent")
    elif suf and suf in _CURRENCY_SYMBOLS:
        kinds.add("currency")
    elif suf:
        kinds.add("ordinal")
    if m["pre"] or m["post"]:
        kinds.add("currency")
    if m["mag"]:
        kinds.add("magnitude")
    return frozenset(kinds or {"plain"})


def number_spans(text: str, lang: str) -> list[NumberSpan]:
    out = []
    for m in NUMBER_RE.finditer(text):
        s, e = m.span()
        # never swallow trailing spaces
        while e > s and text[e - 1] in _SP:
            e -= 1
        out.append(NumberSpan(s, e, text[s:e], _kinds(m, lang)))
    return out


def protect_numbers(text: str, lang: str) -> str:
    """Replace every space inside a number span with a no-break space."""
    pieces, last = [], 0
    for span in number_spans(text, lang):
        pieces.append(text[last:span.start])
        pieces.append(re.sub(f"[{_SP}]", NBSP, span.text))
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)


def builtin_fix(span: NumberSpan, lang: str) -> str:
    """Digit-only rewrites that need no number-to-words library.

    Used when pipeline.numbers is not available: en "1 000" -> "1,000";
    comma-decimal languages "49.2" -> "49,2". Other kinds stay as written.
    """
    t = span.text
    base = lang.split("-")[0].lower()
    if "space_grouped" in span.kinds:
        sep = "" if base in COMMA_DECIMAL_LANGS else ","
        if sep:
            t = re.sub(rf"(?<=\d)[{_SP}](?=\d{{3}})", sep, t)
    if "decimal_point" in span.kinds:
        t = re.sub(r"(?<=\d)\.(?=\d)", ",", t)
    return t


def spell_numbers(
    text: str,
    lang: str,
    kinds: Iterable[str],
    spell_out: Callable[[str, str], str] | None,
) -> str:
    """Rewrite number spans whose kinds intersect `kinds`.

    With `spell_out` (pipeline.numbers.spell_out) the span becomes words; with
    None, only the digit-level `builtin_fix` is applied.
    """
    wanted = set(kinds)
    if not wanted:
        return text
    pieces, last = [], 0
    for span in number_spans(text, lang):
        if "all" not in wanted and not (wanted & span.kinds):
            continue
        new = spell_out(span.text, lang) if spell_out else builtin_fix(span, lang)
        pieces.append(text[last:span.start])
        pieces.append(new)
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)
