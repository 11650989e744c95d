"""Stage 6, package: script + timeline + verify report -> shownotes.md."""

import re
from pathlib import Path

from . import fsio
from .text import sanitize
from .condense import load_script, segments
from .contracts import Script
from .episode import Episode

LABELS = {
    "en": {"points": "Key points", "sources": "Sources", "verification": "Number check",
           "lint": "Numbers in the post that look wrong", "number": "Number", "heard": "Heard",
           "status": "Status", "time": "Time", "none": "(nothing)", "tables": "Tables from the post",
           "summary": "{ok} of {total} numbers heard as written (survival {pct}%); "
                      "speech by {tts}, checked by {asr}.",
           "unverified": "**Not verified**: some numbers were lost or changed (see below).",
           "stale": "**Not verified (stale)**: {cause}; the table below judged other files. "
                    "Rebuild: `{fix}`"},
    "fr": {"points": "Points clés", "sources": "Sources", "verification": "Vérification des nombres",
           "lint": "Nombres de l'article qui semblent faux", "number": "Nombre", "heard": "Entendu",
           "status": "Statut", "time": "Temps", "none": "(rien)", "tables": "Tableaux de l'article",
           "summary": "{ok} nombres sur {total} entendus tels qu'écrits (survie {pct} %) ; "
                      "voix : {tts}, vérification : {asr}.",
           "unverified": "**Non vérifié** : des nombres ont été perdus ou changés (voir ci-dessous).",
           "stale": "**Non vérifié (périmé)** : {cause} ; le tableau ci-dessous jugeait d'autres "
                    "fichiers. Reconstruire : `{fix}`"},
}


def verdict_line(report: dict, binding, labels: dict) -> str | None:
    """The warning under the summary: stale first (it voids the table), then unverified."""
    if binding is not None and binding.stale:
        return labels["stale"].format(cause=md_escape(binding.cause), fix=binding.fix)
    return None if report["verified"] else labels["unverified"]


def md_escape(text: str) -> str:
    """Text from a post, made inert in Markdown (and in HTML rendered from it)."""
    text = sanitize(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60:d}:{s % 60:02d}"


def safe_url(url: str | None) -> str | None:
    if url and re.match(r"^https?://[^\s<>\"')]+$", url):
        return url
    return None


def shownotes(script: Script, timeline: dict, report: dict, post: dict | None, binding=None) -> str:
    lang = script["language"]
    L = LABELS[lang]
    lines = [f"# {md_escape(script.get('title') or '')}", ""]
    total = len(report["numbers"])
    ok = report["counts"]["ok"] + report["counts"]["unit-missing"]
    lines.append(L["summary"].format(ok=ok, total=total, pct=round(100 * report["survival"]),
                                     tts=report.get("tts_engine"), asr=report.get("asr_engine")))
    warning = verdict_line(report, binding, L)
    if warning:
        lines += ["", warning]
    timed = {s["id"]: s for s in timeline["segments"]}
    lines += ["", f"## {L['points']}", ""]
    for seg in segments(script):
        if seg["id"].startswith("point-"):
            start = timed.get(seg["id"], {}).get("start", 0.0)
            lines.append(f"- **[{clock(start)}]** {md_escape(seg['title'])}: {md_escape(seg['text'])}")
    lines += ["", f"## {L['verification']}", "",
              f"| {L['number']} | {L['heard']} | {L['status']} | {L['time']} |", "|---|---|---|---|"]
    for r in report["numbers"]:
        lines.append(f"| {md_escape(r['text'])} | {md_escape(r['heard'] or L['none'])} | "
                     f"{r['status']} | {clock(r['start'])} |")
    if report.get("lint"):
        lines += ["", f"## {L['lint']}", ""]
        lines += [f"- «{md_escape(f['text'])}»: {md_escape(f['reason'])}" for f in report["lint"]]
    lines += table_lines(post_tables(post), L["tables"])
    sources = (post or {}).get("sources") or []
    if sources:
        lines += ["", f"## {L['sources']}", ""]
        for s in sources:
            url = safe_url(s.get("url"))
            title = md_escape(s.get("title") or url or "")
            lines.append(f"- [{title}](<{url}>)" if url else f"- {title}")
    return "\n".join(lines) + "\n"


def post_tables(post: dict | None) -> list[list[list[str]]]:
    """The post's tables (never spoken: the show notes are where they are read)."""
    return [b["rows"] for b in (post or {}).get("blocks") or []
            if b.get("type") == "table" and b.get("rows")]


def table_lines(tables: list, heading: str) -> list[str]:
    lines = ["", f"## {heading}"] if tables else []
    for rows in tables:
        width = max(len(r) for r in rows)
        cells = [[md_escape(c) for c in r] + [""] * (width - len(r)) for r in rows]
        lines += ["", "| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return lines


def package(ep_dir: Path) -> str:
    """Write the episode's shownotes.md; a stale verdict is said to be stale."""
    from .verify import binding_status
    ep = Episode(ep_dir)
    report = fsio.read_json(ep.report)
    post = fsio.read_json(ep.post) if ep.post.exists() else None
    notes = shownotes(load_script(ep.script), fsio.read_json(ep.timeline), report, post,
                      binding_status(ep.dir, report))
    fsio.write_text(ep.notes, notes)
    return notes
