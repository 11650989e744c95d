"""Publishing: every built episode -> episodes/feed.xml (RSS 2.0 + iTunes + Podcasting 2.0).

Show settings come from podcast.yaml (pipeline.config.show: show_config, DEFAULTS).

Guids. The channel's podcast:guid is `guid` from podcast.yaml when pinned,
else uuid5 of the feed URL without scheme and trailing slash, in the
Podcasting 2.0 namespace (as the spec says). An episode's <guid> is
uuid5(channel guid, slug): deterministic, so it survives rebuilds and
`make clean` (episode folders are not committed, a stored id file would be
lost), and, once `guid` is pinned, a move to another base_url. Renaming an
episode's slug makes it a new episode for podcast apps.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import cast
from urllib.parse import quote

from .. import fsio
from .. import text as textmod
from ..config.hosts import hosts_of
from ..config.show import DEFAULTS, ShowConfig, load_config, show_config  # noqa: F401  (DEFAULTS, load_config: re-exported)
from ..contracts import Script
from ..episode import (
    AUDIO,
    CAPTIONS_SRT,
    CAPTIONS_VTT,
    CHAPTERS,
    NOTES_PAGE,
    PODCAST_TRANSCRIPT,
    POST,
    REPORT,
    SCRIPT,
    TIMELINE,
    Episode,
    as_episode,
)
from ..errors import InputError
from ..urls import is_http_url
from .notes import source_links
from .pages import fragment

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")   # Podcasting 2.0 spec

REQUIRED_FILES = (AUDIO, REPORT, SCRIPT)
FEED_NAME = "feed.xml"

# Apple: a description (channel or episode) holds at most 4,000 bytes.
MAX_DESCRIPTION_BYTES = 4000

# Characters XML 1.0 cannot carry at all (ElementTree would write them as-is).
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# ------------------------------------------------------------------ identities and URLs

def feed_url(cfg: ShowConfig) -> str:
    return cfg.base_url + FEED_NAME


def channel_guid(cfg: ShowConfig) -> str:
    if cfg.guid:
        return cfg.guid
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url(cfg)).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


def episode_guid(cfg: ShowConfig, slug: str) -> str:
    return str(uuid.uuid5(uuid.UUID(channel_guid(cfg)), slug))


def episode_url(cfg: ShowConfig, slug: str, name: str) -> str:
    return cfg.base_url + quote(slug, safe="") + "/" + quote(name, safe="")


# ------------------------------------------------------------------ episodes

def built_episodes(episodes_dir: Path) -> list[Path]:
    return sorted(p for p in Path(episodes_dir).iterdir()
                  if p.is_dir() and not p.name.startswith(".")
                  and all((p / f).is_file() for f in REQUIRED_FILES))


def pub_date(ep: Path, post: dict | None) -> datetime:
    date = (post or {}).get("date")
    if isinstance(date, str):
        try:
            d = datetime.fromisoformat(date.strip().replace("Z", "+00:00"))
            return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
        except ValueError:
            logging.getLogger(__name__).warning(f"{ep / POST}: date {date!r} is not ISO 8601; "
                  "using the mp3's modification time")
    return datetime.fromtimestamp((ep / AUDIO).stat().st_mtime, tz=timezone.utc)


def duration_seconds(ep: Path | Episode) -> float:
    """The episode's length: the timeline's, else the MP3's own."""
    files = as_episode(ep)
    if files.has(TIMELINE):
        d = files.timeline().get("duration")
        if isinstance(d, (int, float)) and d > 0:
            return float(d)
    from mutagen.mp3 import MP3
    info = MP3(files.audio_path).info
    return float(info.length) if info is not None else 0.0


def clean(text) -> str:
    """Text fit for XML and for people: no controls, no bidi overrides (pipeline.text)."""
    return XML_INVALID_RE.sub("", textmod.sanitize(text))


def description_of(script: Script) -> str:
    """Plain text: the intro, then the key points (ElementTree escapes it)."""
    lines = [str(script.get("intro") or "").strip()]
    lines += [f"- {p.get('title') or ''}: {p.get('text') or ''}".strip() for p in script["points"]]
    return "\n".join(line for line in lines if line)


def within_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """text cut at a word boundary to at most `limit` UTF-8 bytes, "…" marking the cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode())
    head = text.encode("utf-8")[:room].decode("utf-8", "ignore")   # never half a character
    cut = head.rsplit(None, 1)[0] if len(head.split()) > 1 else head
    return cut.rstrip(" ,;:-") + "…"


def notes_html(script: Script, post: dict | None) -> str:
    """content:encoded: the show notes as an HTML fragment (escaped here, and again as XML)."""
    return fragment("feed_notes.html", intro=script.get("intro"), points=script["points"],
                    sources=source_links(post))


def episode_info(ep: Path, cfg: ShowConfig) -> dict:
    from ..config.episode import for_episode
    from ..verify import binding_status
    files = Episode(ep)
    script, report = files.script(), files.report()
    post = cast("dict | None", files.post_or_none())     # read as plain JSON by the feed's helpers
    binding = binding_status(files, report)
    settings = for_episode(ep)
    return {
        "slug": ep.name,
        "dir": ep,
        "title": script.get("title") or (post or {}).get("title") or ep.name,
        "language": script.get("language") or cfg.language,
        "description": within_bytes(description_of(script)),
        "notes": notes_html(script, post),
        "number": positive(settings.episode_number),
        "season": positive(settings.season),
        "cover": settings.cover,
        "date": pub_date(ep, post),
        "duration": duration_seconds(files),
        "size": os.path.getsize(ep / AUDIO),
        "verified": bool(report.get("verified")) and binding.fresh,
        "binding": binding,
        "author": (post or {}).get("author"),
        "hosts": [str(h.get("name")) for h in script.get("hosts") or []],   # a conversation's
        "show": settings.show or cfg.title,     # the ID3 album the episode should carry
    }


def album_note(ep: Path, show: str) -> str | None:
    """A note when the MP3's ID3 album is not the show's title (podcast.yaml renamed
    the show after the build: the feed and show notes follow, the MP3 cannot without
    a rebuild, which the verdict's binding would otherwise call stale)."""
    from mutagen import MutagenError

    from ..audio.tags import clean, read_tags
    try:
        tagged = read_tags(ep / AUDIO)["show"]
    except (OSError, MutagenError):     # no ID3 at all: nothing to compare
        return None
    if tagged is None or tagged == clean(show):
        return None
    return (f"feed: note: {ep.name}/{AUDIO} is tagged for the show {tagged!r}, not {clean(show)!r} "
            f"(the show settings changed since it was built); rebuild it to retag "
            f"(make episode SRC=..., or pipeline batch)")


# ------------------------------------------------------------------ XML

def positive(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def episode_image(ep: Path, cfg: ShowConfig, cover: str | None) -> str | None:
    """The episode's own cover (from its settings), copied beside its MP3, else None."""
    from .artwork import copy_cover
    if not cover:
        return None
    return episode_url(cfg, ep.name, copy_cover(cover, ep, "cover").name)


def _sub(parent, tag, value=None, **attrs):
    el = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if value is not None:
        el.text = clean(value)
    return el


def feed_xml(cfg: ShowConfig, items: list[dict], artwork: str | None = None) -> bytes:
    """artwork: the cover's URL (pipeline.publish.artwork.show_artwork); None: podcast.yaml's
    artwork when it is a URL, else no cover."""
    if artwork is None and is_http_url(cfg.artwork):
        artwork = cfg.artwork
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("podcast", PODCAST)
    ET.register_namespace("atom", ATOM)
    ET.register_namespace("content", CONTENT)
    it, pc = f"{{{ITUNES}}}", f"{{{PODCAST}}}"
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _sub(rss, "channel")
    _sub(ch, "title", cfg.title)
    _sub(ch, "link", cfg.link)
    _sub(ch, "description", within_bytes(cfg.description))
    _sub(ch, "language", cfg.language)
    _sub(ch, f"{{{ATOM}}}link", href=feed_url(cfg), rel="self", type="application/rss+xml")
    _sub(ch, "generator", "podcast-pipeline")
    if items:
        _sub(ch, "lastBuildDate", email.utils.format_datetime(max(i["date"] for i in items)))
    _sub(ch, f"{it}author", cfg.author)
    _sub(ch, f"{it}summary", within_bytes(cfg.description))
    if cfg.owner_email:
        owner = _sub(ch, f"{it}owner")
        _sub(owner, f"{it}name", cfg.owner_name)
        _sub(owner, f"{it}email", cfg.owner_email)
    if artwork:
        _sub(ch, f"{it}image", href=artwork)
        img = _sub(ch, "image")
        _sub(img, "url", artwork)
        _sub(img, "title", cfg.title)
        _sub(img, "link", cfg.link)
    parent = ch
    for name in [c.strip() for c in cfg.category.split("/") if c.strip()][:2]:
        parent = _sub(parent, f"{it}category", text=name)
    _sub(ch, f"{it}explicit", "true" if cfg.explicit else "false")
    _sub(ch, f"{it}type", "episodic")
    _sub(ch, f"{pc}guid", channel_guid(cfg))
    if cfg.format == "conversation":     # the show's two hosts
        for host in hosts_of(cfg.hosts):
            _sub(ch, f"{pc}person", host.name, role="host")
    locked = {"owner": cfg.owner_email} if cfg.owner_email else {}
    _sub(ch, f"{pc}locked", "yes" if cfg.locked else "no", **locked)
    for i in items:
        _item(ch, cfg, i, i.get("image") or artwork)
    ET.indent(rss, space="  ")
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def _item(ch, cfg: ShowConfig, i: dict, image: str | None) -> None:
    it, pc = f"{{{ITUNES}}}", f"{{{PODCAST}}}"
    slug = i["slug"]
    item = _sub(ch, "item")
    _sub(item, "title", i["title"])
    _sub(item, f"{it}title", i["title"])
    _sub(item, "description", i["description"])
    if i.get("notes"):
        _sub(item, f"{{{CONTENT}}}encoded", i["notes"])
    _sub(item, "link", episode_url(cfg, slug, NOTES_PAGE))
    _sub(item, "guid", episode_guid(cfg, slug), isPermaLink="false")
    _sub(item, "pubDate", email.utils.format_datetime(i["date"]))
    _sub(item, "enclosure", url=episode_url(cfg, slug, AUDIO),
         length=str(i["size"]), type="audio/mpeg")
    _sub(item, f"{it}duration", str(round(i["duration"])))
    _sub(item, f"{it}episodeType", "full")
    if i.get("number"):
        _sub(item, f"{it}episode", str(i["number"]))
    if i.get("season"):
        _sub(item, f"{it}season", str(i["season"]))
    if image:
        _sub(item, f"{it}image", href=image)
    _sub(item, f"{it}explicit", "true" if cfg.explicit else "false")
    if i["author"]:
        _sub(item, f"{it}author", i["author"])
    for name in i.get("hosts") or []:      # Podcasting 2.0: who speaks in this episode
        _sub(item, f"{pc}person", name, role="host")
    _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, CAPTIONS_VTT),
         type="text/vtt", language=i["language"], rel="captions")
    _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, PODCAST_TRANSCRIPT),
         type="application/json", language=i["language"])
    _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, CAPTIONS_SRT),
         type="application/x-subrip", language=i["language"], rel="captions")
    _sub(item, f"{pc}chapters", url=episode_url(cfg, slug, CHAPTERS),
         type="application/json+chapters")


def write_feed(episodes_dir: str | os.PathLike, config_path=None,
               out_path: str | os.PathLike | None = None, build_assets: bool = True) -> Path:
    """Write the feed of every built episode under episodes_dir (newest first).

    config_path: a podcast.yaml, a ShowConfig, or None (pipeline.config.show
    looks it up). With build_assets, each episode's captions, chapters.json and
    shownotes.html (the files the feed links to) are (re)written first, and the
    show's cover (pipeline.publish.artwork) into episodes_dir.

    A stale episode (a file changed since it was verified) is always left out,
    said on stderr with the command that rebuilds it; its shownotes.html is
    rewritten to say it is stale. The feed never rebuilds audio itself.
    """
    from .artwork import show_artwork
    episodes_dir = Path(episodes_dir)
    out_path = Path(out_path) if out_path else episodes_dir / FEED_NAME
    cfg = show_config(config_path)
    if not episodes_dir.is_dir():
        raise InputError(f"{episodes_dir} is not a folder", "build an episode first (make episode SRC=...)")
    items = [info for ep in built_episodes(episodes_dir)
             if (info := _listed(ep, cfg, build_assets)) is not None]
    artwork = show_artwork(cfg, episodes_dir) if build_assets else None
    items.sort(key=lambda i: (i["date"], i["slug"]), reverse=True)
    return fsio.write_bytes(out_path, feed_xml(cfg, items, artwork))


def _listed(ep: Path, cfg: ShowConfig, build_assets: bool) -> dict | None:
    """An episode's feed entry (its assets published first), or None when left out."""
    from ..errors import CorruptFile
    from .shownotes import publish_episode, shownotes_html
    try:
        info = episode_info(ep, cfg)
    except CorruptFile as e:      # one broken folder never takes the whole feed down
        logging.getLogger(__name__).warning(f"feed: leaving out {ep.name}: {e.cause}; fix: {e.fix}")
        return None
    if info["binding"].stale:
        logging.getLogger(__name__).warning(f"feed: leaving out {ep.name}: {info['binding'].message}")
        if build_assets:
            shownotes_html(ep, cfg)
        return None
    if cfg.require_verified and not info["verified"]:
        logging.getLogger(__name__).warning(
            f"feed: leaving out {ep.name}: not verified (require_verified in podcast.yaml)")
        return None
    if (note := album_note(ep, info["show"])) is not None:
        logging.getLogger(__name__).warning(note)
    if build_assets:
        publish_episode(ep, cfg)
        info["image"] = episode_image(ep, cfg, info["cover"])
    return info
