"""A post full of markup and quotes, built for real: it must come out as text
everywhere it lands (show notes HTML, feed XML, ID3 tags, captions)."""

import subprocess
import sys

import feedparser
import pytest
from mutagen.id3 import ID3

from pipeline.publish.feed import write_feed

from .conftest import ROOT

TITLE = 'Prices <script>alert(1)</script> & "quotes"'
# Plain text: every character is content, so the markup must show as text.
POST = f"""{TITLE}

Costs " onmouseover="alert(2)
Bread now costs 4 dollars, up 12% in 2024. <img src=x onerror=alert(3)> This is the price that was seen in the shops of the town.

Sources
- javascript:alert(4) <a href="javascript:alert(5)">evil</a>
- https://example.org/a?b=1&c=<2>
"""


@pytest.mark.slow
def test_hostile_post_is_escaped_everywhere(tmp_path):
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    src = episodes / "hostile.txt"
    src.write_text(POST)
    ep = episodes / "hostile"
    r = subprocess.run([sys.executable, "-m", "pipeline", "build", str(src), "--out", str(ep),
                        "--tts", "espeak", "--heal-rounds", "0", "--allow-unverified"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    page = (ep / "shownotes.html").read_text()
    for raw in ("<script>alert", "onmouseover=\"alert", "<img src=x", 'href="javascript:alert(5)',
                'href="javascript'):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    notes = (ep / "shownotes.md").read_text()
    assert "<script>" not in notes and "<img" not in notes and "](javascript" not in notes

    feed_path = write_feed(episodes, ROOT / "podcast.yaml")
    xml = feed_path.read_text()
    assert "<script>" not in xml
    parsed = feedparser.parse(str(feed_path))
    assert parsed.bozo == 0, parsed.bozo_exception
    assert parsed.entries[0].title == TITLE
    assert parsed.entries[0].enclosures[0].length == str((ep / "episode.mp3").stat().st_size)

    tags = ID3(ep / "episode.mp3")
    assert str(tags["TIT2"]) == TITLE        # ID3 is not markup: the title as written
    assert all(ch.isprintable() for ch in str(tags["TIT2"]))
