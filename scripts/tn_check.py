"""The verifier against an outside test set of written~spoken pairs.

    .venv/bin/python scripts/tn_check.py DIR [--lang en|fr] [--show N]

Reads every `test_cases_<class>.txt` under DIR (NVIDIA NeMo text-processing's
layout: one `written~spoken` pair a line; under a folder named
`*inverse*`, `spoken~written`; `test_cases_normalize_with_audio.txt` holds
`~written` lines each followed by its spoken options). The data stays where
it is: nothing of it is copied into this repository.

For each pair, the spoken side is given to `compare()` as what was heard and
the written side as the script. A pair is judged right when every number of
the written side is `ok`; pairs with no number on the written side are
skipped and counted apart. Classes whose spoken form the product never meets
(telephone numbers read digit by digit, URLs and e-mail addresses) are
reported as a class apart, outside the total.

Mutation check: in each pair judged right, one number word (or digit) inside
the last heard number that was matched is changed to another value ("two" -> "three", "fifth" ->
"sixth", "7" -> "8"); the pair must then fail. A mutant still judged `ok` is
a wrong ok, printed in full.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.numbers import compare  # noqa: E402

# spellings the product never meets: phone numbers digit by digit, URLs, e-mail addresses
APART = ("telephone", "electronic")
NEXT_WORD = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
           "eighty", "ninety", "first", "second", "third", "fourth", "fifth", "sixth",
           "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"],
    "fr": ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
           "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "trente",
           "quarante", "cinquante", "soixante", "premier", "deuxième", "troisième",
           "quatrième", "cinquième", "sixième", "septième", "huitième", "neuvième"],
}
# a word another value replaces: the next one of its own group ("nine" -> "eight", never "ten")
GROUPS = {
    "en": [NEXT_WORD["en"][1:10], NEXT_WORD["en"][10:20], NEXT_WORD["en"][20:28],
           NEXT_WORD["en"][28:40], ["zero", "one"]],
    "fr": [NEXT_WORD["fr"][1:10], NEXT_WORD["fr"][10:17], NEXT_WORD["fr"][17:22],
           NEXT_WORD["fr"][22:31], ["zéro", "un"]],
}
ARTICLES = {"en": {"a", "an"}, "fr": {"un", "une"}}


@dataclass
class Tally:
    pairs: int = 0
    right: int = 0
    skipped: int = 0
    mutants: int = 0
    wrong_ok: int = 0
    misjudged: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(written, spoken) pairs of one test-case file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.stem.endswith("normalize_with_audio"):
        return _audio_pairs(lines)
    inverse = "inverse" in path.parent.name
    pairs = []
    for line in lines:
        if "~" not in line:
            continue
        left, right = line.split("~", 1)
        pairs.append((right, left) if inverse else (left, right))
    return [(w.strip(), s.strip()) for w, s in pairs if w.strip() and s.strip()]


def _audio_pairs(lines: list[str]) -> list[tuple[str, str]]:
    pairs, written = [], ""
    for line in lines:
        if line.startswith("~"):
            written = line[1:].strip()
        elif written and line.strip():
            pairs.append((written, line.strip()))
    return pairs


def class_of(path: Path) -> str:
    name = path.stem.removeprefix("test_cases_").removesuffix("_cased")
    return ("apart:" if name in APART else "") + name


def statuses(written: str, spoken: str, lang: str) -> list[str]:
    return [m.status for m in compare(written, spoken, lang)]


def mutate(written: str, spoken: str, lang: str) -> str | None:
    """`spoken` with the value of its last matched number changed: inside the heard
    span, the last number word (not an article) moved to the next of its group,
    else the last digit moved by one; None if the span has neither."""
    spans = [(m.heard.start, m.heard.end) for m in compare(written, spoken, lang) if m.heard]
    for start, end in reversed(spans):
        changed = _mutate_span(spoken, start, end, lang)
        if changed is not None:
            return changed
    return None


def _mutate_span(spoken: str, start: int, end: int, lang: str) -> str | None:
    part = spoken[start:end]
    for match in reversed(list(re.finditer(r"[^\W\d_]+", part))):
        low = match.group().lower()
        if low in ARTICLES[lang] or part[:match.start()].lower().endswith(("per ", "par ")):
            continue  # "a", "un": articles; "per second": a unit
        for group in GROUPS[lang]:
            if low in group:
                other = group[(group.index(low) + 1) % len(group)]
                return spoken[:start] + part[:match.start()] + other + part[match.end():] + spoken[end:]
    digits = list(re.finditer(r"\d", part))
    if not digits:
        return None
    at = start + digits[-1].start()
    return spoken[:at] + str((int(spoken[at]) + 1) % 10) + spoken[at + 1:]


def measure(files: list[Path], lang: str) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    seen: set[tuple[str, str]] = set()
    for path in files:
        tally = tallies[class_of(path)]
        for written, spoken in read_pairs(path):
            if (written, spoken) in seen:
                continue  # the _cased files repeat pairs
            seen.add((written, spoken))
            got = statuses(written, spoken, lang)
            if not got:
                tally.skipped += 1
                continue
            tally.pairs += 1
            if any(s != "ok" for s in got):
                tally.misjudged.append(f"{written!r} ~ {spoken!r}: {got}")
                continue
            tally.right += 1
            mutant = mutate(written, spoken, lang)
            if mutant is None:
                continue
            tally.mutants += 1
            if all(s == "ok" for s in statuses(written, mutant, lang)):
                tally.wrong_ok += 1
                tally.wrong.append(f"{written!r} ~ {mutant!r}")
    return tallies


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    -  "


def report(tallies: dict[str, Tally], lang: str, show: int) -> None:
    print(f"== {lang}: class, pairs, judged right, skipped (no number written), mutants still ok")
    total = Tally()
    for name in sorted(tallies, key=lambda n: (n.startswith("apart:"), n)):
        t = tallies[name]
        print(f"  {name:26} {t.pairs:4}  {_pct(t.right, t.pairs)}  skipped {t.skipped:3}  "
              f"wrong ok {t.wrong_ok}/{t.mutants}")
        if not name.startswith("apart:"):
            for key in ("pairs", "right", "skipped", "mutants", "wrong_ok"):
                setattr(total, key, getattr(total, key) + getattr(t, key))
    print(f"  {'TOTAL (without apart:)':26} {total.pairs:4}  {_pct(total.right, total.pairs)}  "
          f"skipped {total.skipped:3}  wrong ok {total.wrong_ok}/{total.mutants}")
    for name in sorted(tallies):
        t = tallies[name]
        for line in t.misjudged[:show]:
            print(f"  misjudged [{name}] {line}")
        for line in t.wrong:
            print(f"  WRONG OK [{name}] {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder holding test_cases_*.txt files (searched recursively)")
    parser.add_argument("--lang", choices=("en", "fr"), default=None,
                        help="language of the pairs (default: both, from an en/ or fr/ folder in the path)")
    parser.add_argument("--show", type=int, default=1000, help="misjudged pairs printed per class")
    args = parser.parse_args(argv)
    files = sorted(args.folder.rglob("test_cases_*.txt"))
    if not files:
        parser.error(f"no test_cases_*.txt under {args.folder}")
    for lang in ([args.lang] if args.lang else ["en", "fr"]):
        mine = [f for f in files if args.lang or lang in f.relative_to(args.folder).parts]
        if mine:
            report(measure(mine, lang), lang, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
