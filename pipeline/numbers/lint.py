"""lint(): numbers that cannot be right where they stand.

Rules (each one a short function over a draft and its context):
  * a year-like number (1900-2100, four plain digits) used as an amount:
    "2024 milliards de dollars", "2025 %";
  * a year-like number used as a count after a plural determiner (fr):
    "des 2025 premières startups";
  * a small number where the sentence wants a year: "d'ici 130 (", "en 3.",
    "au premier semestre 1";
  * a unit that contradicts itself: the same figure in two units of one dimension
    side by side ("130 km/h, or 130 mph"), or a conversion that does not hold;
  * a malformed date: an ordinal too big for a day ("le 2025er août"), a day
    after the month in French ("août 8"), a day above 31 next to a month.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import ModuleType

from . import langs
from .draft import Draft
from .exact import exact
from .extract import drafts_of
from .model import TEXT_KINDS, Flag
from .quantities import conversion, info

CONTEXT = 60
_PUNCT_AFTER = re.compile(r"^\s*(?:[.,;:!?()\[\]«»\"“”]|$)")
_WORDS_AFTER = re.compile(r"^\s+[^\W\d_]+(?:[\s\-]+[^\W\d_]+)?")
_ARTICLE_BEFORE = re.compile(r"\b(?:le|la|the)\s+$", re.IGNORECASE)
# "1 en 3", "1 in 3": a ratio, not a year, when a number stands right before the cue word
# (only one whose "N en M" reads as a ratio; "3 millions d'ici 130" still wants a year)
_NUMBER_JUST_BEFORE = re.compile(r"\d\s*$")
RATIO_CUES = ("en", "in")

REASON_AMOUNT = "year-like number used as an amount"
REASON_COUNT = "year-like number used as a count"
REASON_WANTS_YEAR = "small number where a year is expected"
REASON_ORDINAL_DAY = "malformed date: ordinal too large for a day"
REASON_DAY_AFTER = "malformed date: day after the month"
REASON_BAD_DAY = "malformed date: no such day"
REASON_UNIT_SAME = "unit contradicts itself: the same figure in another unit"
REASON_UNIT_CONVERSION = "unit contradicts itself: the conversion does not hold"
# what puts a second quantity beside a first as the same one: "130 km/h (81 mph)", "2,5 GW, soit 2 500 MW"
_RESTATED = re.compile(r"^\s*,?\s*(?:(?:\(|\[|=|\b(?:or|ou|soit|i\.e\.|ie|that is|c'est-à-dire|about|environ|"
                       r"roughly|approximately|approximativement|près de)\b)[\s,:]*)+$", re.IGNORECASE)
CONVERSION_TOLERANCE = Decimal("0.05")


@exact
def lint(text: str, lang: str) -> list[Flag]:
    module = langs.get(lang)
    drafts, tokens = drafts_of(text, module)
    month_re = _month_regex(module)
    flags: list[Flag] = []
    for draft in drafts:
        if draft.kind == "code" or draft.kind in TEXT_KINDS or draft.weak:
            continue
        start, end = draft.span(tokens)
        ctx = _Context(text, start, end, module, month_re)
        for rule in _RULES:
            hit = rule(draft, ctx)
            if hit:
                flags.append(Flag(text[hit[0]:hit[1]], hit[0], hit[1], hit[2]))
    flags.extend(_unit_contradictions(text, [(d, d.mention(text, tokens)) for d in drafts
                                             if d.kind == "quantity" and not d.weak]))
    return _merge(flags, text)


def _unit_contradictions(text: str, quantities: list) -> list[Flag]:
    """The same figure given in two units of one dimension ("130 km/h, or 130 mph"),
    or a conversion that does not hold ("2,5 GW, soit 25 MW"), side by side."""
    flags = []
    for (_, a), (_, b) in zip(quantities, quantities[1:]):
        between = text[a.end:b.start]
        if a.unit == b.unit or not _RESTATED.match(between) or not a.unit or not b.unit:
            continue
        ua, ub = info(a.unit), info(b.unit)
        if ua is None or ub is None or ua.dimension != ub.dimension:
            continue
        converted = conversion(Decimal(a.value), a.unit, b.unit)
        if a.value == b.value:
            reason = REASON_UNIT_SAME
        elif converted is not None and abs(converted - Decimal(b.value)) > abs(converted) * CONVERSION_TOLERANCE:
            reason = REASON_UNIT_CONVERSION
        else:
            continue
        flags.append(Flag(text[a.start:b.end], a.start, b.end, reason))
    return flags


class _Context:
    def __init__(self, text: str, start: int, end: int, module: ModuleType, month_re):
        self.text, self.start, self.end = text, start, end
        self.before = text[max(0, start - CONTEXT):start]
        self.after = text[end:end + CONTEXT]
        self.module, self.month_re = module, month_re

    def cue_start(self, regex: re.Pattern) -> int | None:
        m = regex.search(self.before)
        return self.start - len(self.before) + m.start() if m else None


def _month_regex(module: ModuleType) -> re.Pattern:
    names = sorted(module.MONTHS, key=len, reverse=True)
    flags = 0 if module.MONTHS_CAPITALIZED else re.IGNORECASE
    if module.MONTHS_CAPITALIZED:
        names = [n.capitalize() for n in names]
    return re.compile(r"(?:%s)\b" % "|".join(map(re.escape, names)), flags)


def _small_integer(draft: Draft) -> bool:
    return (draft.kind == "number" and draft.digits is not None and not draft.decimal
            and not draft.mag and draft.amount < 1000)


def _year_as_amount(draft: Draft, ctx: _Context):
    if draft.year_like and (draft.mag or draft.kind == "percent"):
        return ctx.start, ctx.end, REASON_AMOUNT
    return None


def _year_as_count(draft: Draft, ctx: _Context):
    if not (draft.year_like and draft.kind == "number" and not draft.ordinal):
        return None
    cue = ctx.cue_start(ctx.module.COUNT_DET_RE)
    words = _WORDS_AFTER.match(ctx.after)
    if cue is None or words is None or ctx.month_re.match(words.group().strip()):
        return None
    if words.group().split()[0].lower() in ctx.module.RANGE_WORDS:
        return None
    return cue, ctx.end + words.end(), REASON_COUNT


def _wants_year(draft: Draft, ctx: _Context):
    if not _small_integer(draft) or draft.ordinal:
        return None
    cue = ctx.cue_start(ctx.module.PERIOD_CUE_RE)
    if cue is not None:
        return cue, ctx.end, REASON_WANTS_YEAR
    cue = ctx.cue_start(ctx.module.YEAR_CUE_RE)
    if cue is None or not _PUNCT_AFTER.match(ctx.after):
        return None
    if _is_ratio(ctx.text, cue, ctx.start):
        return None
    return cue, ctx.end, REASON_WANTS_YEAR


def _is_ratio(text: str, cue: int, number: int) -> bool:
    """"1 en 3": the cue word is one of RATIO_CUES and a number stands just before it."""
    word = text[cue:number].strip().lower()
    return word in RATIO_CUES and bool(_NUMBER_JUST_BEFORE.search(text[max(0, cue - 12):cue]))


def _ordinal_day(draft: Draft, ctx: _Context):
    if not (draft.ordinal and draft.digits is not None and draft.amount > 31):
        return None
    start, end = ctx.start, ctx.end
    art = _ARTICLE_BEFORE.search(ctx.before)
    if art:
        start -= len(ctx.before) - art.start()
    month = re.match(r"\s+" + ctx.month_re.pattern + r"(?:\s+\d{1,2}\b)?", ctx.after, ctx.month_re.flags)
    if month:
        end += month.end()
    return start, end, REASON_ORDINAL_DAY


def _day_next_to_month(draft: Draft, ctx: _Context):
    if draft.kind != "number" or draft.digits is None or draft.decimal or draft.mag:
        return None
    value = draft.amount
    month_before = re.search(ctx.month_re.pattern + r"\s+$", ctx.before, ctx.month_re.flags)
    if month_before and (ctx.module.DAY_FIRST and 1 <= value <= 31 or 31 < value < 1000):
        start = ctx.start - len(ctx.before) + month_before.start()
        reason = REASON_DAY_AFTER if value <= 31 else REASON_BAD_DAY
        return start, ctx.end, reason
    month_after = re.match(r"\s+" + ctx.month_re.pattern, ctx.after, ctx.month_re.flags)
    if month_after and 31 < value < 1000 and not draft.ordinal:
        return ctx.start, ctx.end + month_after.end(), REASON_BAD_DAY
    return None


_RULES = (_year_as_amount, _year_as_count, _wants_year, _ordinal_day, _day_next_to_month)


def _merge(flags: list[Flag], text: str) -> list[Flag]:
    merged: list[Flag] = []
    for flag in sorted(flags, key=lambda f: (f.start, -f.end)):
        if merged and flag.start < merged[-1].end:
            prev = merged[-1]
            end = max(prev.end, flag.end)
            reason = prev.reason if flag.reason in prev.reason else f"{prev.reason}; {flag.reason}"
            merged[-1] = Flag(text[prev.start:end], prev.start, end, reason)
        else:
            merged.append(flag)
    return merged
