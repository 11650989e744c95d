"""Per-episode settings: `episodes/<slug>.yaml` beside the post (the episode.yaml).

Every key is optional; unknown keys and wrong types are errors that say how
to fix them, so a typo never passes silently.
"""

import os
import typing
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import cast

import yaml

from .. import fsio
from ..audio.cover import check_cover
from ..audio.mastering import RANGES as MASTERING_RANGES
from ..contracts import Post
from ..errors import InputError, yaml_problem
from ..urls import is_url

if typing.TYPE_CHECKING:
    from ..episode import Episode

# `length:` / --minutes by name, in seconds; a number is minutes. target_seconds stays the precise form.
LENGTHS = {"short": 60.0, "default": 150.0, "long": 480.0}
MINUTES_RANGE = (0.5, 60.0)


def length_seconds(value: str | float | int) -> float:
    """A length as given by a person (short, default, long, or minutes such as 5 or "2.5") in seconds."""
    word = str(value).strip().lower()
    if word in LENGTHS:
        return LENGTHS[word]
    try:
        minutes = float(word)
    except ValueError:
        raise InputError(f"length {value!r} is neither a number of minutes nor a length name",
                         f"use a number of minutes or one of: {', '.join(LENGTHS)}") from None
    low, high = MINUTES_RANGE
    if not low <= minutes <= high:
        raise InputError(f"length {value!r} minutes is out of range", f"use {low:g} to {high:g} minutes")
    return minutes * 60


@dataclass
class EpisodeSettings:
    target_seconds: float = 150.0      # listening budget of the script
    length: str | float | None = None  # short / default / long or minutes; sets target_seconds
    tts: str | None = None             # engine; None = command line / make default
    rate: float = 1.0                  # speaking rate, 1.0 = the voice's own
    pause_ms: int = 600                # silence between segments
    bitrate: str = "64k"               # MP3 constant bitrate
    channels: int = 1                  # 1 = mono (podcast default), 2 = stereo
    loudness_lufs: float = -16.0       # integrated loudness target
    true_peak_db: float = -1.0         # ceiling, dBTP
    music_intro: str | None = None     # audio file played under/before the intro
    music_outro: str | None = None
    cover: str | None = None           # image file for the ID3 cover art
    piper_voice: dict | None = None    # {lang: path/to/voice.onnx}
    show: str | None = None            # show name for tags (default from podcast.yaml)
    episode_number: int | None = None  # also the feed's itunes:episode
    season: int | None = None          # the feed's itunes:season
    format: str | None = None          # narration | conversation; None = podcast.yaml's

    def to_dict(self) -> dict:
        return asdict(self)


def accepted_types(name: str) -> tuple[type, ...]:
    """The YAML value types a setting takes, read from its field's annotation (a float
    setting takes an int too; None, for an optional one, is checked apart)."""
    kind = next(f.type for f in fields(EpisodeSettings) if f.name == name)
    kinds = tuple(k for k in (typing.get_args(kind) or (kind,)) if k is not type(None))
    if float in kinds and int not in kinds:     # a YAML float setting takes an int too
        kinds = tuple(int if k is float else k for k in kinds) + (float,)
    return cast(tuple[type, ...], kinds)


def for_episode(ep_dir: "Path | Episode") -> EpisodeSettings:
    """The settings of the post an episode folder was built from (its post.json's source);
    an Episode's post.json as it read it."""
    from ..episode import as_episode

    ep = as_episode(ep_dir)
    post = ep.post_or_none()
    if post is None:
        return EpisodeSettings()
    return load_settings(source_of(ep.post_path, post))


# Numeric settings and the values that make sense (anything else is a typo); the
# mastering ones are pipeline.audio.mastering's, the one table synthesis checks too.
RANGES = {"target_seconds": (10, 3600, " seconds"), "rate": (0.5, 2.0, ""), **MASTERING_RANGES,
          "episode_number": (1, 100000, ""), "season": (1, 100000, "")}


def publish_source(post_json: Path, source: Path) -> str:
    """The post's name for post.json (which is served: no local path in it); where
    the post lives is kept in a dot-file beside post.json (never served), as a
    path relative to that folder so the episode folder can move with its post."""
    post_json, source = Path(post_json), Path(source)
    try:
        where = os.path.relpath(source.resolve(), post_json.parent.resolve())
    except ValueError:          # another drive: only an absolute path can say where
        where = str(source.resolve())
    fsio.write_text(locator_path(post_json), where + "\n")
    return source.name


def source_of(post_json: Path, post: Post) -> Path | None:
    """Where the post of this post.json lives (for its settings), if known."""
    post_json = Path(post_json)
    locator = locator_path(post_json)
    if locator.is_file():
        return post_json.parent / locator.read_text(encoding="utf-8").strip()
    source = post.get("source")            # folders built before the locator existed
    if not source or is_url(source):
        return None                        # a post fetched by URL has no settings file
    return Path(source)


def locator_path(post_json: Path) -> Path:
    return Path(post_json).with_name(f".{Path(post_json).name}.source")


def settings_path(source: Path) -> Path:
    source = Path(source)
    return source.with_suffix(".yaml")


def load_settings(source: Path | None) -> EpisodeSettings:
    """Settings for the post at `source` (defaults when it has no .yaml beside it)."""
    if source is None or not settings_path(source).exists():
        return EpisodeSettings()
    path = settings_path(source)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML ({yaml_problem(e)})",
                         "fix the line it names") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} must be a mapping of settings", "see README: Settings")
    known = {f.name for f in fields(EpisodeSettings)}
    for key, value in data.items():
        if key not in known:
            raise InputError(f"{path}: unknown setting {key!r}",
                             f"valid settings: {', '.join(sorted(known))}")
        if value is not None and not isinstance(value, accepted_types(key)) or isinstance(value, bool):
            raise InputError(f"{path}: {key} has the wrong type ({type(value).__name__})",
                             f"see README: Settings ({key})")
    if data.get("length") is not None:
        if "target_seconds" in data:
            raise InputError(f"{path}: both length and target_seconds are set",
                             "keep one: length (short, default, long or minutes) or target_seconds")
        data["target_seconds"] = length_seconds(data["length"])
    settings = EpisodeSettings(**data)
    if settings.format is not None:
        from .hosts import check_format
        check_format(settings.format, str(path))
    base = path.parent
    for key in ("music_intro", "music_outro", "cover"):
        value = getattr(settings, key)
        if value:
            setattr(settings, key, str(_inside(base, value, path, key)))
    if settings.cover:
        check_cover(settings.cover)        # refused now, not after the speech is made
    if settings.piper_voice:
        settings.piper_voice = {str(lang): str(_inside(base, str(voice), path, "piper_voice"))
                                for lang, voice in settings.piper_voice.items()}
    for key, (low, high, unit) in RANGES.items():
        value = getattr(settings, key)
        if value is not None and not low <= value <= high:
            raise InputError(f"{path}: {key} {value} is out of range", f"use {low} to {high}{unit}")
    return settings


def _inside(base: Path, value: str, path: Path, key: str) -> Path:
    """A file named in the settings must stay inside the folder of the settings file."""
    target = (base / value).resolve()
    if base.resolve() not in target.parents:
        raise InputError(f"{path}: {key} points outside {base}: {value}",
                         f"put the file inside {base} and name it relative to it")
    if not target.is_file():
        raise InputError(f"{path}: {key} file not found: {value}", "check the file name")
    return target
