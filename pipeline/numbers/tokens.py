"""Tokenizer: digit groups (in the language's convention), words, single symbols.

Each token keeps its span and the exact text between it and the previous token
(`gap`), so later stages can tell "GPT-4" (no gap) from "- 4" and "49,2 %" from
"49,2\n%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

_SPACE = re.compile(r"\s+")
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
    pos, prev_end, size = 0, 0, len(text)
    while pos < size:
        m = _SPACE.match(text, pos)
        if m:
            pos = m.end()
            continue
        ch = text[pos]
        m = None
        if ch.isdigit() or (lang.LEADING_POINT and ch == "." and _leading_point(text, pos)):
            m = lang.NUM_RE.match(text, pos)
            kind = "num"
        if m is None:
            m = _WORD.match(text, pos)
            kind = "word"
        end = m.end() if m else pos + 1
        if m is None:
            kind = "sym"
        piece = text[pos:end]
        tokens.append(Token(kind, piece, pos, end, text[prev_end:pos], piece.lower()))
        prev_end = pos = end
    return tokens


def _leading_point(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < len(text) else ""
    return after.isdigit() and (before.isspace() or before in "$€£(")


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
