"""ID3v2.4 tags and chapters for episode.mp3 (mutagen).

    tags = episode_tags(script, episode_dir, settings)       # what to write
    write_tags(mp3, tags, chapters, cover="cover.jpg")         # writes in place

Sources: title and language from script.yaml; author and date from post.json
in the episode folder (when present); the show from settings.show, else the
`title` of podcast.yaml (pipeline.config.show.show_config), whose `author` is also the
fallback author; the description is the intro (else the first key point).

Text from posts is untrusted. ID3 is not markup, so nothing is escaped: every
value is made a str, control characters (and lone surrogates) are removed and
runs of whitespace collapsed, and it is capped in length.

Chapters: one CHAP frame per segment (element ids chp0, chp1, ... in time
order, start/end in ms, a TIT2 sub-frame with the title) and one top-level,
ordered CTOC listing them, which ffmpeg and podcast apps read back.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import cast

from ..config.show import ShowConfig, show_config
from ..contracts import Chapter, Script
from ..episode import Episode, as_episode
from ..text import sanitize
from .cover import check_cover

GENRE = "Podcast"
MAX_TEXT = 500           # a title, show or author
MAX_DESCRIPTION = 4000
# ISO 639-1 (script.yaml) -> ISO 639-2 (ID3 TLAN and COMM)
ISO639_2 = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "nl": "nld",
            "pt": "por", "ja": "jpn", "zh": "zho", "ru": "rus", "pl": "pol", "sv": "swe"}
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def clean(value, limit: int = MAX_TEXT) -> str:
    """Untrusted text -> a str fit for an ID3 text frame (possibly empty)."""
    if value is None:
        return ""
    text = sanitize(_CONTROL_RE.sub(" ", value if isinstance(value, str) else str(value)))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def language_code(lang: str) -> str:
    base = clean(lang).lower().split("-")[0]
    if len(base) == 3 and base.isalpha():
        return base
    return ISO639_2.get(base, "und")


def _post(episode_dir: Path | Episode) -> dict:
    """post.json through the episode, {} when there is none or it is unreadable (no tags from it)."""
    try:
        data = as_episode(episode_dir).post()
    except (OSError, ValueError):
        return {}
    return cast(dict, data) if isinstance(data, dict) else {}


def _show_config(config_path) -> ShowConfig:
    """pipeline.config.show's show settings: the same title the show notes and feed use."""
    return show_config(config_path)   # a broken podcast.yaml is an error worth fixing: InputError


def episode_tags(script: Script, episode_dir: Path | Episode, settings=None,
                 config_path: Path | ShowConfig | None = None) -> dict:
    """The tag values of an episode, cleaned: title, show, author, date, language,
    description, genre, track (episode number or None)."""
    post = _post(episode_dir)
    needs_config = not (settings and settings.show) or not post.get("author")
    config = _show_config(config_path) if needs_config else None
    show = (settings.show if settings and settings.show else None) or (config.title if config else None)
    description = script.get("intro") or next(
        (p.get("text") for p in script.get("points") or [] if isinstance(p, dict)), "")
    date = clean(post.get("date"))
    number = getattr(settings, "episode_number", None) if settings else None
    return {
        "title": clean(script.get("title") or post.get("title")),
        "show": clean(show),
        "author": clean(post.get("author") or (config.author if config else None)),
        "date": date if _DATE_RE.match(date) else "",
        "language": language_code(str(script.get("language") or "")),
        "description": clean(description, MAX_DESCRIPTION),
        "genre": GENRE,
        "track": number if isinstance(number, int) and not isinstance(number, bool) else None,
    }


def _cover_frame(cover: str | os.PathLike):
    from mutagen.id3 import APIC, PictureType

    path = Path(cover)
    mime = check_cover(path).mime
    return APIC(encoding=3, mime=mime, type=PictureType.COVER_FRONT, desc="Cover",
                data=path.read_bytes())


def id3_chapters(chapters: list[dict]) -> list[Chapter]:
    """CHAP frame values (ids chp0, chp1, ..., milliseconds) of the episode's chapters,
    as pipeline.audio.chapters.chapter_list computes them for chapters.json too."""
    return [{"id": f"chp{i}", "title": clean(c["title"]) or f"Chapter {i + 1}",
             "start_ms": round(c["start"] * 1000), "end_ms": round(c["end"] * 1000)}
            for i, c in enumerate(chapters)]


def write_tags(mp3_path: str | os.PathLike, tags: dict, chapters: list[Chapter] | None = None,
               cover: str | os.PathLike | None = None) -> None:
    """Replace the ID3 tag of `mp3_path` (in place: call it on a temporary file)."""
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TPE2, TRCK, CTOCFlags

    tag = ID3()
    lang = tags.get("language") or "und"
    if tags.get("title"):
        tag.add(TIT2(encoding=3, text=[tags["title"]]))
    if tags.get("show"):
        tag.add(TALB(encoding=3, text=[tags["show"]]))
        tag.add(TPE2(encoding=3, text=[tags["show"]]))
    if tags.get("author"):
        tag.add(TPE1(encoding=3, text=[tags["author"]]))
    if tags.get("date"):
        tag.add(TDRC(encoding=3, text=[tags["date"]]))
    tag.add(TLAN(encoding=3, text=[lang]))
    if tags.get("description"):
        tag.add(COMM(encoding=3, lang=lang, desc="", text=[tags["description"]]))
    tag.add(TCON(encoding=3, text=[tags.get("genre") or GENRE]))
    if tags.get("track") is not None:
        tag.add(TRCK(encoding=3, text=[str(tags["track"])]))
    if cover:
        tag.add(_cover_frame(cover))
    chapters = sorted(chapters or [], key=lambda c: c["start_ms"])
    for c in chapters:
        tag.add(CHAP(element_id=c["id"], start_time=int(c["start_ms"]), end_time=int(c["end_ms"]),
                     start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                     sub_frames=[TIT2(encoding=3, text=[clean(c["title"])])]))
    if chapters:
        tag.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=[c["id"] for c in chapters],
                     sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
    tag.save(str(mp3_path), v2_version=4, padding=lambda info: 0)
    order_chapter_frames(mp3_path)


def _syncsafe(b: bytes | bytearray) -> int:
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def order_chapter_frames(mp3_path: str | os.PathLike) -> None:
    """Put the CHAP frames of an ID3v2.4 tag in time order, in place.

    mutagen writes frames sorted by size, and ffmpeg (like some players) lists
    chapters in the order of their frames, not by start time or CTOC. Only the
    CHAP frames trade places; the tag's size and every other byte stay put.
    """
    path = Path(mp3_path)
    with open(path, "r+b") as f:
        header = f.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] != 4 or header[5] & 0xC0:
            return    # no tag, another version, or unsynchronised/extended header: leave it
        body = bytearray(f.read(_syncsafe(header[6:10])))
        frames, pos = [], 0
        while pos + 10 <= len(body) and body[pos:pos + 4] != b"\0\0\0\0":
            size = 10 + _syncsafe(body[pos + 4:pos + 8])
            frames.append((pos, bytes(body[pos:pos + size])))
            pos += size
        chaps = [(p, d) for p, d in frames if d[:4] == b"CHAP"]

        def start_ms(frame: bytes) -> int:
            end_id = frame.index(b"\0", 10)
            return int.from_bytes(frame[end_id + 1:end_id + 5], "big")

        ordered = sorted((d for _, d in chaps), key=start_ms)
        if [d for _, d in chaps] == ordered:
            return
        # the CHAP frames are adjacent or not: rebuild the frame list with CHAPs
        # taking, in time order, the places the CHAP frames had
        it = iter(ordered)
        out = b"".join(next(it) if d[:4] == b"CHAP" else d for _, d in frames)
        body[:len(out)] = out
        f.seek(10)
        f.write(body)


def read_tags(mp3_path: str | os.PathLike) -> dict:
    """The main tags back as plain values (for tests and reports)."""
    from mutagen.id3 import ID3

    tag = ID3(str(mp3_path))

    def text(key):
        f = tag.get(key)
        return str(f.text[0]) if f is not None and f.text else None

    comm = tag.getall("COMM")
    chaps = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    return {
        "title": text("TIT2"), "show": text("TALB"), "album_artist": text("TPE2"),
        "author": text("TPE1"), "date": text("TDRC"), "language": text("TLAN"),
        "genre": text("TCON"), "description": str(comm[0].text[0]) if comm else None,
        "cover": bool(tag.getall("APIC")),
        "chapters": [{"id": c.element_id, "start_ms": c.start_time, "end_ms": c.end_time,
                      "title": str(c.sub_frames["TIT2"].text[0]) if "TIT2" in c.sub_frames else None}
                     for c in chaps],
        "toc": [list(t.child_element_ids) for t in tag.getall("CTOC")],
    }
