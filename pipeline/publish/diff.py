"""Word-level diff of the script against what Whisper heard, numbers highlighted.

`make diff EP=<slug>` prints it on the terminal and writes diff.html.
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .. import fsio, numbers
from ..episode import DIFF_PAGE, REPORT, Episode, as_episode
from ..script import segments
from ..verify.heard import heard_in, transcript_words
from .pages import render
from .terminal import clipped, use_colour

TOKEN_RE = re.compile(r"\S+")
DIFF_HTML = DIFF_PAGE
ANSI = {"del": "31", "ins": "32", "num": "1;4"}
# Words Whisper heard that the script does not have, in one run, shown up to this
# length: a repetition loop ("400,000,000,000,...") is cut with an ellipsis (it stays
# whole in transcript.json), while a misheard phrase fits.
INSERTED_SHOWN = 120


@dataclass
class Op:
    kind: str        # "same" | "del" | "ins"
    text: str
    number: str | None = None   # status of the script number this token belongs to


def norm(token: str) -> str:
    return re.sub(r"[^\w%$€£]", "", token.lower())


def number_status(text: str, lang: str, rows: list[dict]) -> list[tuple[int, int, str]]:
    """Character spans of the script's numbers with their verification status."""
    mentions = numbers.extract(text, lang)
    return [(m.start, m.end, r["status"]) for m, r in zip(mentions, rows)]


def diff_segment(script_text: str, heard_text: str, spans) -> list[Op]:
    a = list(TOKEN_RE.finditer(script_text))
    b = [m.group() for m in TOKEN_RE.finditer(heard_text)]
    status_of = [next((st for s, e, st in spans if m.start() < e and m.end() > s), None) for m in a]
    sm = difflib.SequenceMatcher(a=[norm(m.group()) for m in a], b=[norm(t) for t in b],
                                 autojunk=False)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops += [Op("same", a[i].group(), status_of[i]) for i in range(i1, i2)]
            continue
        ops += [Op("del", a[i].group(), status_of[i]) for i in range(i1, i2)]
        ops += inserted(b[j1:j2])
    return ops


def inserted(tokens: list[str]) -> list[Op]:
    """Heard words the script does not have; a run longer than INSERTED_SHOWN becomes one
    cut run."""
    run = " ".join(tokens)
    if len(run) <= INSERTED_SHOWN:
        return [Op("ins", t) for t in tokens]
    return [Op("ins", clipped(run, INSERTED_SHOWN))]


def episode_diff(ep: Path | Episode) -> list[tuple[dict[str, Any], list[Op]]]:
    files = as_episode(ep)
    script = files.script()
    checked = cast(list[dict], files.report()["numbers"]) if files.has(REPORT) else []
    words = transcript_words(files.transcript())
    windows = files.windows()
    out = []
    for seg in segments(script):
        if seg["id"] not in windows:
            continue
        heard = heard_in(words, *windows[seg["id"]])
        rows = [r for r in checked if r["segment"] == seg["id"]]
        spans = number_status(seg["text"], script["language"], rows)
        out.append(({**seg, "second": second_hearings(rows)}, diff_segment(seg["text"], heard.text, spans)))
    return out


def second_hearings(rows: list[dict]) -> list[dict]:
    """The sentences of a segment heard again alone (pipeline.verify.second_hearing), once each:
    start, end, what that hearing wrote, and the numbers it counted."""
    out: dict[tuple[float, float], dict] = {}
    for r in rows:
        again = r.get("second_hearing")
        if again:
            seen = out.setdefault((again["start"], again["end"]), {
                "start": again["start"], "end": again["end"], "text": clipped(again["text"], INSERTED_SHOWN),
                "counted": []})
            seen["counted"] += [r["text"]] if again.get("counted") else []
    return list(out.values())


def as_terminal(diff, colour: bool) -> str:
    def paint(text, *codes):
        used = [c for c in codes if c]
        return f"\033[{';'.join(used)}m{text}\033[0m" if colour and used else text

    lines = []
    for seg, ops in diff:
        lines.append(f"[{seg['id']}] {seg['title']}")
        parts = []
        for op in ops:
            num = ANSI["num"] if op.number else None
            if op.kind == "same":
                parts.append(paint(op.text, num))
            elif op.kind == "del":
                parts.append(paint(f"[-{op.text}-]", ANSI["del"], num))
            else:
                parts.append(paint(f"{{+{op.text}+}}", ANSI["ins"]))
        lines.append("  " + " ".join(parts))
        lines += [f"  second hearing {a['start']:.1f}-{a['end']:.1f} s, the sentence alone: {a['text']}"
                  + (f" (counted: {', '.join(a['counted'])})" if a["counted"] else " (nothing counted)")
                  for a in seg.get("second") or []]
    return "\n".join(lines)


def as_html(diff, title: str) -> str:
    """diff.html: the shared stylesheet, words struck out or inserted, numbers underlined."""
    return render("diff.html", title=title, diff=diff)


def write_diff(ep: Path, stream) -> Path:
    """Print the diff on `stream` and write diff.html."""
    ep = Path(ep)
    diff = episode_diff(ep)
    print(as_terminal(diff, use_colour(stream)), file=stream)
    return write_diff_html(ep, diff)


def write_diff_html(ep: Path | Episode, diff=None) -> Path:
    """<ep>/diff.html, for the producer (the listeners' shownotes.html has no diff)."""
    files = as_episode(ep)
    title = files.script().get("title") or files.dir.name
    return fsio.write_text(files.path(DIFF_HTML), as_html(episode_diff(files) if diff is None else diff, title))
