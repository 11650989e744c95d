"""Product and model names: "Microsoft 365", "IBM 701", "Windows 11", "Go 1.21",
"iPhone 15", "Paris 2024". A number written right after a capitalized word is
part of a name, spoken as written and not verified as an amount, when
  * the word is all capitals or mixed case ("IBM 701", "iPhone 15"), or
  * the number is a version or a year ("Go 1.21", "Paris 2024"), or
  * nothing but punctuation, a capitalized word or "and"/"or" follows it
    ("Windows 11.", "Microsoft 365 and ...");
and never when the word starts a sentence or a phrase ("In 2024", "Since 2020",
"Les 300") or the number carries a unit or a magnitude ("Nvidia 40 %").
"In Paris 15 new lanes" stays a count: when in doubt, a number is checked.

Versions ("v2.1.3", "GPT-4") are codes already (atoms.py). In what Whisper
heard, such a number is still offered to compare() as a weak candidate: a
segment-initial "Employs 400" must not lose the script's 400.
"""

from __future__ import annotations

from types import ModuleType

from .canon import decimal_str
from .draft import Draft
from .tokens import Token, is_latin_letter, joined

# words that start sentences and phrases in both languages, before a number
COMMON_OPENERS = frozenset({
    # English
    "in", "on", "at", "by", "for", "from", "to", "of", "since", "until", "till", "before", "after",
    "during", "over", "under", "about", "around", "nearly", "almost", "only", "just", "some", "all",
    "the", "a", "an", "and", "but", "or", "so", "yet", "with", "without", "between", "among", "per",
    "up", "down", "than", "then", "now", "here", "there", "this", "that", "these", "those", "its",
    "their", "our", "your", "his", "her", "my", "we", "they", "it", "he", "she", "you", "another",
    "each", "every", "both", "more", "less", "fewer", "roughly", "approximately", "exactly",
    "above", "below", "within", "through", "across", "against", "toward", "towards", "into",
    "still", "also", "even", "most", "least", "plus", "minus", "like", "as",
    "when", "while", "if", "because", "although", "though", "whereas", "circa",
    "last", "next", "past", "first", "latest", "recent", "total", "average", "median", "many",
    "few", "several", "barely", "fully", "nine", "out", "what", "which", "who", "whose",
    # French
    "en", "dans", "depuis", "dès", "des", "le", "la", "les", "l", "un", "une", "du", "de", "d", "sur",
    "sous", "pour", "par", "avec", "sans", "avant", "après", "pendant", "entre", "selon", "environ",
    "près", "moins", "seulement", "et", "mais", "ou", "donc", "ni", "car", "ce", "cet", "cette",
    "ces", "ses", "leurs", "nos", "vos", "il", "elle", "ils", "elles", "nous", "vous", "je", "au",
    "aux", "jusqu", "vers", "chaque", "tous", "toutes", "quelque", "quelques", "presque", "soit",
    "voici", "voilà", "fin", "début", "mi", "courant", "dont", "où", "quand", "si", "comme",
})


def mark_names(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> None:
    for draft in drafts:
        if (draft.kind == "number" and draft.digits is not None and not draft.mag and not draft.ordinal
                and draft.unit is None and draft.first > 0 and _name_word(tokens, draft.first - 1, lang)
                and joined(tokens, draft.first, 1) and _name_like(draft, tokens, lang)) or _glued_name(draft, tokens):
            draft.kind, draft.name, draft.value = "name", True, name_digits(draft.digits or "", lang)


def name_digits(digits: str, lang: ModuleType) -> str:
    """The number of a name as it is said: "3.12" (never "3.1"), "365"; fr "3,12" is "3.12"."""
    kept = "".join(ch for ch in digits if ch.isdigit() or ch in ".,")
    return kept.replace(",", ".") if lang.CODE == "fr" else kept.replace(",", "")


def _glued_name(draft: Draft, tokens: list[Token]) -> bool:
    """"A320", "M365", "RTX4090": capital letters glued to a number of two digits or more
    (not "MP3", "H2O", "CO2", "GPT-4", "COVID-19": codes, not verified)."""
    i = draft.first
    if draft.kind != "code" or draft.last != i or not draft.digits or not draft.digits.isdigit() \
            or len(draft.digits) < 2 or i == 0 or tokens[i].gap:
        return False
    word = tokens[i - 1]
    if not (word.is_word and 1 <= len(word.text) <= 4 and word.text[0].isupper() and is_latin_letter(word.text[0])):
        return False
    if i >= 2 and not word.gap and tokens[i - 2].kind != "sym":
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is None or bool(nxt.gap) or nxt.kind == "sym" and nxt.text not in ".:/,-"


def name_readings(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[tuple[str, int, int, bool]]:
    """What a heard run of numbers may be as the number of a name: "three sixty-five"
    is 365, "seven thirty-seven" 737, "forty ninety" 4090, "three point twelve" 3.12
    (value, first token, last token, after a capitalized word: "Office three sixty-five",
    where a number of the script may be a name too). Offered to compare() for names."""
    found: list[tuple[str, int, int, bool]] = []
    parts = [d for d in drafts if not d.mag and not d.ordinal and not d.carried and (
        d.kind in ("number", "name", "code") and d.unit is None or d.carried_unit)]  # "iPhone quinze à 969 €"
    for n, first in enumerate(parts):
        text = _said_digits(first, tokens, lang)
        if text is None:
            continue
        named = first.name or bool(first.first) and _capitalized(tokens[first.first - 1])
        found.append((text, first.first, first.last, named))
        last = first
        for nxt in parts[n + 1:n + 3]:
            more = _said_digits(nxt, tokens, lang)
            if more is None or nxt.first != last.last + 1 or not joined(tokens, nxt.first, 1) or "." in text:
                break
            text += more
            found.append((text, first.first, nxt.last, named))
            last = nxt
    return found


def _capitalized(tok: Token) -> bool:
    return tok.is_word and tok.text != tok.low and is_latin_letter(tok.text[0]) and tok.low not in COMMON_OPENERS


def _said_digits(draft: Draft, tokens: list[Token], lang: ModuleType) -> str | None:
    if draft.scale:
        return None
    if isinstance(draft.value, str):
        return draft.value if draft.kind == "name" else None
    if draft.digits is not None:
        return name_digits(draft.digits, lang)
    return decimal_str(draft.value)


def _name_like(draft: Draft, tokens: list[Token], lang: ModuleType) -> bool:
    word = tokens[draft.first - 1].text
    if word.isupper() or not word[1:].islower() or draft.decimal or draft.year_like:
        return True
    after = draft.last + 1
    if after >= len(tokens) or "\n" in tokens[after].gap:
        return True
    nxt = tokens[after]
    return not nxt.is_word or nxt.text != nxt.low or nxt.low in _LIST_WORDS


_LIST_WORDS = frozenset({"and", "or", "et", "ou"})


def _name_word(tokens: list[Token], j: int, lang: ModuleType) -> bool:
    tok = tokens[j]
    if not tok.is_word or len(tok.text) < 2 or not is_latin_letter(tok.text[0]) or tok.text == tok.low:
        return False  # a capital somewhere: "Windows", "IBM", "iPhone"
    return tok.low not in COMMON_OPENERS and tok.low not in lang.MONTHS and tok.low not in lang.NOT_NAMES
