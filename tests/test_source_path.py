"""Published files (post.json, script.yaml: both served) carry the post's name,
never its local path; the episode still finds the post's settings, from any
working directory."""

import subprocess
import sys

from pipeline import fsio
from pipeline.condense import condense
from pipeline.config.episode import for_episode as settings_for_episode

from .conftest import ROOT

POST = ("# Bikes\n\nThe city counted 4,200 bikes in 2024, up from 3,100 the year before. "
        "That is the largest rise in ten years, and the council wants more lanes.\n")


def test_no_local_path_in_published_files_and_settings_still_found(tmp_path, monkeypatch):
    blog = tmp_path / "home" / "me" / "blog"
    blog.mkdir(parents=True)
    (blog / "bikes.md").write_text(POST)
    (blog / "bikes.yaml").write_text("tts: espeak\ntarget_seconds: 42\n")
    ep = tmp_path / "site" / "bikes"
    r = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(blog / "bikes.md"),
                        "--out", str(ep / "post.json")], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    monkeypatch.chdir(tmp_path / "site")           # not where the post or the repo is
    script = condense(ep / "post.json", ep / "script.yaml")
    for name in ("post.json", "script.yaml"):
        text = (ep / name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "/home/me" not in text, name
    assert fsio.read_json(ep / "post.json")["source"] == "bikes.md"
    assert script["source"] == "bikes.md"
    settings = settings_for_episode(ep)
    assert settings.tts == "espeak" and settings.target_seconds == 42


def test_settings_follow_a_moved_site(tmp_path, monkeypatch):
    site = tmp_path / "a" / "episodes"
    site.mkdir(parents=True)
    (site / "bikes.md").write_text(POST)
    (site / "bikes.yaml").write_text("tts: espeak\n")
    from pipeline.ingest import ingest
    ingest(site / "bikes.md", site / "bikes" / "post.json")
    (tmp_path / "a").rename(tmp_path / "b")
    monkeypatch.chdir(tmp_path)
    assert settings_for_episode(tmp_path / "b" / "episodes" / "bikes").tts == "espeak"
