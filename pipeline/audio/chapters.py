"""The episode's chapters (intro, one per key point, outro), computed once: written as
ID3 CHAP frames by synthesize (pipeline.audio.tags) and as chapters.json by
pipeline.publish.chapters. It sits below both so synthesis does not import
publishing."""

from __future__ import annotations

from ..text import sanitize

# The intro and outro chapters by language (a key point's chapter is its title).
NAMES = {"intro": {"en": "Intro", "fr": "Introduction"},
         "outro": {"en": "Outro", "fr": "Conclusion"}}


def chapter_title(seg: dict, language: str) -> str:
    """A segment's chapter title: the intro and outro named in the episode's language."""
    return NAMES.get(seg["id"], {}).get(language) or seg["title"]


def first_of_chapters(timed: list[dict]) -> list[dict]:
    """One segment per chapter: a conversation's turns of one point (the same `chapter`)
    make one chapter, starting with its first turn."""
    out: list[dict] = []
    for seg in timed:
        if not (seg.get("chapter") and out and out[-1].get("chapter") == seg["chapter"]):
            out.append(seg)
    return out


def chapter_list(timed: list[dict], language: str, duration: float) -> list[dict]:
    """The episode's chapters, the one source of chapters.json and of the MP3's ID3 CHAP
    frames (pipeline.audio.tags.id3_chapters): {"title", "start", "end"} in seconds, in time
    order, one per segment of `timed` (dicts with id, title and start). They tile the
    episode: the first starts at 0 (before any intro music), each ends where the next
    starts, the last at `duration`."""
    starts = sorted(((max(0.0, float(seg["start"])), sanitize(chapter_title(seg, language)))
                     for seg in first_of_chapters(timed)), key=lambda pair: pair[0])
    if starts:
        starts[0] = (0.0, starts[0][1])      # players show a chapter from the very start
    ends = [start for start, _ in starts[1:]] + [float(duration)]
    return [{"title": title, "start": start, "end": max(start, end)}
            for (start, title), end in zip(starts, ends)]
