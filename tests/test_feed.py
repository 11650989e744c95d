"""The podcast feed: RSS 2.0 + iTunes + Podcasting 2.0, checked against the files on disk."""

import email.utils
import json
import os
import shutil
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml

from pipeline.errors import InputError
from pipeline.publish import feed

from .conftest import seal

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "episode_sample"
NS = {"itunes": feed.ITUNES, "podcast": feed.PODCAST}
CONFIG = {
    "base_url": "https://cdn.example.com/show",
    "link": "https://example.com/",
    "title": "Numbers <Heard> & \"Checked\"",
    "description": "Every number, heard.",
    "author": "Ada & Co",
    "owner_email": "ada@example.com",
    "language": "en",
    "category": "News/Tech News",
    "artwork": "https://cdn.example.com/art.jpg",
    "explicit": False,
    "locked": True,
}



def write_config(path: Path, **changes) -> Path:
    path.write_text(yaml.safe_dump({**CONFIG, **changes}))
    return path


def edit_json(path: Path, fn) -> None:
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def add_episode(episodes: Path, slug: str, mp3: Path, date: str | None = "2025-09-12",
                title: str | None = None, verified: bool | None = None) -> Path:
    ep = episodes / slug
    shutil.copytree(SAMPLE, ep)
    shutil.copy(mp3, ep / "episode.mp3")
    edit_json(ep / "post.json", lambda p: p.update(date=date))
    if title is not None:
        script = yaml.safe_load((ep / "script.yaml").read_text())
        script["title"] = title
        (ep / "script.yaml").write_text(yaml.safe_dump(script))
    if verified is not None:
        edit_json(ep / "verify.json", lambda r: r.update(verified=verified))
    return seal(ep)


@pytest.fixture
def show(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    add_episode(episodes, "older", mp3, date="2025-01-05")
    add_episode(episodes, "newer", mp3, date="2025-09-12", title="Newer one")
    undated = add_episode(episodes, "undated", mp3, date=None)
    os.utime(undated / "episode.mp3", (1_700_000_000, 1_700_000_000))       # 2023-11-14
    half = add_episode(episodes, "half-built", mp3)
    (half / "verify.json").unlink()                                          # not built: left out
    (episodes / "demo.md").write_text("# a post source, not an episode\n")
    return episodes, write_config(tmp_path / "podcast.yaml")


def test_feed_matches_files_on_disk(show):
    episodes, config = show
    out = feed.write_feed(episodes, config, episodes / "feed.xml")
    assert out == episodes / "feed.xml"
    d = feedparser.parse(str(out))
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.version == "rss20"
    # channel
    assert d.feed.title == CONFIG["title"]
    assert d.feed.link == CONFIG["link"]
    assert d.feed.subtitle == CONFIG["description"]
    assert d.feed.language == "en"
    assert d.feed.author == CONFIG["author"]
    assert d.feed.image.href == CONFIG["artwork"]
    assert [t.term for t in d.feed.tags] == ["News", "Tech News"]
    assert d.feed.itunes_explicit in (False, None)     # feedparser maps "false" to None
    guid = str(uuid.uuid5(feed.PODCAST_GUID_NS, "cdn.example.com/show/feed.xml"))
    assert d.feed.podcast_guid == guid
    assert d.feed.podcast_locked == {"owner": "ada@example.com"}
    # items: only the built episodes, newest first
    slugs = [e.link.split("/")[-2] for e in d.entries]
    assert slugs == ["newer", "older", "undated"]
    for entry, slug in zip(d.entries, slugs):
        ep = episodes / slug
        script = yaml.safe_load((ep / "script.yaml").read_text())
        timeline = json.loads((ep / "timeline.json").read_text())
        assert entry.title == script["title"]
        assert script["points"][0]["text"] in entry.description
        enc = [link for link in entry.links if link.rel == "enclosure"]
        assert len(enc) == 1
        assert enc[0].href == f"https://cdn.example.com/show/{slug}/episode.mp3"
        assert int(enc[0].length) == os.path.getsize(ep / "episode.mp3")
        assert enc[0].type == "audio/mpeg"
        assert entry.id == str(uuid.uuid5(uuid.UUID(guid), slug)) and entry.guidislink is False
        assert entry.itunes_duration == str(round(timeline["duration"]))
        assert entry.podcast_chapters == {"url": f"https://cdn.example.com/show/{slug}/chapters.json",
                                          "type": "application/json+chapters"}
        # every file the feed links to exists in the episode folder
        for name in ("captions.vtt", "captions.srt", "transcript.podcast.json", "chapters.json",
                     "shownotes.html"):
            assert (ep / name).is_file(), name
    # pubDate: the post date, else the mp3's modification time
    dates = [email.utils.parsedate_to_datetime(e.published) for e in d.entries]
    assert [x.strftime("%Y-%m-%d") for x in dates] == ["2025-09-12", "2025-01-05", "2023-11-14"]
    assert dates[2].timestamp() == 1_700_000_000


def test_transcript_and_chapter_elements(show):
    """feedparser keeps one podcast:transcript per item, so read them with ElementTree."""
    episodes, config = show
    root = ET.parse(feed.write_feed(episodes, config, episodes / "feed.xml")).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    for item in root.iter("item"):
        slug = item.find("link").text.split("/")[-2]
        base = f"https://cdn.example.com/show/{slug}/"
        got = {(t.get("url"), t.get("type")) for t in item.findall("podcast:transcript", NS)}
        assert (base + "captions.vtt", "text/vtt") in got
        assert (base + "transcript.podcast.json", "application/json") in got
        chapters = item.findall("podcast:chapters", NS)
        assert [(c.get("url"), c.get("type")) for c in chapters] == [
            (base + "chapters.json", "application/json+chapters")]
        assert item.find("guid").get("isPermaLink") == "false"
    channel = root.find("channel")
    assert channel.find("itunes:explicit", NS).text == "false"
    assert channel.find("podcast:locked", NS).text == "yes"
    assert channel.find("itunes:owner/itunes:email", NS).text == "ada@example.com"


def test_channel_guid_matches_the_spec_example(monkeypatch):
    # Podcasting 2.0 spec, podcast:guid: "mp3s.nashownotes.com/pc20rss.xml" -> 917393e3-...
    monkeypatch.setattr(feed, "FEED_NAME", "pc20rss.xml")
    cfg = feed.ShowConfig(base_url="https://mp3s.nashownotes.com/", guid=None)
    assert feed.channel_guid(cfg) == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    monkeypatch.undo()
    assert feed.channel_guid(feed.ShowConfig(base_url="http://a.example/", guid=None)) == \
        str(uuid.uuid5(feed.PODCAST_GUID_NS, "a.example/feed.xml"))


def test_guid_is_stable_across_writes_and_rebuilds(show, mp3):
    episodes, config = show
    guids = lambda: {e.link: e.id for e in feedparser.parse(  # noqa: E731
        str(feed.write_feed(episodes, config, episodes / "feed.xml"))).entries}
    first = guids()
    assert first == guids()
    shutil.rmtree(episodes / "older")                      # make clean + rebuild
    add_episode(episodes, "older", mp3, date="2025-01-05")
    assert guids() == first
    assert len(set(first.values())) == len(first)


def test_pinned_guid_survives_a_move_of_base_url(show):
    episodes, config = show
    pinned = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    write_config(config, guid=pinned)
    before = feedparser.parse(str(feed.write_feed(episodes, config, episodes / "feed.xml")))
    write_config(config, guid=pinned, base_url="https://elsewhere.example.org/")
    after = feedparser.parse(str(feed.write_feed(episodes, config, episodes / "feed.xml")))
    assert after.feed.podcast_guid == before.feed.podcast_guid == pinned
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert after.entries[0].enclosures[0].href.startswith("https://elsewhere.example.org/")


def test_malicious_title_is_escaped(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    evil = '<script>alert(1)</script> & " onmouseover="x ]]> \x0bbell\x07'
    add_episode(episodes, "evil", mp3, title=evil)
    config = write_config(tmp_path / "podcast.yaml", title='Show <b>&</b> "x"')
    out = feed.write_feed(episodes, config, episodes / "feed.xml")
    raw = out.read_text(encoding="utf-8")
    assert "<script>" not in raw and "<b>" not in raw
    assert "&lt;script&gt;" in raw
    d = feedparser.parse(str(out))
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.entries[0].title == '<script>alert(1)</script> & " onmouseover="x ]]> bell'
    assert d.feed.title == 'Show <b>&</b> "x"'


def test_slug_is_quoted_in_urls(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "vélo & co #1", mp3)
    out = feed.write_feed(episodes, write_config(tmp_path / "podcast.yaml"), episodes / "feed.xml")
    d = feedparser.parse(str(out))
    assert d.bozo == 0
    assert d.entries[0].enclosures[0].href == \
        "https://cdn.example.com/show/v%C3%A9lo%20%26%20co%20%231/episode.mp3"


def test_duration_falls_back_to_the_mp3(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    ep = add_episode(episodes, "ep", mp3)
    edit_json(ep / "timeline.json", lambda t: t.pop("duration"))
    seal(ep)
    d = feedparser.parse(str(feed.write_feed(episodes, write_config(tmp_path / "p.yaml"),
                                             episodes / "feed.xml")))
    assert d.entries[0].itunes_duration == "3"


def test_require_verified_leaves_unverified_episodes_out(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "good", mp3, verified=True)
    add_episode(episodes, "bad", mp3, verified=False)
    config = write_config(tmp_path / "p.yaml", require_verified=True)
    d = feedparser.parse(str(feed.write_feed(episodes, config, episodes / "feed.xml")))
    assert [e.link.split("/")[-2] for e in d.entries] == ["good"]


def test_empty_show_is_a_valid_feed(tmp_path):
    (tmp_path / "episodes").mkdir()
    out = feed.write_feed(tmp_path / "episodes", write_config(tmp_path / "p.yaml"),
                          tmp_path / "episodes" / "feed.xml")
    d = feedparser.parse(str(out))
    assert d.bozo == 0 and d.entries == [] and d.feed.title == CONFIG["title"]


def test_default_out_path_and_no_temp_files(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "ep", mp3)
    out = feed.write_feed(episodes, write_config(tmp_path / "p.yaml"))
    assert out == episodes / "feed.xml"
    assert not [p for p in episodes.rglob(".*") if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ podcast.yaml

def test_repository_podcast_yaml_is_valid():
    cfg = feed.load_config(ROOT / "podcast.yaml")
    assert cfg.base_url.endswith("/") and cfg.title and cfg.language in ("en", "fr")


def test_missing_keys_get_defaults(tmp_path):
    (tmp_path / "p.yaml").write_text("title: Only a title\n")
    cfg = feed.load_config(tmp_path / "p.yaml")
    assert cfg.title == "Only a title"
    assert cfg.base_url == feed.DEFAULTS["base_url"]
    assert cfg.link == cfg.base_url and cfg.owner_name == cfg.author
    assert cfg.explicit is False and cfg.language == "en"
    (tmp_path / "empty.yaml").write_text("")
    assert feed.load_config(tmp_path / "empty.yaml").title == feed.DEFAULTS["title"]


def test_base_url_gets_a_trailing_slash_and_yes_no_booleans(tmp_path):
    (tmp_path / "p.yaml").write_text("base_url: https://a.example/pod\nexplicit: 'yes'\nlocked: 'no'\n")
    cfg = feed.load_config(tmp_path / "p.yaml")
    assert cfg.base_url == "https://a.example/pod/"
    assert cfg.explicit is True and cfg.locked is False


@pytest.mark.parametrize("content, words", [
    ("title: [unclosed\n", "not valid YAML"),
    ("- a\n- list\n", "mapping"),
    ("titel: typo\n", "unknown key"),
    ("explicit: maybe\n", "explicit must be true or false"),
    ("title: {a: 1}\n", "title must be text"),
    ("base_url: javascript:alert(1)\n", "base_url must be an http(s) URL"),
    ("artwork: ftp://x/y.jpg\n", "artwork must be an http(s) URL"),
    ("owner_email: nobody\n", "owner_email"),
    ("language: english please\n", "language"),
    ("guid: not-a-uuid\n", "guid must be a UUID"),
])
def test_bad_config_is_an_input_error_with_a_fix(tmp_path, content, words):
    (tmp_path / "p.yaml").write_text(content)
    with pytest.raises(InputError) as err:
        feed.load_config(tmp_path / "p.yaml")
    assert words in err.value.cause
    assert err.value.fix


def test_missing_config_file_or_episodes_folder(tmp_path):
    with pytest.raises(InputError):
        feed.write_feed(tmp_path, tmp_path / "nope.yaml", tmp_path / "feed.xml")
    with pytest.raises(InputError):
        feed.write_feed(tmp_path / "nope", write_config(tmp_path / "p.yaml"), tmp_path / "feed.xml")
    assert not (tmp_path / "feed.xml").exists()
