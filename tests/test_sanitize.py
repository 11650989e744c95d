"""Control and bidi characters never reach an output: pages, feed, ID3, show
notes, chapters, captions, the terminal. One sanitizer (pipeline.text.sanitize)
is applied at each boundary, and first when a post is cleaned."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.audio import tags
from pipeline.ingest import ingest
from pipeline.publish import feed, package, shownotes
from pipeline.publish import terminal as report
from pipeline.publish.chapters import chapter_list
from pipeline.text import sanitize

from .conftest import ROOT, seal

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"
BAD = ["\x07", "\x1b", "\x00", "\x85", "\x9b", "\r", "\u202e", "\u202d", "\u2067", "\u2069",
       "\u200f", "\u061c", "\ud800", "\ufffe"]
HOSTILE = "Bikes\x07 \u202eup 12%\x1b[31m \u2067in Paris\x85"


def bad_in(text: str) -> list[str]:
    return [repr(c) for c in BAD if c in text]


def test_sanitize_strips_controls_and_bidi_but_keeps_text():
    assert sanitize(HOSTILE) == "Bikes up 12%[31m in Paris"
    assert sanitize("été 🚲\tà\nParis — «ok» עברית") == "été 🚲\tà\nParis — «ok» עברית"
    assert sanitize(None) == "" and sanitize(12) == "12"
    assert bad_in(sanitize("".join(BAD))) == []


def test_ingest_cleans_titles_and_sentences(tmp_path):
    src = tmp_path / "post.md"
    src.write_text(f"# {HOSTILE}\n\nThe city counted 4,200 bikes\x07 in 2024, "
                   "up \u202efrom 3,100 the year before, and it is the largest rise.\n")
    post = ingest(src, tmp_path / "post.json")
    assert post["title"].startswith("Bikes up 12%")
    assert bad_in(json.dumps(post, ensure_ascii=False)) == []


@pytest.fixture
def hostile_episode(tmp_path, mp3):
    ep = tmp_path / "episodes" / "sample"
    shutil.copytree(SAMPLE, ep)
    shutil.copy(mp3, ep / "episode.mp3")
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script["title"] = HOSTILE
    script["intro"] = f"Hello {HOSTILE}"
    script["points"][0]["title"] = HOSTILE
    (ep / "script.yaml").write_text(yaml.safe_dump(script, allow_unicode=True))
    post = json.loads((ep / "post.json").read_text())
    post.update(title=HOSTILE, author="Ada\u202e Example\x07")
    post["sources"][0]["title"] = HOSTILE
    (ep / "post.json").write_text(json.dumps(post))
    rep = json.loads((ep / "verify.json").read_text())
    rep["numbers"][0]["text"] = HOSTILE
    (ep / "verify.json").write_text(json.dumps(rep))
    return seal(ep)


def test_pages_feed_notes_and_chapters_carry_none(hostile_episode, tmp_path):
    ep = hostile_episode
    shownotes.publish_episode(ep)
    package.package(ep)
    config = tmp_path / "podcast.yaml"
    config.write_text("title: \"Show\\a \\u202ename\"\nbase_url: https://example.org/p/\n")
    feed.write_feed(ep.parent, config, ep.parent / "feed.xml")
    for name in ("shownotes.html", "shownotes.md", "chapters.json", "../feed.xml"):
        text = (ep / name).read_text(encoding="utf-8")
        assert bad_in(text) == [], name
        assert "Bikes up 12%" in text or name == "chapters.json", name


def test_id3_tags_carry_none(hostile_episode):
    ep = hostile_episode
    script = yaml.safe_load((ep / "script.yaml").read_text())
    values = tags.episode_tags(script, ep)
    mp3 = ep / "episode.mp3"
    tags.write_tags(mp3, values, chapters=tags.id3_chapters(
        chapter_list([{"id": "point-1", "title": HOSTILE, "start": 0}], "en", 2.0)))
    read = tags.read_tags(mp3)
    assert read["title"].startswith("Bikes up 12%")
    assert bad_in(json.dumps(read, ensure_ascii=False)) == []


def test_terminal_output_carries_none(hostile_episode, capsys):
    report.print_report(json.loads((hostile_episode / "verify.json").read_text()))
    assert bad_in(capsys.readouterr().out) == []


def test_error_messages_carry_none(tmp_path):
    name = tmp_path / "a\x07\u202eb.md"
    r = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(name), "--out",
                        str(tmp_path / "p.json")], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "post not found" in r.stderr
    assert bad_in(r.stderr) == []
