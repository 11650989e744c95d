"""Tokenizer: digit groups (in the language's convention), words, single symbols.

Each token keeps its span and the exact text between it and the previous token
(`gap`), so later stages can tell "GPT-4" (no gap) from "- 4" and "49,2 %" from
"49,2\n%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

_LATIN = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# a word is a run of Latin letters or a run of other letters: "のquatre" is two words
_WORD = re.compile(rf"[{_LATIN}]+|[^\W\d_{_LATIN}]+")
APOSTROPHES = "'’"
HYPHENS = "-‐‑"
DASHES = "–—"


@dataclass(slots=True)
class Token:
    kind: str  # "num" | "word" | "sym"
    text: str
    start: int
    end: int
    gap: str
    low: str
    tag: str = ""  # "pct": part of a percent phrase
    stop: bool = False  # a number phrase may not run on into this token (another reading)
    looked: tuple | None = None  # cached number-word lookup (wordnum.lookup)

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


def tokenize(text: str, lang: ModuleType) -> list[Token]:
    tokens: list[Token] = []
    prev_end = 0
    for m in _pattern(lang).finditer(text):
        start, end = m.span()
        piece = m.group()
        kind = m.lastgroup or ""      # every alternative of the pattern is a named group
        tokens.append(Token(kind, piece, start, end, text[prev_end:start], piece.lower()))
        prev_end = end
    return tokens


_PATTERNS: dict[str, re.Pattern] = {}


def _pattern(lang: ModuleType) -> re.Pattern:
    """One regex per language: a number (in its digit conventions; a leading
    point only after a space, a currency sign or "("), a word, or one symbol."""
    pattern = _PATTERNS.get(lang.CODE)
    if pattern is None:
        start = r"\d|(?<![^\s$€£(])\.\d" if lang.LEADING_POINT else r"\d"
        pattern = re.compile(rf"(?P<num>(?=(?:{start}))(?:{lang.NUM_RE.pattern}))"
                             rf"|(?P<word>{_WORD.pattern})|(?P<sym>\S)")
        _PATTERNS[lang.CODE] = pattern
    return pattern


def joined(tokens: list[Token], i: int, max_gap: int = 3) -> bool:
    """True if token i follows token i-1 on the same line with only a short space."""
    gap = tokens[i].gap
    if gap == " " or gap == "":
        return True
    return len(gap) <= max_gap and "\n" not in gap and gap.strip() == ""


def next_word(tokens: list[Token], i: int) -> int | None:
    """Index of the word that continues a number phrase after token i (space or hyphen)."""
    j = i + 1
    if j >= len(tokens):
        return None
    tok = tokens[j]
    if tok.kind == "sym" and tok.text in HYPHENS and not tok.gap and j + 1 < len(tokens):
        nxt = tokens[j + 1]
        return j + 1 if nxt.is_word and not nxt.gap and not nxt.stop else None
    if tok.is_word and tok.gap and joined(tokens, j) and not tok.stop:
        return j
    return None


def is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250
