"""What the show notes say, whatever their format: the labels (en, fr) and the
pieces read from an episode's files. shownotes.md (pipeline.publish.package), the
listeners' shownotes.html (shownotes) and the feed's content:encoded (feed)
each render these; none computes them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..contracts import Report, Script
from ..episode import REPORT, SCRIPT, TIMELINE, Episode, as_episode
from ..errors import InputError
from ..script import segments
from ..urls import http_url

LABELS: dict[str, dict[str, Any]] = {
    "en": {"points": "Key points", "sources": "Sources", "verification": "Number check",
           "lint": "Numbers in the post that look wrong", "number": "Number", "unit": "Unit", "heard": "Heard",
           "status": "Status", "time": "Time", "none": "(nothing)", "tables": "Tables from the post",
           "summary": "{ok} of {total} numbers heard as written (survival {pct}%); "
                      "speech by {tts}, checked by {asr}.",
           "summary_h": "Summary",
           "length": " Length: {measured:g} s for {target:g} s asked ({dev:+.1f} %).",
           "short": " The post has less to say than that: about {short} s short.",
           "verified": "Verified: every number was heard as written.",
           "not_verified": "Not verified: some numbers were lost or changed (see the number check).",
           "stale": "Not verified (stale): {cause}; the number check below judged other files.",
           "rebuild": "Rebuild:", "files": "Files", "feed": "Podcast feed", "by": "by",
           "player": "Your browser cannot play this audio; download the MP3.",
           "statuses": {}, "colon": ": ", "reasons": {}},
    "fr": {"points": "Points clés", "sources": "Sources", "verification": "Vérification des nombres",
           "lint": "Nombres de l'article qui semblent faux", "number": "Nombre", "unit": "Unité",
           "heard": "Entendu",
           "status": "Statut", "time": "Temps", "none": "(rien)", "tables": "Tableaux de l'article",
           "summary": "{ok} nombres sur {total} entendus tels qu'écrits (survie {pct} %) ; "
                      "voix : {tts}, vérification : {asr}.",
           "summary_h": "Résumé",
           "length": " Durée : {measured:g} s pour {target:g} s demandées ({dev:+.1f} %).",
           "short": " L'article a moins à dire : environ {short} s de moins.",
           "verified": "Vérifié : chaque nombre a été entendu tel qu'écrit.",
           "not_verified": "Non vérifié : des nombres ont été perdus ou changés (voir la vérification).",
           "stale": "Non vérifié (périmé) : {cause} ; la vérification ci-dessous jugeait d'autres "
                    "fichiers.",
           "rebuild": "Reconstruire :", "files": "Fichiers", "feed": "Flux du podcast", "by": "par",
           "player": "Votre navigateur ne peut pas lire cet audio ; téléchargez le MP3.",
           # a row's status as a French reader reads it (the class names of the page stay)
           "statuses": {"ok": "entendu", "changed": "changé", "lost": "perdu",
                        "unit-missing": "unité non dite"}, "colon": " : ",
           # pipeline.numbers.lint's reasons (joined by "; " when one figure has two)
           "reasons": {
               "year-like number used as an amount": "nombre en forme d'année employé comme montant",
               "year-like number used as a count": "nombre en forme d'année employé comme effectif",
               "small number where a year is expected": "petit nombre là où une année est attendue",
               "malformed date: ordinal too large for a day": "date mal formée : ordinal trop grand pour un jour",
               "malformed date: day after the month": "date mal formée : jour après le mois",
               "malformed date: no such day": "date mal formée : ce jour n'existe pas",
               "unit contradicts itself: the same figure in another unit":
                   "unité contradictoire : le même chiffre dans une autre unité",
               "unit contradicts itself: the conversion does not hold":
                   "unité contradictoire : la conversion ne tient pas"}},
}


@dataclass(frozen=True)
class EpisodeFiles:
    """The files the show notes are made from (post.json may be missing: {})."""
    script: Script
    timeline: dict
    report: Report
    post: dict

    @property
    def lang(self) -> str:
        lang = self.script.get("language")
        return lang if isinstance(lang, str) and lang in LABELS else "en"

    @property
    def labels(self) -> dict:
        return LABELS[self.lang]


def need(ep_dir: Path, *names: str) -> None:
    """An InputError naming the first of the episode's files `names` not built yet."""
    for name in names:
        if not (Path(ep_dir) / name).exists():
            raise InputError(f"{Path(ep_dir) / name} does not exist yet",
                             "build the episode first (make episode SRC=...)")


def read_episode(ep_dir: Path | Episode) -> EpisodeFiles:
    ep = as_episode(ep_dir)
    need(ep.dir, SCRIPT, TIMELINE, REPORT)
    return EpisodeFiles(ep.script(), cast(dict, ep.timeline()), ep.report(),
                        cast(dict, ep.post_or_none() or {}))


def summary_line(report: Report, labels: dict) -> str:
    """"9 of 10 numbers heard as written (survival 90%); speech by …, checked by …"."""
    counts = report.get("counts") or {}
    line = labels["summary"].format(
        ok=counts.get("ok", 0) + counts.get("unit-missing", 0), total=len(report.get("numbers") or []),
        pct=round(100 * float(report.get("survival") or 0)),
        tts=report.get("tts_engine"), asr=report.get("asr_engine"))
    if length := report.get("length"):      # the length asked for against the one measured
        line += labels["length"].format(measured=length["measured_seconds"], target=length["target_seconds"],
                                        dev=length["deviation_percent"])
        if short := length.get("short_of_seconds"):
            line += labels["short"].format(short=short)
    return line


def verdict(report: Report, binding, labels: dict, cause=str) -> tuple[str, str]:
    """("ok" | "no" | "stale", the sentence): stale first, since it voids the number check.
    `cause` prepares the binding's cause for the format (Markdown escapes it)."""
    if binding is not None and binding.stale:
        return "stale", labels["stale"].format(cause=cause(binding.cause))
    if report.get("verified"):
        return "ok", labels["verified"]
    return "no", labels["not_verified"]


def key_points(script: Script, timeline: dict) -> list[dict]:
    """The key points with the time each starts in the episode (0 when not timed); in a
    conversation, each with its `turns` ({speaker, text, start}) and their text joined."""
    timed = {s["id"]: s for s in timeline.get("segments") or []}
    out: list[dict] = []
    for seg in segments(script):
        if not seg["id"].startswith("point-"):
            continue
        at = float(timed.get(seg["id"], {}).get("start", 0.0))
        if "speaker" not in seg:
            out.append({**seg, "start": at})
            continue
        turn = {"speaker": seg["speaker"], "text": seg["text"], "start": at}
        if out and out[-1]["chapter"] == seg.get("chapter"):
            out[-1]["turns"].append(turn)
            out[-1]["text"] += " " + seg["text"]
        else:
            out.append({**seg, "start": at, "turns": [turn]})
    return out


def status_word(status: str, labels: dict) -> str:
    """A number row's status as the notes' reader reads it ("changé" in French)."""
    return labels["statuses"].get(status, status)


def lint_findings(report: Report, post: dict | None, labels: dict = LABELS["en"]) -> list[dict]:
    """Numbers of the post that look wrong: verify.json's list, else post.json's, each
    reason in the notes' language."""
    lint = report.get("lint") if report.get("lint") is not None else (post or {}).get("lint")
    said = labels["reasons"]
    return [{**f, "reason": "; ".join(said.get(r, r) for r in str(f.get("reason") or "").split("; "))}
            for f in lint or []]


def source_links(post: dict | None) -> list[tuple[str | None, str]]:
    """(http(s) URL or None, label) per source: a URL that is no safe link is shown as text."""
    return [(http_url(s.get("url")), s.get("title") or s.get("url") or "")
            for s in (post or {}).get("sources") or []]


def post_tables(post: dict | None) -> list[list[list[str]]]:
    """The post's tables (never spoken: the show notes are where they are read)."""
    return [b["rows"] for b in (post or {}).get("blocks") or []
            if b.get("type") == "table" and b.get("rows")]
