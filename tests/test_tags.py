"""ID3 tags and chapters of episode.mp3, read back with mutagen and ffmpeg."""

import json
import re
import struct
import subprocess
import zlib

import pytest
import yaml
from mutagen.id3 import ID3

from pipeline.audio.ffmpeg import ffmpeg_exe, run_ffmpeg
from pipeline.audio.tags import clean, id3_chapters, language_code, read_tags
from pipeline.config.episode import EpisodeSettings
from pipeline.errors import InputError
from pipeline.publish.chapters import chapter_list
from pipeline.synthesize import synthesize

TITLE = 'He said "hi" <script>alert(1)</script> & more'
SCRIPT = {
    "title": TITLE + "\x00\x07",
    "language": "en",
    "intro": "Welcome to a short episode.",
    "points": [
        {"title": 'A "quoted" <b>point</b> with a much longer title than the others', "text": "Trips rose 38% in 2024."},
        {"title": "Fleet", "text": "Electric bikes made up 64% of the fleet."},
        {"title": "Cost", "text": "A ride costs 2 euros."},
    ],
    "outro": "Thanks for listening.",
}


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    side = 1400                                  # the smallest cover podcast apps take
    raw = (b"\x00" + b"\xff\x00\x00" * side) * side
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def episode(tmp_path, isolated_cache):
    ep = tmp_path / "ep"
    ep.mkdir()
    (ep / "post.json").write_text(json.dumps({"title": "x", "author": "Maya\u0000 Ortiz\n",
                                              "date": "2025-09-12"}), encoding="utf-8")
    (tmp_path / "podcast.yaml").write_text("title: Numbers, Heard\nauthor: The Show\n", encoding="utf-8")
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump(SCRIPT, allow_unicode=True), encoding="utf-8")
    return script, ep, tmp_path / "podcast.yaml"


def test_clean_text():
    assert clean(TITLE) == TITLE                       # ID3 is not markup: nothing escaped
    assert clean("a\x00b\x1b[31mc\r\n d\u2028e") == "a b [31mc d e"
    assert clean(12) == "12" and clean(None) == ""
    assert clean("\ud800x") == "x"
    assert len(clean("y" * 10000)) <= 500
    assert language_code("en") == "eng" and language_code("fr") == "fra" and language_code("??") == "und"


def test_tags_read_back(episode, tmp_path):
    script, ep, config = episode
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes())
    tl = synthesize(script, ep, engine="espeak", config_path=config,
                    settings=EpisodeSettings(cover=str(cover), episode_number=7))
    mp3 = ep / "episode.mp3"
    t = read_tags(mp3)
    assert t["title"] == TITLE
    assert t["show"] == t["album_artist"] == "Numbers, Heard"
    assert t["author"] == "Maya Ortiz" and t["date"] == "2025-09-12"
    assert t["language"] == "eng" and t["genre"] == "Podcast"
    assert t["description"] == "Welcome to a short episode."
    assert t["cover"]
    tag = ID3(mp3)
    assert tag.version[:2] == (2, 4)
    apic = tag.getall("APIC")[0]
    assert apic.mime == "image/png" and apic.data == png_bytes() and apic.type == 3
    assert str(tag["TRCK"].text[0]) == "7"
    assert tl["tags"]["title"] == TITLE

    # chapters: one per segment, in time order, with the key points' titles
    titles = ["Intro"] + [p["title"] for p in SCRIPT["points"]] + ["Outro"]
    assert [c["title"] for c in t["chapters"]] == titles
    assert [c["id"] for c in t["chapters"]] == [f"chp{i}" for i in range(5)]
    assert t["toc"] == [[f"chp{i}" for i in range(5)]]
    toc = tag.getall("CTOC")[0]
    assert toc.flags & 0x01 and toc.flags & 0x02            # ordered, top-level
    for c, s in zip(t["chapters"][1:], tl["segments"][1:]):
        assert c["start_ms"] == round(s["start"] * 1000)
    assert t["chapters"][-1]["end_ms"] == round(tl["duration"] * 1000)

    # ffmpeg reads them back in the same order
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(mp3)], capture_output=True,
                         text=True).stderr
    starts = [float(m) for m in re.findall(r"Chapter #0:\d+: start (\d+\.\d+), end", err)]
    assert starts == sorted(starts) and len(starts) == 5
    for got, s in zip(starts[1:], tl["segments"][1:]):
        assert abs(got - s["start"]) < 0.002
    meta = run_ffmpeg(["-i", str(mp3), "-f", "ffmetadata", "-"], f"cannot read {mp3}").decode("utf-8")
    sections = meta.split("[CHAPTER]")[1:]
    got_titles = [re.search(r"^title=(.*)$", s, re.M).group(1) for s in sections]
    assert got_titles == titles
    got_starts = [int(re.search(r"^START=(\d+)$", s, re.M).group(1)) for s in sections]
    assert got_starts == sorted(got_starts)
    assert "title=" + TITLE in meta


def test_show_from_settings_and_author_fallback(episode):
    script, ep, config = episode
    (ep / "post.json").unlink()
    synthesize(script, ep, engine="espeak", config_path=config,
               settings=EpisodeSettings(show="My \x1fShow"))
    t = read_tags(ep / "episode.mp3")
    assert t["show"] == "My Show" and t["author"] == "The Show" and t["date"] is None
    assert not t["cover"]


def test_bad_cover_is_an_input_error(episode, tmp_path):
    script, ep, config = episode
    bogus = tmp_path / "cover.jpg"
    bogus.write_text("<html>not an image</html>")
    with pytest.raises(InputError) as exc:
        synthesize(script, ep, engine="espeak", config_path=config,
                   settings=EpisodeSettings(cover=str(bogus)))
    assert "JPEG" in str(exc.value)
    assert not (ep / "episode.mp3").exists()
    assert not [p for p in ep.iterdir() if p.name.startswith(".")]


def test_chapter_list_tiles_the_episode():
    """One chapter list (pipeline.publish.chapters) is the source of the ID3 CHAP frames."""
    timed = [{"id": "intro", "title": "Intro", "start": 3.0}, {"id": "point-1", "title": "A", "start": 5.6}]
    ch = chapter_list(timed, "en", 12.0)
    assert ch == [{"title": "Intro", "start": 0.0, "end": 5.6}, {"title": "A", "start": 5.6, "end": 12.0}]
    assert id3_chapters(ch) == [{"id": "chp0", "title": "Intro", "start_ms": 0, "end_ms": 5600},
                                {"id": "chp1", "title": "A", "start_ms": 5600, "end_ms": 12000}]
    assert [c["title"] for c in chapter_list(timed, "fr", 12.0)] == ["Introduction", "A"]
