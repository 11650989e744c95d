"""Stage 6, package: script + timeline + verify report -> shownotes.md.

What the notes say (labels, summary, verdict, key points, sources, tables) is
pipeline.publish.notes, shared with shownotes.html and the feed; this module
only writes it as Markdown.
"""

import re
from pathlib import Path

from .. import fsio
from ..contracts import NumberRow, Report, Script
from ..episode import Episode, as_episode
from ..text import sanitize
from . import notes
from .pages import clock
from .terminal import clipped, unit_of


def md_escape(text: str) -> str:
    """Text from a post, made inert in Markdown (and in HTML rendered from it)."""
    text = sanitize(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def verdict_line(report: Report, binding, labels: dict) -> str | None:
    """The warning under the summary (bold): stale (with the command that rebuilds), or
    unverified; nothing when verified."""
    kind, sentence = notes.verdict(report, binding, labels, cause=md_escape)
    if kind == "stale":
        return f"**{sentence}** {labels['rebuild']} `{binding.fix}`"
    return None if kind == "ok" else f"**{sentence}**"


def points_lines(script: Script, timeline: dict, labels: dict) -> list[str]:
    lines = ["", f"## {labels['points']}", ""]
    for p in notes.key_points(script, timeline):
        if not p.get("turns"):
            lines.append(f"- **[{clock(p['start'])}]** {md_escape(p['title'])}: {md_escape(p['text'])}")
            continue
        lines.append(f"- **[{clock(p['start'])}]** {md_escape(p['title'])}")    # a conversation: by speaker
        lines += [f"  - *{md_escape(t['speaker'])}*: {md_escape(t['text'])}" for t in p["turns"]]
    return lines


def numbers_lines(report: Report, labels: dict) -> list[str]:
    """The number check as a table: each number with its unit, and a changed unit's note
    beside its status ("changed: 130 km/h heard in mph: 130 km/h = 80.78 mph")."""
    lines = ["", f"## {labels['verification']}", "",
             f"| {labels['number']} | {labels['unit']} | {labels['heard']} | {labels['status']} | {labels['time']} |",
             "|---|---|---|---|---|"]
    return lines + [f"| {md_escape(r['text'])} | {md_escape(unit_of(r))} | "
                    f"{md_escape(clipped(r['heard']) if r['heard'] else labels['none'])} | "
                    f"{md_escape(status_shown(r, labels))} | {clock(r['start'])} |"
                    for r in report["numbers"]]


def status_shown(row: NumberRow, labels: dict) -> str:
    """A row's status in the notes' language, with its unit note ("changé : 2,5 GW entendu en MW …")."""
    return notes.status_word(row["status"], labels) + (labels["colon"] + row["note"] if row.get("note") else "")


def lint_lines(lint: list[dict], labels: dict) -> list[str]:
    if not lint:
        return []
    return ["", f"## {labels['lint']}", ""] + [
        f"- «{md_escape(f['text'])}»: {md_escape(f['reason'])}" for f in lint]


def table_lines(tables: list, heading: str) -> list[str]:
    lines = ["", f"## {heading}"] if tables else []
    for rows in tables:
        width = max(len(r) for r in rows)
        cells = [[md_escape(c) for c in r] + [""] * (width - len(r)) for r in rows]
        lines += ["", "| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return lines


def sources_lines(post: dict | None, labels: dict) -> list[str]:
    links = notes.source_links(post)
    if not links:
        return []
    return ["", f"## {labels['sources']}", ""] + [
        f"- [{md_escape(label)}](<{url}>)" if url else f"- {md_escape(label)}" for url, label in links]


def shownotes(script: Script, timeline: dict, report: Report, post: dict | None, binding=None) -> str:
    L = notes.LABELS[script["language"]]
    lines = [f"# {md_escape(script.get('title') or '')}", "", notes.summary_line(report, L)]
    warning = verdict_line(report, binding, L)
    if warning:
        lines += ["", warning]
    lines += points_lines(script, timeline, L) + numbers_lines(report, L)
    lines += lint_lines(notes.lint_findings(report, post, L), L)
    lines += table_lines(notes.post_tables(post), L["tables"])
    lines += sources_lines(post, L)
    return "\n".join(lines) + "\n"


def package(ep_dir: Path | Episode) -> str:
    """Write the episode's shownotes.md; a stale verdict is said to be stale."""
    from ..verify import binding_status
    ep = as_episode(ep_dir)
    files = notes.read_episode(ep)
    text = shownotes(files.script, files.timeline, files.report, files.post,
                     binding_status(ep, files.report))
    fsio.write_text(ep.notes_path, text)
    return text
