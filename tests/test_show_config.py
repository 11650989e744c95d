"""One show config (pipeline.config.show), cover art (pipeline.publish.artwork) and the feed's
per-episode metadata; where models and caches go (pipeline.paths); the CLI's
init, --version and help."""

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml
from PIL import Image

from pipeline import paths
from pipeline.config import show as config
from pipeline.errors import InputError
from pipeline.publish import feed
from pipeline.publish.artwork import draw_cover, show_artwork
from pipeline.publish.cover import check_cover

from .conftest import seal
from .test_feed import CONFIG, NS, add_episode, edit_json, write_config

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# ------------------------------------------------------------------ finding podcast.yaml

def test_find_config_explicit_then_env_then_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    assert config.find_config() is None
    (tmp_path / "podcast.yaml").write_text("title: Here\n")
    assert config.find_config() == Path("podcast.yaml")
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "env.yaml"))
    assert config.find_config() == tmp_path / "env.yaml"
    assert config.find_config(tmp_path / "x.yaml") == tmp_path / "x.yaml"


def test_no_config_means_defaults_said_once(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    monkeypatch.setattr(config, "_noted", set())
    first, second = config.show_config(), config.show_config()
    assert first["title"] == config.DEFAULTS["title"] and first["link"] == first["base_url"]
    assert first == second
    assert caplog.text.count("no podcast.yaml") == 1


def test_template_gives_the_defaults(tmp_path):
    path = config.write_template(tmp_path)
    assert config.load_config(path) == config.complete(dict(config.DEFAULTS))
    assert path.read_text().count("#") > 10                   # commented
    with pytest.raises(InputError) as err:
        config.write_template(tmp_path)
    assert "already exists" in err.value.cause


@pytest.mark.parametrize("given, spelt", [("technology", "Technology"),
                                          ("news/tech news", "News/Tech News"),
                                          ("Arts / Food", "Arts/Food")])
def test_category_spelt_as_apple_spells_it(tmp_path, given, spelt):
    (tmp_path / "p.yaml").write_text(f"category: {given}\n")
    assert config.load_config(tmp_path / "p.yaml")["category"] == spelt


@pytest.mark.parametrize("given, listed", [("Tech", "Technology"), ("News/Gadgets", "News/Tech News"),
                                           ("Technology/AI", "none: use Technology")])
def test_unknown_category_lists_the_valid_ones(tmp_path, given, listed):
    (tmp_path / "p.yaml").write_text(f"category: {given}\n")
    with pytest.raises(InputError) as err:
        config.load_config(tmp_path / "p.yaml")
    assert listed in err.value.cause


# ------------------------------------------------------------------ one title everywhere

def test_show_title_agrees_in_tags_notes_and_feed(tmp_path, mp3, monkeypatch):
    """The three readers of the show title, given no path, find the same podcast.yaml."""
    from pipeline.audio.tags import episode_tags
    from pipeline.publish.shownotes import shownotes_html
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    (tmp_path / "podcast.yaml").write_text("title: Heard Here\n")
    ep = add_episode(tmp_path / "episodes", "ep", mp3)
    script = yaml.safe_load((ep / "script.yaml").read_text())
    assert episode_tags(script, ep)["show"] == "Heard Here"
    assert "<p>Heard Here</p>" in shownotes_html(ep).read_text()
    out = feed.write_feed(tmp_path / "episodes")
    assert feedparser.parse(str(out)).feed.title == "Heard Here"
    assert "<p>Heard Here</p>" in (ep / "shownotes.html").read_text()


# ------------------------------------------------------------------ cover art

def test_drawn_cover_is_a_valid_apple_cover(tmp_path):
    for title in ("Numbers, Heard", "Vélo : 12 % de trajets en plus " * 6, "x" * 300):
        data = draw_cover(title)
        (tmp_path / "a.jpg").write_bytes(data)
        cover = check_cover(tmp_path / "a.jpg")
        assert (cover.mime, cover.width, cover.height) == ("image/jpeg", 1400, 1400)
        image = Image.open(io.BytesIO(data))
        assert image.mode == "RGB" and image.convert("L").getextrema()[1] > 240    # white text drawn
    assert draw_cover("A") != draw_cover("B")


def test_feed_without_artwork_draws_one_and_links_it(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "ep", mp3)
    cfg_path = write_config(tmp_path / "p.yaml", artwork=None)
    out = feed.write_feed(episodes, cfg_path)
    art = episodes / "artwork.jpg"
    assert check_cover(art).width == 1400
    url = feed.load_config(cfg_path)["base_url"] + "artwork.jpg"
    d = feedparser.parse(str(out))
    assert d.feed.image.href == url and d.entries[0].image.href == url
    mtime = art.stat().st_mtime_ns
    feed.write_feed(episodes, cfg_path)
    assert art.stat().st_mtime_ns == mtime                    # same title: not rewritten


def test_user_artwork_is_checked_then_copied(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "ep", mp3)
    Image.new("RGB", (1500, 1500), (10, 200, 30)).save(tmp_path / "cover.png")
    cfg_path = write_config(tmp_path / "p.yaml", artwork="cover.png")     # relative to p.yaml
    out = feed.write_feed(episodes, cfg_path)
    assert (episodes / "artwork.png").read_bytes() == (tmp_path / "cover.png").read_bytes()
    assert feedparser.parse(str(out)).feed.image.href.endswith("/artwork.png")
    Image.new("RGB", (1500, 1200)).save(tmp_path / "cover.png")
    with pytest.raises(InputError) as err:
        feed.write_feed(episodes, cfg_path)
    assert "1500x1200" in err.value.cause


def test_artwork_url_is_used_as_given(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    add_episode(episodes, "ep", mp3)
    out = feed.write_feed(episodes, write_config(tmp_path / "p.yaml"))
    assert feedparser.parse(str(out)).feed.image.href == CONFIG["artwork"]
    assert not (episodes / "artwork.jpg").exists()


# ------------------------------------------------------------------ per-episode metadata

def test_episode_number_season_image_and_notes(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    ep = add_episode(episodes, "ep", mp3)
    post = tmp_path / "posts" / "cycling.md"
    post.parent.mkdir()
    post.write_text("# x\n")
    Image.new("RGB", (1400, 1400), (200, 0, 0)).save(tmp_path / "posts" / "ep-cover.jpg")
    post.with_suffix(".yaml").write_text("episode_number: 7\nseason: 2\ncover: ep-cover.jpg\n")
    edit_json(ep / "post.json", lambda p: p.update(source=str(post)))
    seal(ep)
    out = feed.write_feed(episodes, write_config(tmp_path / "p.yaml"))
    item = ET.parse(out).getroot().find("channel/item")
    assert item.findtext("itunes:episode", namespaces=NS) == "7"
    assert item.findtext("itunes:season", namespaces=NS) == "2"
    assert item.find("itunes:image", NS).get("href") == "https://cdn.example.com/show/ep/cover.jpg"
    assert (ep / "cover.jpg").is_file()
    notes = item.findtext(f"{{{feed.CONTENT}}}encoded")
    script = yaml.safe_load((ep / "script.yaml").read_text())
    assert notes.startswith("<p>") and "<ol><li><strong>" in notes
    assert script["points"][0]["title"].split()[0] in notes
    entry = feedparser.parse(str(out)).entries[0]
    assert entry.content[0].value == notes and entry.itunes_episode == "7"


def test_hostile_show_notes_stay_text(tmp_path, mp3):
    episodes = tmp_path / "episodes"
    ep = add_episode(episodes, "ep", mp3)
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script["points"][0]["title"] = "<script>alert(1)</script>]]>"
    (ep / "script.yaml").write_text(yaml.safe_dump(script))
    edit_json(ep / "post.json", lambda p: p.update(sources=[{"title": "x", "url": "javascript:alert(1)"}]))
    seal(ep)
    out = feed.write_feed(episodes, write_config(tmp_path / "p.yaml"))
    notes = ET.parse(out).getroot().find(f"channel/item/{{{feed.CONTENT}}}encoded").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;" in notes and "<script>" not in notes
    assert "javascript:" not in notes and "<li>x</li>" in notes


def test_descriptions_fit_apple_4000_bytes_at_a_word(tmp_path, mp3):
    text = "élan " * 1200                                        # 6 bytes a word: 7200 bytes
    cut = feed.within_bytes(text)
    assert len(cut.encode("utf-8")) <= 4000 and cut.endswith("élan…")
    assert feed.within_bytes("short") == "short"
    assert feed.within_bytes("x" * 5000).encode("utf-8").__len__() <= 4000   # one long word
    episodes = tmp_path / "episodes"
    ep = add_episode(episodes, "ep", mp3)
    script = yaml.safe_load((ep / "script.yaml").read_text())
    script["intro"] = text
    (ep / "script.yaml").write_text(yaml.safe_dump(script))
    seal(ep)
    out = feed.write_feed(episodes, write_config(tmp_path / "p.yaml", description=text))
    root = ET.parse(out).getroot()
    for path in ("channel/description", "channel/item/description"):
        assert len(root.findtext(path).encode("utf-8")) <= 4000, path


# ------------------------------------------------------------------ models and caches

def test_checkout_detection(tmp_path):
    pkg = tmp_path / "site-packages" / "pipeline"
    pkg.mkdir(parents=True)
    assert paths.checkout_root(pkg) is None
    (tmp_path / "site-packages" / "pyproject.toml").write_text("")
    assert paths.checkout_root(pkg) is None                  # a pyproject alone is not a checkout
    (tmp_path / "site-packages" / "Makefile").write_text("")
    assert paths.checkout_root(pkg) == tmp_path / "site-packages"
    assert paths.checkout_root() == ROOT


def test_installed_dirs_follow_the_user_folders_and_env(tmp_path):
    code = ("from pipeline import paths; print(paths.default_dirs(None)[0]); "
            "print(paths.default_dirs(None)[1]); print(paths.MODELS_DIR); print(paths.CACHE_DIR)")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PIPELINE_MODELS_DIR": str(tmp_path / "m"), "PIPELINE_CACHE_DIR": ""}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, **env})
    models, cache, models_dir, cache_dir = r.stdout.split()
    assert models == str(tmp_path / "data" / "podcast-pipeline" / "models")
    assert cache == str(tmp_path / "cache" / "podcast-pipeline")
    assert models_dir == str(tmp_path / "m") and cache_dir == str(ROOT / ".cache")


# ------------------------------------------------------------------ command line

def test_init_version_and_help(tmp_path):
    r = run_cli("init", cwd=tmp_path)
    assert r.returncode == 0 and config.load_config(tmp_path / "podcast.yaml")
    r = run_cli("init", cwd=tmp_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    r = run_cli("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == "python -m pipeline 0.1.0"


def test_every_option_has_help():
    from pipeline.cli import make_parser
    parser = make_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [(name, a.dest) for name, sub in commands.items() for a in sub._actions
               if not a.help]
    assert not missing


def test_feed_without_podcast_yaml_uses_defaults(tmp_path, mp3):
    add_episode(tmp_path / "episodes", "ep", mp3)
    r = run_cli("feed", cwd=tmp_path, env={config.CONFIG_ENV: ""})
    assert r.returncode == 0, r.stderr
    assert "no podcast.yaml" in r.stderr and r.stderr.count("note:") == 1
    d = feedparser.parse(str(tmp_path / "episodes" / "feed.xml"))
    assert d.feed.title == config.DEFAULTS["title"]
    assert (tmp_path / "episodes" / "artwork.jpg").is_file()


def test_missing_artwork_file_and_unserved_artwork_url(tmp_path, mp3, caplog):
    (tmp_path / "p.yaml").write_text("artwork: nowhere.png\n")
    with pytest.raises(InputError) as err:
        config.load_config(tmp_path / "p.yaml")
    assert "artwork file not found: nowhere.png" in err.value.cause
    episodes = tmp_path / "episodes"
    episodes.mkdir()
    cfg = config.show_config(write_config(tmp_path / "q.yaml", artwork=CONFIG["base_url"] + "/art.jpg"))
    assert show_artwork(cfg, episodes) == cfg["artwork"]
    assert "404" in caplog.text
    caplog.clear()
    (episodes / "art.jpg").write_bytes(draw_cover("x"))
    show_artwork(cfg, episodes)
    assert "404" not in caplog.text


def test_feed_notes_an_mp3_tagged_for_another_show(tmp_path, mp3, caplog):
    """The feed and show notes follow podcast.yaml at once; the MP3's ID3 album only
    after a rebuild. A renamed show must not pass silently: the feed says which
    episode still carries the old album, and still lists it (its verdict holds)."""
    from pipeline.audio.tags import read_tags, write_tags
    ep = add_episode(tmp_path / "episodes", "ep", mp3)
    write_tags(ep / "episode.mp3", {"title": "Ep", "show": "Old Name", "author": "A", "date": "",
                                   "language": "en", "description": "", "genre": "Podcast",
                                   "track": None})
    seal(ep)
    (tmp_path / "podcast.yaml").write_text("title: Old Name\n")
    feed.write_feed(tmp_path / "episodes", tmp_path / "podcast.yaml")
    assert "tagged for the show" not in caplog.text
    (tmp_path / "podcast.yaml").write_text("title: New Name\n")
    out = feed.write_feed(tmp_path / "episodes", tmp_path / "podcast.yaml")
    err = caplog.text
    assert "ep/episode.mp3 is tagged for the show 'Old Name', not 'New Name'" in err
    assert "rebuild it" in err
    assert feedparser.parse(str(out)).entries and read_tags(ep / "episode.mp3")["show"] == "Old Name"


@pytest.mark.parametrize("name", ["../outside.png", "/etc/passwd"])
def test_artwork_file_stays_inside_the_config_folder(tmp_path, name):
    """Like the files an episode's settings name: podcast.yaml's artwork is copied into
    the served episodes/ folder, so it may not reach outside podcast.yaml's folder."""
    show = tmp_path / "show"
    show.mkdir()
    Image.new("RGB", (1400, 1400), (10, 90, 200)).save(tmp_path / "outside.png")
    (show / "podcast.yaml").write_text(f"title: T\nartwork: {name}\n")
    with pytest.raises(InputError) as err:
        config.load_config(show / "podcast.yaml")
    assert "artwork points outside" in err.value.cause
