"""The show's configuration (podcast.yaml): found once, checked, passed down.

    path = find_config(explicit)    # --config, else $PIPELINE_CONFIG, else ./podcast.yaml
    cfg = show_config(explicit)     # a complete, checked ShowConfig (the defaults when none)

The episode tags (ID3 album), the show notes header and the feed all read
their show title from the ShowConfig show_config returns, so they agree. Without
any podcast.yaml the defaults apply, said once on stderr; `init` writes a
commented one into the current folder. Where models and caches live is
pipeline.paths (PIPELINE_MODELS_DIR, PIPELINE_CACHE_DIR).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .. import fsio
from ..errors import InputError, yaml_problem
from ..urls import is_http_url

CONFIG_NAME = "podcast.yaml"
CONFIG_ENV = "PIPELINE_CONFIG"

@dataclass(frozen=True)
class ShowConfig:
    """podcast.yaml, parsed and checked once (show_config), passed down whole."""
    base_url: str = "http://127.0.0.1:8000/"
    link: str | None = None             # defaults to base_url
    title: str = "Podcast"
    description: str = "Key points of blog posts, every number checked."
    author: str = "Podcast Pipeline"
    owner_name: str | None = None       # defaults to author
    owner_email: str | None = None
    language: str = "en"
    category: str = "Technology"
    artwork: str | None = None          # unset: a cover made from the title (episodes/artwork.jpg)
    explicit: bool = False
    locked: bool = True
    guid: str | None = None
    require_verified: bool = False
    format: str = "narration"           # or conversation: two hosts (pipeline.config.hosts)
    hosts: list | None = None           # unset: pipeline.config.hosts.DEFAULT_HOSTS


DEFAULTS = asdict(ShowConfig())
BOOL_KEYS = {f.name for f in fields(ShowConfig) if f.type == "bool"}

# Apple Podcasts categories and subcategories, as Apple lists them.
APPLE_CATEGORIES = {
    "Arts": ["Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"],
    "Business": ["Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"],
    "Comedy": ["Comedy Interviews", "Improv", "Stand-Up"],
    "Education": ["Courses", "How To", "Language Learning", "Self-Improvement"],
    "Fiction": ["Comedy Fiction", "Drama", "Science Fiction"],
    "Government": [],
    "History": [],
    "Health & Fitness": ["Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition",
                         "Sexuality"],
    "Kids & Family": ["Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"],
    "Leisure": ["Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"],
    "Music": ["Music Commentary", "Music History", "Music Interviews"],
    "News": ["Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"],
    "Religion & Spirituality": ["Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"],
    "Science": ["Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"],
    "Society & Culture": ["Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"],
    "Sports": ["Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
               "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
               "Wrestling"],
    "Technology": [],
    "True Crime": [],
    "TV & Film": ["After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"],
}

# What `init` writes: every key, commented; loading it gives DEFAULTS (tested).
TEMPLATE = """\
# Show configuration: read by the tags (ID3 album), the show notes pages and the
# feed (episodes/feed.xml). Every key is optional; an unknown key is an error,
# so a typo never goes unnoticed.

# The show's name: the feed title, the ID3 album, the show notes header.
title: Podcast
description: Key points of blog posts, every number checked.
author: Podcast Pipeline

# Public URL where the episodes/ folder is served; feed.xml, <slug>/episode.mp3
# ... are resolved against it. `podcast-pipeline serve` serves it locally.
base_url: http://127.0.0.1:8000/
# The show's web site (channel <link>); defaults to base_url.
# link: https://example.com/

# owner_name: (defaults to author)
# owner_email: you@example.com
# A language code such as en or fr-FR.
language: en
# An Apple Podcasts category; "Parent/Child" for a subcategory, e.g. "News/Tech News".
category: Technology
# Cover art: a square JPEG or PNG of 1400-3000 px, either a file (relative to this
# one, inside its folder; copied into episodes/) or an http(s) URL. Unset: a cover is made from the
# title (episodes/artwork.jpg).
# artwork: cover.png
explicit: false
# podcast:locked: "yes" asks other platforms not to import the feed.
locked: true
# Channel podcast:guid. Unset: uuid5 of the feed URL. Once the show is public, pin
# the value printed in feed.xml here, so that moving base_url keeps every guid.
# guid: 00000000-0000-0000-0000-000000000000
# Leave out episodes whose numbers were not all heard as written.
require_verified: false
# narration (one voice) or conversation (two hosts; an episode's <slug>.yaml may say otherwise).
format: narration
# The two hosts of a conversation, the lead first: a name and a voice per language
# (engine or engine:voice; docs/conversation.md). Unset: Claire and Hugo.
# hosts:
#   - name: Claire
#     voice: {en: "kokoro:af_heart", fr: "kokoro:ff_siwis"}
#   - name: Hugo
#     voice: {en: piper, fr: "kokoro:ff_siwis*0.3+am_michael*0.7"}
"""

_noted: set[str] = set()


def _fail(path, cause) -> NoReturn:
    raise InputError(f"{path}: {cause}", f"edit {CONFIG_NAME} (every key is described in its comments)")


def find_config(explicit: str | os.PathLike | None = None) -> Path | None:
    """The podcast.yaml to use: `explicit`, else $PIPELINE_CONFIG, else ./podcast.yaml
    when present, else None (the defaults)."""
    chosen = explicit or os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen)
    here = Path(CONFIG_NAME)
    return here if here.is_file() else None


def show_config(config=None) -> ShowConfig:
    """config: a ShowConfig show_config already returned, a podcast.yaml path, or None
    (look it up with find_config; defaults, noted once on stderr, when there is none)."""
    if isinstance(config, ShowConfig):
        return config
    path = find_config(config)
    if path is not None:
        return load_config(path)
    cwd = str(Path.cwd())
    if cwd not in _noted:
        _noted.add(cwd)
        logging.getLogger(__name__).warning(f"note: no {CONFIG_NAME} in {cwd}: default show "
                                            "settings (`podcast-pipeline init` writes one)")
    return ShowConfig(**complete(dict(DEFAULTS)))


def load_config(path: str | os.PathLike) -> ShowConfig:
    """podcast.yaml -> a complete, type-checked config dict."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist", "create it with `podcast-pipeline init`")
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
    cfg: dict[str, Any] = dict(DEFAULTS)
    for key, value in data.items():
        if value is not None:                         # "key:" with no value -> default
            cfg[key] = _typed(path, key, value)
    cfg = check_values(path, cfg)
    if cfg["artwork"] and not is_http_url(cfg["artwork"]):
        # a file beside podcast.yaml, never outside its folder (it is copied into the served episodes/)
        from .episode import _inside
        cfg["artwork"] = str(_inside(path.resolve().parent, cfg["artwork"], path, "artwork"))
    return ShowConfig(**complete(cfg))


def _typed(path: Path, key: str, value):
    if key in ("format", "hosts"):
        from .hosts import check_format, parse_hosts
        return check_format(value, str(path)) if key == "format" else parse_hosts(value, str(path))
    if key in BOOL_KEYS:
        if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
            value = value.strip().lower() in ("yes", "true")
        if not isinstance(value, bool):
            _fail(path, f"{key} must be true or false, got {value!r}")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "guid":
        return str(value)                             # title: 1984 is still a title
    if not isinstance(value, str):
        _fail(path, f"{key} must be text, got {type(value).__name__} {value!r}")
    return value.strip()


def check_values(path: Path, cfg: dict) -> dict:
    for key in ("base_url", "link"):
        if cfg[key] and not is_http_url(cfg[key]):
            _fail(path, f"{key} must be an http(s) URL, got {cfg[key]!r}")
    if cfg["artwork"] and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", cfg["artwork"]) \
            and not is_http_url(cfg["artwork"]):
        _fail(path, f"artwork must be an http(s) URL or an image file, got {cfg['artwork']!r}")
    if cfg["owner_email"] and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", cfg["owner_email"]):
        _fail(path, f"owner_email is not an e-mail address: {cfg['owner_email']!r}")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", cfg["language"]):
        _fail(path, f"language must be a code such as en or fr-FR, got {cfg['language']!r}")
    if cfg["guid"]:
        try:
            cfg["guid"] = str(uuid.UUID(str(cfg["guid"])))
        except ValueError:
            _fail(path, f"guid must be a UUID, got {cfg['guid']!r}")
    cfg["category"] = apple_category(path, cfg["category"])
    return cfg


def apple_category(path, value: str) -> str:
    """'Parent/Child' spelt as Apple spells it, or an error listing the valid ones."""
    names = [n.strip() for n in value.split("/") if n.strip()]
    by_lower = {p.lower(): p for p in APPLE_CATEGORIES}
    parent = by_lower.get(names[0].lower()) if names else None
    if parent is None or len(names) > 2:
        _fail(path, f"category {value!r} is not an Apple Podcasts category; valid: "
                    + ", ".join(APPLE_CATEGORIES))
    if len(names) == 1:
        return parent
    subs = {c.lower(): c for c in APPLE_CATEGORIES[parent]}
    child = subs.get(names[1].lower())
    if child is None:
        valid = ", ".join(f"{parent}/{c}" for c in APPLE_CATEGORIES[parent]) or f"none: use {parent}"
        _fail(path, f"category {value!r}: {names[1]!r} is not a subcategory of {parent}; valid: {valid}")
    return f"{parent}/{child}"


def complete(cfg: dict) -> dict:
    """The derived values: a trailing slash on base_url, link and owner_name defaults."""
    if not cfg["base_url"].endswith("/"):
        cfg["base_url"] += "/"
    cfg["link"] = cfg["link"] or cfg["base_url"]
    cfg["owner_name"] = cfg["owner_name"] or cfg["author"]
    return cfg


def write_template(folder: str | os.PathLike = ".") -> Path:
    """`init`: a commented podcast.yaml in `folder`; an existing one is never overwritten."""
    path = Path(folder) / CONFIG_NAME
    if path.exists():
        raise InputError(f"{path} already exists", "edit it, or remove it first to start afresh")
    return fsio.write_text(path, TEMPLATE)
