"""Reports people read: the verification table on a terminal, and the verdict."""

import os
import sys
from typing import TypeVar, cast

from ..contracts import LintFlag, NumberRow, Report
from ..text import sanitize

COLOURS = {"ok": "32", "unit-missing": "33", "changed": "31", "lost": "31;1"}
# What Whisper heard, as a person reads it: a repetition loop ("400,000,000,000,...")
# can be a kilobyte on one line. Cut with an ellipsis; verify.json and transcript.json
# keep the whole text.
HEARD_SHOWN = 60
CELL_WIDTH = 40


def clipped(text: str, limit: int = HEARD_SHOWN) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def use_colour(stream) -> bool:
    """Colour on a terminal. no-color.org: only a non-empty NO_COLOR turns it off (an
    empty one is "unset"); a non-empty FORCE_COLOR other than 0 turns it on when piped."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def paint(text: str, status: str, colour: bool) -> str:
    return f"\033[{COLOURS[status]}m{text}\033[0m" if colour and status in COLOURS else text


def table(report: Report, colour: bool = False) -> str:
    rows = [("number", "heard", "status", "time", "segment", "source")]
    for r in report["numbers"]:
        rows.append((r["text"], r["heard"] or "-", r["status"], f"{r['start']:.1f}s",
                     r["segment"], (r.get("source") or {}).get("status", "-")))
    widths = [min(max(len(row[i]) for row in rows), CELL_WIDTH) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        cells = [clipped(c, CELL_WIDTH).ljust(w) for c, w in zip(row, widths)]
        if i:
            cells[2] = paint(cells[2], row[2], colour)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def verdict(report: Report, binding=None) -> str:
    """The summary lines; `binding` (verify.Binding) turns a stale verdict into NOT VERIFIED."""
    c = report["counts"]
    total = sum(c.values())
    head = (f"{c['ok'] + c['unit-missing']}/{total} numbers heard with the right value "
            f"(survival {report['survival']:.0%}); tts={report.get('tts_engine')}, "
            f"asr={report.get('asr_engine')}")
    problems = [r for r in report["numbers"] if r["status"] != "ok"]
    loops = report.get("loops") or []
    looped = {loop["segment"] for loop in loops}
    lines = [head]
    for r in problems:
        heard = f"heard {r['heard']!r}" if r["heard"] else "not heard"
        where = ", in a repetition loop" if r["segment"] in looped else ""
        lines.append(f"  {r['status']}: {r['text']!r} in {r['segment']} at {r['start']:.1f}s ({heard}{where})")
    for p in report.get("problems") or []:
        lines.append(f"  not verified: {p['cause']}")
    lines += [f"  repetition loop: Whisper repeated itself in {loop['segment']} at {loop['start']:.1f}s "
              f"({loop['chars']} characters, compression ratio {loop['compression_ratio']:.1f}); "
              "its full text is in transcript.json" for loop in loops]
    if report.get("lint"):
        lines.append(f"  source lint: {len(report['lint'])} number(s) in the post look wrong:")
        lines += [f"    {f['text']!r}: {f['reason']}" for f in report["lint"]]
    if binding is not None and binding.stale:
        lines.append(f"NOT VERIFIED (stale): {binding.cause}; the table above judged other files.")
        lines.append(f"  fix: {binding.fix}")
    elif report["verified"]:
        lines.append("VERIFIED: every number of the script was heard with its value.")
    else:
        lines.append("NOT VERIFIED: numbers were lost or changed, or the files disagree "
                     "(listed above).")
        if report.get("language") == "fr" and report.get("tts_engine") == "espeak":
            lines.append("  hint: espeak-ng's French is hard for Whisper to understand; build with "
                         "--tts gtts when online, or configure a better French voice (docs/engines.md).")
    return "\n".join(lines)


def print_report(report: Report, stream=sys.stdout, with_table: bool = True, binding=None) -> None:
    safe = shown(report)
    if with_table:
        print(table(safe, use_colour(stream)), file=stream)
        print(file=stream)
    print(verdict(safe, binding), file=stream)


SHOWN_KEYS = ("text", "heard", "segment", "reason")
T = TypeVar("T", NumberRow, LintFlag)


def shown(report: Report) -> Report:
    """The report with the post's words made safe for a terminal (no bell, no ESC, no bidi)
    and what was heard cut to a readable length."""
    def clean(row: T) -> T:
        return cast(T, {k: sanitize(v) if k in SHOWN_KEYS and v is not None else v for k, v in row.items()})

    def short(row: NumberRow) -> NumberRow:
        return {**row, "heard": clipped(row["heard"]) if row["heard"] else row["heard"]}
    return {**report, "numbers": [short(clean(r)) for r in report.get("numbers") or []],
            "lint": [clean(f) for f in report.get("lint") or []]}
