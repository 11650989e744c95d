"""A table's headline figures as one sentence, never its cells one by one.

A table is not read out. When it has a total row ("Total", "Grand Total",
"Ensemble"), its largest totals are stated once with their column labels
("In total: 303 for DPI, 177 for ARCS, 128 for DPS and 54 for SM."), so the figures a post's
title or text points to reach the script sourced like any other sentence.
"""

import re

from .. import numbers

TOTAL_ROW_RE = re.compile(r"^\s*(?:grand\s+)?total(?:e?s?|aux)?\b|^\s*ensemble\b|^\s*all\b", re.I)
MAX_FIGURES = 4
MIN_FIGURES = 2
# "{value} for {label}": a label before a figure ("DPI 303") would read as a model name.
WORDING = {"en": ("In total: ", " for ", " and "), "fr": ("Au total : ", " pour ", " et ")}


# A caption worth naming what the totals count: a short line, no figure ("Nombre d'exigences par
# type d'instrument politique (voir les Notes …)."), said before "au total" in place of nothing.
MAX_CAPTION_WORDS = 15
ASIDE_RE = re.compile(r"\s*\([^()]*\)")


def headline(rows: list[list[str]], lang: str, caption: str = "") -> str:
    """The sentence stating a table's total row, or "" when it has none; led by what the table
    counts (`caption`, the line right before it) when it has one: "Au total : 303 pour DPI" alone
    answers a question nobody asked (issue 23)."""
    if len(rows) < 3:
        return ""
    header, total = rows[0], next((r for r in rows[1:] if r and TOTAL_ROW_RE.match(r[0])), None)
    if total is None:
        return ""
    figures = []
    for label, cell in zip(header[1:], total[1:]):
        found = numbers.extract(cell, lang)
        label = re.sub(r"\s*\([^)]*\)", "", label).strip()
        if "%" in label or found and found[0].kind == "percent":
            continue          # a share of the total ("% du Total", 100 %) is no headline
        if len(found) == 1 and found[0].text.strip() == cell.strip() and label:
            figures.append((float(found[0].value), label, cell.strip()))
    if len(figures) < MIN_FIGURES:
        return ""             # one total alone is the table's sum of weights or counts, not news
    opener, link, last = WORDING[lang]
    said = [f"{cell}{link}{label}" for _, label, cell in sorted(figures, key=lambda f: -f[0])[:MAX_FIGURES]]
    listed = ", ".join(said[:-1]) + last + said[-1] if len(said) > 1 else said[0]
    counted = ASIDE_RE.sub("", caption).strip().rstrip(" .:")
    if counted and len(counted.split()) <= MAX_CAPTION_WORDS and not re.search(r"\d", counted):
        opener = f"{counted}, {opener[:1].lower()}{opener[1:]}"
    return f"{opener}{listed}."
