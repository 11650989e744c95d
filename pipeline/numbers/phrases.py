"""Matching fixed word phrases ("pour cent", "livres sterling", "d'euros") on tokens."""

from __future__ import annotations

from typing import Any

from .tokens import APOSTROPHES, Token, joined, next_word


def match_phrase(tokens: list[Token], j: int, words: tuple[str, ...]) -> int | None:
    """Index of the last token if tokens[j:] spell `words` (space or hyphen between); else None."""
    if j >= len(tokens) or tokens[j].low != words[0]:
        return None
    last = j
    for word in words[1:]:
        k = next_word(tokens, last)
        if k is None or tokens[k].low != word:
            return None
        last = k
    return last


_FIRST_WORDS: dict[int, tuple[object, frozenset[str]]] = {}


def first_words(table) -> frozenset[str]:
    """The words the phrases of a (constant) table start with, cached per table."""
    hit = _FIRST_WORDS.get(id(table))
    if hit is None or hit[0] is not table:
        hit = (table, frozenset(phrase[0] for phrase in table))
        _FIRST_WORDS[id(table)] = hit
    return hit[1]


def match_any(tokens: list[Token], j: int, table) -> tuple[int, Any] | None:
    """First phrase of `table` (dict phrase->value, or iterable of phrases) matching at j."""
    if j >= len(tokens) or tokens[j].low not in first_words(table):
        return None
    items = table.items() if isinstance(table, dict) else ((p, p) for p in table)
    for phrase, value in items:
        last = match_phrase(tokens, j, phrase)
        if last is not None:
            return last, value
    return None


def skip_link(tokens: list[Token], j: int, links: frozenset[str]) -> int | None:
    """Index after a linking word ("de", "d'", "of") at j, or None."""
    if j >= len(tokens) or tokens[j].low not in links or not joined(tokens, j):
        return None
    k = j + 1
    if k < len(tokens) and tokens[k].text in APOSTROPHES and not tokens[k].gap:
        k += 1
        return k if k < len(tokens) and not tokens[k].gap and tokens[k].is_word else None
    return k if k < len(tokens) and tokens[k].is_word and joined(tokens, k) else None


def tag_percent_words(tokens: list[Token], phrases) -> None:
    """Mark "pour cent" so that "cent" is not read as the number 100."""
    firsts = first_words(phrases)
    for j, tok in enumerate(tokens):
        if tok.is_word and not tok.tag and tok.low in firsts:
            for phrase in phrases:
                last = match_phrase(tokens, j, phrase)
                if last is not None:
                    for k in range(j, last + 1):
                        tokens[k].tag = "pct"
                    break
