"""The local server over loopback: listings show only what is served, ETag with
If-None-Match and If-Range (a resumed download never mixes two builds), and
Podcasting 2.0 media type and CORS for chapters and transcripts."""

import os
import re
import time

from pipeline import fsio

from . import test_publish
from .test_publish import raw_get

# test_publish's fixtures, used here too (assigned, so a test's argument may take the name)
episode, site = test_publish.episode, test_publish.site


def listing(port, path):
    resp, body = raw_get(port, path)
    assert resp.status == 200
    return set(re.findall(r'<a href="([^"]+)"', body.decode()))


def test_listings_hide_dotfiles_temps_and_symlinks_out(site):
    root, port = site
    ep = root / "sample"
    (ep / ".episode.mp3.abcd1234.mp3.tmp").write_bytes(b"half")
    (ep / ".tts").write_text("gtts")
    os.symlink(ep / "episode.mp3", ep / "inside.mp3")          # stays inside: listed
    top = listing(port, "/")
    assert "sample/" in top and "feed.xml" in top
    assert not any(n.startswith(".") or "link" in n for n in top), top
    inner = listing(port, "/sample/")
    assert "episode.mp3" in inner and "inside.mp3" in inner
    assert not any(n.startswith(".") or n.startswith("%2E") for n in inner), inner


def test_etag_and_if_none_match(site):
    root, port = site
    resp, body = raw_get(port, "/sample/episode.mp3")
    etag = resp.getheader("ETag")
    assert resp.status == 200 and etag and etag.startswith('"')
    resp, body = raw_get(port, "/sample/episode.mp3", {"If-None-Match": etag})
    assert resp.status == 304 and body == b"" and resp.getheader("ETag") == etag
    resp, body = raw_get(port, "/sample/episode.mp3", {"If-None-Match": '"other"'})
    assert resp.status == 200 and body == (root / "sample" / "episode.mp3").read_bytes()
    resp, _ = raw_get(port, "/sample/episode.mp3", {"Range": "bytes=0-9"})
    assert resp.status == 206 and resp.getheader("ETag") == etag


def test_resume_across_a_rebuild_gets_the_whole_new_file(site):
    root, port = site
    mp3 = root / "sample" / "episode.mp3"
    resp, first = raw_get(port, "/sample/episode.mp3", {"Range": "bytes=0-999"})
    old_etag, old_date = resp.getheader("ETag"), resp.getheader("Last-Modified")
    resp, part = raw_get(port, "/sample/episode.mp3",
                         {"Range": "bytes=1000-", "If-Range": old_etag})
    assert resp.status == 206 and first + part == mp3.read_bytes()

    new = mp3.read_bytes()[::-1]
    time.sleep(1.1)                       # a later second for Last-Modified too
    fsio.write_bytes(mp3, new)            # a rebuild replaces the file
    for validator in (old_etag, old_date):
        resp, body = raw_get(port, "/sample/episode.mp3",
                             {"Range": "bytes=1000-", "If-Range": validator})
        assert resp.status == 200 and body == new, validator
    resp, body = raw_get(port, "/sample/episode.mp3",
                         {"Range": "bytes=1000-", "If-Range": resp.getheader("ETag")})
    assert resp.status == 206 and body == new[1000:]


def test_chapters_type_and_cors(site):
    root, port = site
    resp, body = raw_get(port, "/sample/chapters.json")
    assert resp.getheader("Content-Type") == "application/json+chapters"
    for name in ("chapters.json", "captions.vtt", "captions.srt", "transcript.podcast.json"):
        resp, _ = raw_get(port, f"/sample/{name}")
        assert resp.status == 200 and resp.getheader("Access-Control-Allow-Origin") == "*", name
    resp, _ = raw_get(port, "/sample/shownotes.html")
    assert resp.getheader("Access-Control-Allow-Origin") is None
