"""The show-notes page for listeners (shownotes.html), and publish_episode:
captions + chapters + that page (what the feed links to), and diff.html for
the producer.

Everything that comes from a post, a script or a transcript goes through
html.escape(quote=True); only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import os
import re
import urllib.parse
from pathlib import Path

from .. import fsio
from ..condense import load_script, segments
from ..config import show_config
from ..episode import AUDIO, NOTES, POST, REPORT, TIMELINE, TRANSCRIPT
from ..episode import SCRIPT as SCRIPT_YAML   # SCRIPT here is the page's JavaScript
from ..package import LABELS as MD_LABELS
from ..package import clock, post_tables
from ..text import sanitize


from .chapters import CHAPTERS, _need, chapters_json

SHOWNOTES_HTML = "shownotes.html"


LABELS = {
    "en": {**MD_LABELS["en"], "summary_h": "Summary",
           "verified": "Verified: every number was heard as written.",
           "not_verified": "Not verified: some numbers were lost or changed (see the number check).",
           "stale": "Not verified (stale): {cause}; the number check below judged other files.",
           "files": "Files", "feed": "Podcast feed", "by": "by",
           "player": "Your browser cannot play this audio; download the MP3."},
    "fr": {**MD_LABELS["fr"], "summary_h": "Résumé",
           "verified": "Vérifié : chaque nombre a été entendu tel qu'écrit.",
           "not_verified": "Non vérifié : des nombres ont été perdus ou changés (voir la vérification).",
           "stale": "Non vérifié (périmé) : {cause} ; la vérification ci-dessous jugeait d'autres "
                    "fichiers.",
           "files": "Fichiers", "feed": "Flux du podcast", "by": "par",
           "player": "Votre navigateur ne peut pas lire cet audio ; téléchargez le MP3."},
}

CSS = """body{font:16px/1.6 system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;color:#222}
header p{margin:.2em 0;color:#555}audio{width:100%;margin:1em 0}
a.t{font-variant-numeric:tabular-nums;font-weight:bold;text-decoration:none;margin-right:.4em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
.ok{color:#060}.changed,.lost{color:#c00;font-weight:bold}.unit-missing{color:#a60}
.badge{padding:.4em .8em;border-radius:.3em}.badge.ok{background:#dfd}.badge.no{background:#fdd;color:#900}
footer{margin-top:3em;color:#555}"""

# Click on a timestamp -> seek the player; #t=SECONDS in the page URL seeks on load.
SCRIPT = """(function () {
  var audio = document.getElementById("player");
  function seek(t) {
    if (!isFinite(t) || t < 0) return;
    audio.currentTime = t;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a[data-t]") : null;
    if (!a) return;
    ev.preventDefault();
    var t = a.getAttribute("data-t");
    seek(parseFloat(t));
    try { history.replaceState(null, "", "#t=" + t); } catch (e) {}
  });
  function fromHash() {
    var m = /^#t=([0-9]+(?:\\.[0-9]+)?)/.exec(location.hash);
    if (m) seek(parseFloat(m[1]));
  }
  window.addEventListener("hashchange", fromHash);
  if (location.hash) fromHash();
})();"""


def e(value) -> str:
    return html.escape(sanitize(value), quote=True)


def link_url(url) -> str | None:
    """An http(s) URL safe to put in href, else None (javascript:, data:, junk)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if re.search(r"[\x00-\x20\x7f<>\"'`\\]", url):
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# ------------------------------------------------------------------ shownotes.html

def seek_link(t: float) -> str:
    t = round(max(0.0, float(t)), 2)
    return f'<a class="t" href="episode.mp3#t={t}" data-t="{t}">{e(clock(t))}</a>'


def badge(ep: Path, report: dict, L: dict) -> str:
    """"Verified" only when verify.json says so and still speaks for the files beside it."""
    from ..verify import binding_status
    binding = binding_status(ep, report)
    if binding.stale:
        return f'<p class="badge no stale">{e(L["stale"].format(cause=binding.cause))}</p>'
    verified = bool(report.get("verified"))
    return (f'<p class="badge {"ok" if verified else "no"}">'
            f'{e(L["verified"] if verified else L["not_verified"])}</p>')


def shownotes_page(ep: Path, cfg: dict) -> str:
    script = load_script(ep / SCRIPT_YAML)
    timeline = fsio.read_json(ep / TIMELINE)
    report = fsio.read_json(ep / REPORT)
    post = fsio.read_json(ep / POST) if (ep / POST).exists() else {}
    lang = script.get("language") if script.get("language") in LABELS else "en"
    L = LABELS[lang]
    title = script.get("title") or post.get("title") or ep.name
    timed = {s["id"]: s for s in timeline.get("segments") or []}
    start_of = lambda sid: float(timed.get(sid, {}).get("start", 0.0))  # noqa: E731

    body = ['<header>', f'<p>{e(cfg.get("title"))}</p>', f"<h1>{e(title)}</h1>"]
    meta = []
    if post.get("date"):
        meta.append(f'<time datetime="{e(post["date"])}">{e(post["date"])}</time>')
    if post.get("author"):
        meta.append(f'{e(L["by"])} {e(post["author"])}')
    if meta:
        body.append(f"<p>{' · '.join(meta)}</p>")
    body.append("</header>")
    body.append(badge(ep, report, L))

    points = script.get("points") or []
    summary = (points[0].get("text") if points else None) or script.get("intro") or ""
    body += [f'<h2>{e(L["summary_h"])}</h2>', f'<p class="summary">{e(summary)}</p>']
    track = (f'<track kind="captions" src="captions.vtt" srclang="{e(lang)}" label="{e(lang)}" default>'
             if (ep / "captions.vtt").exists() else "")
    body.append(f'<audio id="player" controls preload="metadata" src="episode.mp3">{track}'
                f'<a href="episode.mp3">{e(L["player"])}</a></audio>')

    body += [f'<h2>{e(L["points"])}</h2>', '<ol class="points">']
    for seg in segments(script):
        if seg["id"].startswith("point-"):
            body.append(f'<li id="{e(seg["id"])}">{seek_link(start_of(seg["id"]))}'
                        f'<strong>{e(seg["title"])}</strong>: {e(seg["text"])}</li>')
    body.append("</ol>")

    body.append(f'<h2>{e(L["verification"])}</h2>')
    total = len(report.get("numbers") or [])
    counts = report.get("counts") or {}
    body.append("<p>" + e(L["summary"].format(
        ok=counts.get("ok", 0) + counts.get("unit-missing", 0), total=total,
        pct=round(100 * float(report.get("survival") or 0)),
        tts=report.get("tts_engine"), asr=report.get("asr_engine"))) + "</p>")
    body.append(f'<table class="numbers"><thead><tr><th>{e(L["number"])}</th><th>{e(L["heard"])}'
                f'</th><th>{e(L["status"])}</th><th>{e(L["time"])}</th></tr></thead><tbody>')
    for r in report.get("numbers") or []:
        heard = r.get("heard")
        body.append(f'<tr class="{e(r.get("status"))}"><td>{e(r.get("text"))}</td>'
                    f'<td>{e(heard) if heard else e(L["none"])}</td>'
                    f'<td class="{e(r.get("status"))}">{e(r.get("status"))}</td>'
                    f'<td>{seek_link(r.get("start") or 0.0)}</td></tr>')
    body.append("</tbody></table>")

    lint = report.get("lint") if report.get("lint") is not None else post.get("lint")
    if lint:
        body += [f'<h2>{e(L["lint"])}</h2>', '<ul class="lint">']
        body += [f"<li>«{e(f.get('text'))}»: {e(f.get('reason'))}</li>" for f in lint]
        body.append("</ul>")

    for i, rows in enumerate(post_tables(post)):
        body += [f'<h2>{e(MD_LABELS[lang]["tables"])}</h2>'] if i == 0 else []
        body.append('<table class="post-table">' + "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>")

    sources = post.get("sources") or []
    if sources:
        body += [f'<h2>{e(L["sources"])}</h2>', '<ul class="sources">']
        for s in sources:
            url = link_url(s.get("url"))
            label = s.get("title") or s.get("url") or ""
            body.append(f'<li><a href="{e(url)}" rel="noopener noreferrer nofollow">{e(label)}</a></li>'
                        if url else f"<li>{e(label)}</li>")
        body.append("</ul>")

    files = [(n, n) for n in (AUDIO, "captions.vtt", "captions.srt",
                              "transcript.podcast.json", CHAPTERS, NOTES)
             if (ep / n).exists() or n == CHAPTERS]
    body.append(f'<footer><p>{e(L["files"])}: '
                + " · ".join(f'<a href="{e(urllib.parse.quote(n))}">{e(label)}</a>' for n, label in files)
                + f' · <a href="../feed.xml">{e(L["feed"])}</a></p></footer>')

    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
           "media-src 'self' http: https: file:; img-src 'self' http: https: data:; base-uri 'none'; "
           "form-action 'none'")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{e(lang)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body)
            + f"\n<script>{SCRIPT}</script>\n</body></html>\n")


def shownotes_html(ep_dir: str | os.PathLike, config=None) -> Path:
    """Write <ep>/shownotes.html. config: a load_config() dict, a podcast.yaml path, or None."""
    ep = Path(ep_dir)
    _need(ep, SCRIPT_YAML, TIMELINE, REPORT)
    return fsio.write_text(ep / SHOWNOTES_HTML, shownotes_page(ep, show_config(config)))


def publish_episode(ep_dir: str | os.PathLike, config=None) -> dict[str, Path]:
    """Everything the feed links to: captions (3 files), chapters.json, shownotes.html;
    and diff.html (script against what Whisper heard), kept off the listeners' page.

    A stale episode (a file changed since verify) gets only its shownotes.html,
    which says so: captions and chapters of files nobody checked are not made."""
    from .captions import captions
    from ..diff import write_diff_html
    from ..verify import binding_status
    ep = Path(ep_dir)
    _need(ep, REPORT)
    cfg = show_config(config)
    out: dict[str, Path] = {}
    binding = binding_status(ep)
    if binding.stale:
        logging.getLogger(__name__).warning(f"publish: {ep.name}: {binding.message}")
    else:
        if (ep / TRANSCRIPT).exists():
            out.update(captions(ep, speaker=None))
            out["diff"] = write_diff_html(ep)
        out["chapters"] = chapters_json(ep)
    out["html"] = shownotes_html(ep, cfg)
    return out
