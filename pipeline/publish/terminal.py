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


def quoted(text: str) -> str:
    """A number (or what was heard, or a lint flag's text) as the verdict quotes it: in
    single quotes whatever it holds, on one line. repr() switched to double quotes for
    "3,2 milliards d'euros" (its apostrophe) and escaped what a person should just read."""
    return "'" + " ".join(str(text).split()) + "'"


def use_colour(stream) -> bool:
    """Colour on a terminal. no-color.org: only a non-empty NO_COLOR turns it off (an
    empty one is "unset"); a non-empty FORCE_COLOR other than 0 turns it on when piped."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


# The unit a reader is shown beside a number (verify.json's `unit`: a measure, a
# currency, %, points, a multiplier), but not a time's clock ("pm", "24h") nor a
# name's mark: those are not units.
NO_UNIT_KINDS = ("time", "name")


def unit_of(row: NumberRow) -> str:
    """"GW", "km/h", "GBP", "%" ("" for a count, a date, a time)."""
    return "" if row.get("kind") in NO_UNIT_KINDS else str(row.get("unit") or "")


def paint(text: str, status: str, colour: bool) -> str:
    return f"\033[{COLOURS[status]}m{text}\033[0m" if colour and status in COLOURS else text


def table(report: Report, colour: bool = False) -> str:
    """The number table; a last column "note" (never cut) when a unit was heard changed."""
    noted = any(r.get("note") for r in report["numbers"])
    rows = [("number", "unit", "heard", "status", "time", "segment", "source") + (("note",) if noted else ())]
    for r in report["numbers"]:
        note = (r.get("note") or "",) if noted else ()
        heard = (r["heard"] or "-") + (" (2nd hearing)" if second_counted(r) else "")
        rows.append((r["text"], unit_of(r) or "-", heard, r["status"], f"{r['start']:.1f}s",
                     r["segment"], (r.get("source") or {}).get("status", "-")) + note)
    widths = [min(max(len(row[i]) for row in rows), CELL_WIDTH) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        cells = [clipped(c, CELL_WIDTH).ljust(w) for c, w in zip(row, widths)]
        if noted:
            cells[-1] = row[-1]
        if i:
            cells[3] = paint(cells[3], row[3], colour)
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
        heard = f"heard {quoted(r['heard'])}" if r["heard"] else "not heard"
        heard += f"; {r['note']}" if r.get("note") else ""
        where = ", in a repetition loop" if r["segment"] in looped else ""
        lines.append(f"  {r['status']}: {quoted(r['text'])} in {r['segment']} at {r['start']:.1f}s ({heard}{where})")
    lines += second_hearing_lines(report)
    for p in report.get("problems") or []:
        lines.append(f"  not verified: {p['cause']}")
    lines += [f"  repetition loop: Whisper repeated itself in {loop['segment']} at {loop['start']:.1f}s "
              f"({loop['chars']} characters, compression ratio {loop['compression_ratio']:.1f}); "
              "its full text is in transcript.json" for loop in loops]
    if report.get("lint"):
        lines.append(f"  source lint: {len(report['lint'])} number(s) in the post look wrong:")
        lines += [f"    {quoted(f['text'])}: {f['reason']}" for f in report["lint"]]
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


def second_counted(row: NumberRow) -> bool:
    """Whether the row is ok by the second hearing of its sentence (pipeline.verify.second_hearing)."""
    return bool((row.get("second_hearing") or {}).get("counted"))


def second_hearing_lines(report: Report) -> list[str]:
    """The numbers heard only when their sentence was heard again alone, and what it cost."""
    lines = []
    for r in report["numbers"]:
        if second_counted(r):
            again, first = r["second_hearing"], r["second_hearing"]["first"]
            was = f"heard {quoted(clipped(sanitize(first['heard'])))}" if first.get("heard") else "not heard"
            lines.append(f"  ok on a second hearing: {quoted(r['text'])} in {r['segment']} at {r['start']:.1f}s, "
                         f"its sentence ({again['start']:.1f}-{again['end']:.1f} s) heard again alone "
                         f"(first {first['status']}, {was})")
    if s := report.get("second_hearing"):
        lines.append(f"  second hearing: sentences heard again alone {s['sentences']} ({s['cached']} cached), "
                     f"numbers counted {s['counted']}, {s['cpu_seconds']:.1f} CPU-s")
        if s.get("error"):      # the whole message is in verify.json
            lines.append(f"  second hearing stopped: {clipped(sanitize(s['error'].splitlines()[0]), 100)}")
    return lines


def print_report(report: Report, stream=sys.stdout, with_table: bool = True, binding=None) -> None:
    safe = shown(report)
    if with_table:
        print(table(safe, use_colour(stream)), file=stream)
        print(file=stream)
    print(verdict(safe, binding), file=stream)
    if line := length_line(report):
        print(line, file=stream)


def length_line(report: Report) -> str:
    """"length: target 150 s, measured 161.2 s (+7.5 %, outside ±7 %)" ("" when not measured), and
    "; the post has less to say: about 18 s short" when it has."""
    length = report.get("length")
    if not length:
        return ""
    where = "within" if length["within_tolerance"] else "outside"
    line = (f"length: target {length['target_seconds']:g} s, measured {length['measured_seconds']:g} s "
            f"({length['deviation_percent']:+.1f} %, {where} ±7 %)")
    if short := length.get("short_of_seconds"):
        line += f"; the post has less to say: about {short} s short"
    return line


SHOWN_KEYS = ("text", "heard", "segment", "reason", "note")
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
