"""The show-notes page for listeners (shownotes.html, from templates/shownotes.html),
and publish_episode: captions + chapters + that page (what the feed links to),
and diff.html for the producer.

Everything that comes from a post, a script or a transcript is sanitized and
escaped by the template (pipeline.publish.pages); only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from pathlib import Path

from .. import fsio
from ..config.show import ShowConfig, show_config
from ..episode import (
    AUDIO,
    CAPTIONS_SRT,
    CAPTIONS_VTT,
    NOTES,
    NOTES_PAGE,
    PODCAST_TRANSCRIPT,
    REPORT,
    TIMELINE,
    TRANSCRIPT,
    Episode,
    as_episode,
)
from ..episode import SCRIPT as SCRIPT_YAML  # SCRIPT here is the page's JavaScript
from .chapters import CHAPTERS, chapters_json
from .notes import (
    EpisodeFiles,
    key_points,
    lint_findings,
    need,
    post_tables,
    read_episode,
    source_links,
    status_word,
    summary_line,
    verdict,
)
from .pages import Markup, asset, render
from .terminal import clipped, unit_of

SHOWNOTES_HTML = NOTES_PAGE
# Click on a timestamp -> seek the player; #t=SECONDS in the page URL seeks on load.
SCRIPT = asset("player.js")
# Files listed in the page's footer when they exist (chapters.json always: publish writes it).
FOOTER_FILES = (AUDIO, CAPTIONS_VTT, CAPTIONS_SRT, PODCAST_TRANSCRIPT, CHAPTERS, NOTES)
BADGE_CLASS = {"ok": "ok", "no": "no", "stale": "no stale"}


def content_security_policy(script: str = SCRIPT) -> str:
    """Exactly our one script (by hash) runs; inline style; media and images from anywhere."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "media-src 'self' http: https: file:; img-src 'self' http: https: data:; base-uri 'none'; "
            "form-action 'none'")


def seek_time(t) -> float:
    """A time to seek to, as the page's links carry it (seconds, two decimals, never < 0)."""
    return round(max(0.0, float(t or 0.0)), 2)


def badge(ep: Path, files: EpisodeFiles) -> tuple[str, str]:
    """(class, sentence): "Verified" only when verify.json says so and still speaks
    for the files beside it."""
    from ..verify import binding_status
    kind, sentence = verdict(files.report, binding_status(ep, files.report), files.labels)
    return BADGE_CLASS[kind], sentence


def page_context(ep: Path, cfg: ShowConfig, files: EpisodeFiles) -> dict:
    script, report, post = files.script, files.report, files.post
    points = script.get("points") or []
    badge_class, sentence = badge(ep, files)
    return {
        "lang": files.lang, "L": files.labels, "show": cfg.title, "post": post,
        "title": script.get("title") or post.get("title") or ep.name,
        "badge_class": badge_class, "verdict": sentence,
        "summary": (points[0].get("text") if points else None) or script.get("intro") or "",
        "captions": (ep / CAPTIONS_VTT).exists(),
        "points": key_points(script, files.timeline),
        "numbers_summary": summary_line(report, files.labels),
        "numbers": [{**r, "heard": clipped(r["heard"]) if r["heard"] else None,   # a loop: cut
                     "unit_shown": unit_of(r), "note": r.get("note"),
                     "status_shown": status_word(r["status"], files.labels)}
                    for r in report.get("numbers") or []],
        "lint": lint_findings(report, post, files.labels), "tables": post_tables(post), "sources": source_links(post),
        "files": [n for n in FOOTER_FILES if (ep / n).exists() or n == CHAPTERS],
        "csp": content_security_policy(), "script": Markup(SCRIPT), "at": seek_time,
    }


def shownotes_page(ep: Path | Episode, cfg: ShowConfig) -> str:
    files = as_episode(ep)
    return render(SHOWNOTES_HTML, **page_context(files.dir, cfg, read_episode(files)))


def shownotes_html(ep_dir: str | os.PathLike | Episode, config=None) -> Path:
    """Write <ep>/shownotes.html. config: a ShowConfig, a podcast.yaml path, or None."""
    files = as_episode(ep_dir)
    need(files.dir, SCRIPT_YAML, TIMELINE, REPORT)     # not built yet: said before podcast.yaml is read
    return fsio.write_text(files.path(SHOWNOTES_HTML), shownotes_page(files, show_config(config)))


def publish_episode(ep_dir: str | os.PathLike | Episode, config=None) -> dict[str, Path]:
    """Everything the feed links to: captions (3 files), chapters.json, shownotes.html;
    and diff.html (script against what Whisper heard), kept off the listeners' page.

    A stale episode (a file changed since verify) gets only its shownotes.html,
    which says so: captions and chapters of files nobody checked are not made."""
    from ..verify import binding_status
    from .captions import captions
    from .diff import write_diff_html
    files = as_episode(ep_dir)      # each file read once for every page made here
    ep = files.dir
    need(ep, REPORT)
    cfg = show_config(config)
    out: dict[str, Path] = {}
    binding = binding_status(files)
    if binding.stale:
        logging.getLogger(__name__).warning(f"publish: {ep.name}: {binding.message}")
    else:
        if (ep / TRANSCRIPT).exists():
            out.update(captions(files, speaker=None))
            out["diff"] = write_diff_html(files)
        out["chapters"] = chapters_json(files)
    out["html"] = shownotes_html(files, cfg)
    return out
