"""The extractor: text -> mentions, in order of appearance.

Stages: tokens -> numeric dates -> times of day -> bare numbers (digits, words, codes; mixed numbers) ->
month dates -> magnitudes and units -> signs -> product names -> coins ("and 25 cents") -> weak words -> ranges.
"""

from __future__ import annotations

from types import ModuleType

from . import langs
from .atoms import scan
from .clock import clock_times
from .dates import month_dates, numeric_dates
from .draft import Draft
from .exact import exact
from .model import Mention
from .names import mark_names
from .periods import find_periods
from .phrases import tag_percent_words
from .ranges import carry_back
from .ratios import join_mixed
from .signs import apply_signs
from .subunits import join_subunits
from .tokens import Token, tokenize
from .units import attach_units


@exact
def drafts_of(text: str, lang: ModuleType,
              breaks: frozenset[int] = frozenset()) -> tuple[list[Draft], list[Token]]:
    """All drafts, codes and weak words included; the core every wrapper uses.

    `breaks`: token indexes where a run of number words must end (another
    reading of "nine hundred thousand two": 900000 and 2)."""
    tokens = tokenize(text, lang)
    for b in breaks:
        tokens[b].stop = True
    tag_percent_words(tokens, lang.TAGGED_PHRASES)
    dated, used = numeric_dates(tokens, lang)
    timed, clocked = clock_times(tokens, lang, used)
    used |= clocked
    periods, periodic = find_periods(tokens, lang, used)
    used |= periodic
    drafts = join_mixed(sorted(dated + timed + periods + scan(tokens, lang, used), key=lambda d: d.first),
                        tokens, lang)
    drafts = month_dates(drafts, tokens, lang)
    attach_units(drafts, tokens, lang, text)
    apply_signs(drafts, tokens, lang)
    mark_names(drafts, tokens, lang)
    drafts = _price_pairs(join_subunits(_no_overlaps(drafts), tokens, lang), tokens, lang)
    for draft in drafts:
        draft.weak = _weak(draft, lang)
    carry_back(drafts, tokens, lang)
    return drafts, tokens


def _no_overlaps(drafts: list[Draft]) -> list[Draft]:
    kept: list[Draft] = []
    for draft in sorted(drafts, key=lambda d: (d.first, -d.last)):
        if kept and draft.first <= kept[-1].last:
            continue
        kept.append(draft)
    return kept


def _price_pairs(drafts: list[Draft], tokens: list[Token], lang: ModuleType) -> list[Draft]:
    """en "one fifty five dollars" = $155: a price read in pairs like a year."""
    if not lang.YEAR_PAIRS:
        return drafts
    kept: list[Draft] = []
    for draft in drafts:
        prev = kept[-1] if kept else None
        if (prev is not None and prev.kind == "number" and prev.words and prev.single and not prev.ordinal
                and draft.kind == "currency" and draft.words and not draft.mag and not draft.decimal
                and draft.first == prev.last + 1 and tokens[draft.first].gap == " "
                and 1 <= prev.amount <= 9 and 10 <= draft.amount <= 99):
            draft.value, draft.first = prev.amount * 100 + draft.amount, prev.first
            kept[-1] = draft
            continue
        kept.append(draft)
    return kept


def _weak(draft: Draft, lang: ModuleType) -> bool:
    """"un", "one", "premier": an article or pronoun unless a unit makes it a quantity."""
    return draft.kind in ("number", "quantity") and draft.single in lang.WEAK_WORDS and not draft.mag


@exact
def annotated(text: str, lang: str) -> list[tuple[Mention, Draft]]:
    """Every mention with its draft (codes and weak words included)."""
    module = langs.get(lang)
    if not isinstance(text, str):
        raise TypeError(f"numbers: text must be str, not {type(text).__name__}")
    drafts, tokens = drafts_of(text, module)
    return [(d.mention(text, tokens), d) for d in drafts]


# values that are not numbers: verified by compare(), listed by extract() only with the codes
NAME_KINDS = ("name",)


def _lone_period(m: Mention) -> bool:
    return m.kind == "period" and "-" not in m.value


def mentions(text: str, lang: str, include_codes: bool = False,
             include_weak: bool = False, include_names: bool = True) -> list[Mention]:
    return [m for m, d in annotated(text, lang)
            if (include_codes or d.kind != "code") and (include_weak or not d.weak)
            and (include_names or not (m.kind in NAME_KINDS or _lone_period(m)))]


def extract(text: str, lang: str, *, include_codes: bool = False) -> list[Mention]:
    """Numbers, percents, currencies, quantities, dates and periods with a year of `text`,
    in order of appearance (with `include_codes`, also codes, names and periods alone)."""
    return mentions(text, lang, include_codes=include_codes, include_names=include_codes)
