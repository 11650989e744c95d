"""Publishing: every built episode -> episodes/feed.xml (RSS 2.0 + iTunes + Podcasting 2.0).

Show settings come from podcast.yaml (see load_config and DEFAULTS).

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
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

from . import fsio
from . import text as textmod
from .episode import AUDIO, POST, REPORT, SCRIPT, TIMELINE
from .errors import InputError, yaml_problem

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")   # Podcasting 2.0 spec

REQUIRED_FILES = (AUDIO, REPORT, SCRIPT)
FEED_NAME = "feed.xml"

DEFAULTS = {
    "base_url": "http://127.0.0.1:8000/",
    "link": None,                 # defaults to base_url
    "title": "Podcast",
    "description": "Key points of blog posts, every number checked.",
    "author": "Podcast Pipeline",
    "owner_name": None,           # defaults to author
    "owner_email": None,
    "language": "en",
    "category": "Technology",
    "artwork": None,              # itunes:image left out (with a warning) when unset
    "explicit": False,
    "locked": True,
    "guid": None,
    "require_verified": False,
}
BOOL_KEYS = {"explicit", "locked", "require_verified"}

# Characters XML 1.0 cannot carry at all (ElementTree would write them as-is).
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# ------------------------------------------------------------------ configuration

def _fail(path, cause):
    raise InputError(f"{path}: {cause}", "edit podcast.yaml (every key is described in its comments)")


def _http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"[\s<>\"]", value)


def load_config(path: str | os.PathLike) -> dict:
    """podcast.yaml -> a complete, type-checked config dict."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", "create it: copy podcast.yaml from the repository root")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML ({yaml_problem(e)})",
                         "fix the line it names (quote values containing ': ' or '#')") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text", "save it as UTF-8") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        _fail(path, f"expected a mapping of keys (title: ..., base_url: ...), got {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - set(DEFAULTS))
    if unknown:
        _fail(path, f"unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(DEFAULTS)}")
    cfg = dict(DEFAULTS)
    for key, value in data.items():
        if value is None:
            continue                                  # "key:" with no value -> default
        if key in BOOL_KEYS:
            if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
                value = value.strip().lower() in ("yes", "true")
            if not isinstance(value, bool):
                _fail(path, f"{key} must be true or false, got {value!r}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and key != "guid":
            value = str(value)                        # title: 1984 is still a title
        elif not isinstance(value, str):
            _fail(path, f"{key} must be text, got {type(value).__name__} {value!r}")
        if isinstance(value, str):
            value = value.strip()
        cfg[key] = value
    for key in ("base_url", "link", "artwork"):
        if cfg[key] and not _http_url(cfg[key]):
            _fail(path, f"{key} must be an http(s) URL, got {cfg[key]!r}")
    if not cfg["base_url"].endswith("/"):
        cfg["base_url"] += "/"
    if cfg["owner_email"] and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", cfg["owner_email"]):
        _fail(path, f"owner_email is not an e-mail address: {cfg['owner_email']!r}")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", cfg["language"]):
        _fail(path, f"language must be a code such as en or fr-FR, got {cfg['language']!r}")
    if cfg["guid"]:
        try:
            cfg["guid"] = str(uuid.UUID(str(cfg["guid"])))
        except ValueError:
            _fail(path, f"guid must be a UUID, got {cfg['guid']!r}")
    cfg["link"] = cfg["link"] or cfg["base_url"]
    cfg["owner_name"] = cfg["owner_name"] or cfg["author"]
    return cfg


# ------------------------------------------------------------------ identities and URLs

def feed_url(cfg: dict) -> str:
    return cfg["base_url"] + FEED_NAME


def channel_guid(cfg: dict) -> str:
    if cfg.get("guid"):
        return cfg["guid"]
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url(cfg)).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


def episode_guid(cfg: dict, slug: str) -> str:
    return str(uuid.uuid5(uuid.UUID(channel_guid(cfg)), slug))


def episode_url(cfg: dict, slug: str, name: str) -> str:
    return cfg["base_url"] + quote(slug, safe="") + "/" + quote(name, safe="")


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
            print(f"warning: {ep / POST}: date {date!r} is not ISO 8601; "
                  "using the mp3's modification time", file=sys.stderr)
    return datetime.fromtimestamp((ep / AUDIO).stat().st_mtime, tz=timezone.utc)


def duration_seconds(ep: Path) -> float:
    timeline = ep / TIMELINE
    if timeline.exists():
        d = fsio.read_json(timeline).get("duration")
        if isinstance(d, (int, float)) and d > 0:
            return float(d)
    from mutagen.mp3 import MP3
    return float(MP3(ep / AUDIO).info.length)


def clean(text) -> str:
    """Text fit for XML and for people: no controls, no bidi overrides (pipeline.text)."""
    return XML_INVALID_RE.sub("", textmod.sanitize(text))


def description_of(script: dict) -> str:
    """Plain text: the intro, then the key points (ElementTree escapes it)."""
    lines = [str(script.get("intro") or "").strip()]
    lines += [f"- {p.get('title') or ''}: {p.get('text') or ''}".strip() for p in script["points"]]
    return "\n".join(line for line in lines if line)


def episode_info(ep: Path, cfg: dict) -> dict:
    from .condense import load_script
    from .verify import binding_status
    script = load_script(ep / SCRIPT)
    post = fsio.read_json(ep / POST) if (ep / POST).exists() else None
    report = fsio.read_json(ep / REPORT)
    binding = binding_status(ep, report)
    return {
        "slug": ep.name,
        "dir": ep,
        "title": script.get("title") or (post or {}).get("title") or ep.name,
        "language": script.get("language") or cfg["language"],
        "description": description_of(script),
        "date": pub_date(ep, post),
        "duration": duration_seconds(ep),
        "size": os.path.getsize(ep / AUDIO),
        "verified": bool(report.get("verified")) and binding.fresh,
        "binding": binding,
        "author": (post or {}).get("author"),
    }


# ------------------------------------------------------------------ XML

def _sub(parent, tag, value=None, **attrs):
    el = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if value is not None:
        el.text = clean(value)
    return el


def feed_xml(cfg: dict, items: list[dict]) -> bytes:
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("podcast", PODCAST)
    ET.register_namespace("atom", ATOM)
    it, pc = f"{{{ITUNES}}}", f"{{{PODCAST}}}"
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _sub(rss, "channel")
    _sub(ch, "title", cfg["title"])
    _sub(ch, "link", cfg["link"])
    _sub(ch, "description", cfg["description"])
    _sub(ch, "language", cfg["language"])
    _sub(ch, f"{{{ATOM}}}link", href=feed_url(cfg), rel="self", type="application/rss+xml")
    _sub(ch, "generator", "podcast-pipeline")
    if items:
        _sub(ch, "lastBuildDate", email.utils.format_datetime(max(i["date"] for i in items)))
    _sub(ch, f"{it}author", cfg["author"])
    _sub(ch, f"{it}summary", cfg["description"])
    if cfg["owner_email"]:
        owner = _sub(ch, f"{it}owner")
        _sub(owner, f"{it}name", cfg["owner_name"])
        _sub(owner, f"{it}email", cfg["owner_email"])
    if cfg["artwork"]:
        _sub(ch, f"{it}image", href=cfg["artwork"])
        img = _sub(ch, "image")
        _sub(img, "url", cfg["artwork"])
        _sub(img, "title", cfg["title"])
        _sub(img, "link", cfg["link"])
    parent = ch
    for name in [c.strip() for c in cfg["category"].split("/") if c.strip()][:2]:
        parent = _sub(parent, f"{it}category", text=name)
    _sub(ch, f"{it}explicit", "true" if cfg["explicit"] else "false")
    _sub(ch, f"{it}type", "episodic")
    _sub(ch, f"{pc}guid", channel_guid(cfg))
    locked = {"owner": cfg["owner_email"]} if cfg["owner_email"] else {}
    _sub(ch, f"{pc}locked", "yes" if cfg["locked"] else "no", **locked)

    for i in items:
        slug = i["slug"]
        item = _sub(ch, "item")
        _sub(item, "title", i["title"])
        _sub(item, f"{it}title", i["title"])
        _sub(item, "description", i["description"])
        _sub(item, "link", episode_url(cfg, slug, "shownotes.html"))
        _sub(item, "guid", episode_guid(cfg, slug), isPermaLink="false")
        _sub(item, "pubDate", email.utils.format_datetime(i["date"]))
        _sub(item, "enclosure", url=episode_url(cfg, slug, AUDIO),
             length=str(i["size"]), type="audio/mpeg")
        _sub(item, f"{it}duration", str(round(i["duration"])))
        _sub(item, f"{it}episodeType", "full")
        _sub(item, f"{it}explicit", "true" if cfg["explicit"] else "false")
        if i["author"]:
            _sub(item, f"{it}author", i["author"])
        _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, "captions.vtt"),
             type="text/vtt", language=i["language"], rel="captions")
        _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, "transcript.podcast.json"),
             type="application/json", language=i["language"])
        _sub(item, f"{pc}transcript", url=episode_url(cfg, slug, "captions.srt"),
             type="application/x-subrip", language=i["language"], rel="captions")
        _sub(item, f"{pc}chapters", url=episode_url(cfg, slug, "chapters.json"),
             type="application/json+chapters")
    ET.indent(rss, space="  ")
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def write_feed(episodes_dir: str | os.PathLike, config_path: str | os.PathLike,
               out_path: str | os.PathLike | None = None, build_assets: bool = True) -> Path:
    """Write the feed of every built episode under episodes_dir (newest first).

    With build_assets, each episode's captions, chapters.json and shownotes.html
    (the files the feed links to) are (re)written first.

    A stale episode (a file changed since it was verified) is always left out,
    said on stderr with the command that rebuilds it; its shownotes.html is
    rewritten to say it is stale. The feed never rebuilds audio itself.
    """
    episodes_dir = Path(episodes_dir)
    out_path = Path(out_path) if out_path else episodes_dir / FEED_NAME
    cfg = load_config(config_path)
    if not episodes_dir.is_dir():
        raise InputError(f"{episodes_dir} is not a folder", "build an episode first (make episode SRC=...)")
    items = []
    for ep in built_episodes(episodes_dir):
        info = episode_info(ep, cfg)
        if info["binding"].stale:
            print(f"feed: leaving out {ep.name}: {info['binding'].message}", file=sys.stderr)
            if build_assets:
                from .publish import shownotes_html
                shownotes_html(ep, cfg)
            continue
        if cfg["require_verified"] and not info["verified"]:
            print(f"feed: leaving out {ep.name}: not verified (require_verified in podcast.yaml)",
                  file=sys.stderr)
            continue
        if build_assets:
            from .publish import publish_episode
            publish_episode(ep, cfg)
        items.append(info)
    if not cfg["artwork"]:
        print("warning: no artwork in podcast.yaml: itunes:image left out "
              "(Apple Podcasts requires a 1400-3000 px square image)", file=sys.stderr)
    items.sort(key=lambda i: (i["date"], i["slug"]), reverse=True)
    return fsio.write_bytes(out_path, feed_xml(cfg, items))
