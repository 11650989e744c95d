"""A non-editable install used from an empty folder: `init`, then `build` and
`feed`, with caches in the user's cache folder (never in site-packages) and one
show title in the ID3 album, the show notes header and the feed."""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from .conftest import ROOT

POST = """# Small trip

## The journey
The ferry carried 1,250 passengers in 2024.

## The result
Sales rose by 12% compared with the year before.
"""


def install(tmp_path: Path) -> Path:
    """pip install (not editable, offline, no dependencies: they are this venv's) into a folder."""
    src, site = tmp_path / "src", tmp_path / "site"
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "--disable-pip-version-check", "--target", str(site),
                    str(src)], check=True, capture_output=True, timeout=300)
    return site


@pytest.mark.slow
def test_installed_outside_the_checkout(tmp_path):
    models = Path(os.environ.get("PIPELINE_MODELS_DIR") or ROOT / ".models")
    if not (models / "manifest.json").exists():
        pytest.skip("Whisper weights not provisioned (make setup)")
    site = install(tmp_path)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    env.update(PYTHONPATH=str(site), HOME=str(home), XDG_CACHE_HOME=str(home / "cache"),
               XDG_DATA_HOME=str(home / "data"), PIPELINE_MODELS_DIR=str(models))

    def cli(*args):
        r = subprocess.run([str(site / "bin" / "podcast-pipeline"), *args], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    where = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(site))                         # the installed copy, not ROOT
    assert "usage: podcast-pipeline " in cli("--help").stdout
    assert "usage: podcast-pipeline numbers " in cli("numbers", "--help").stdout
    cli("init")
    config = work / "podcast.yaml"
    config.write_text(config.read_text().replace("title: Podcast", "title: Trips, Counted"))
    (work / "post.md").write_text(POST)
    cli("build", "post.md", "--out", "episodes/trip", "--tts", "espeak")
    cli("feed")

    ep = work / "episodes" / "trip"
    header = re.search(r"<header>\s*<p>(.*?)</p>", (ep / "shownotes.html").read_text()).group(1)
    channel = ET.parse(work / "episodes" / "feed.xml").getroot().find("channel")
    assert str(ID3(ep / "episode.mp3")["TALB"]) == header == channel.findtext("title") == "Trips, Counted"
    assert (work / "episodes" / "artwork.jpg").is_file()
    cache = home / "cache" / "podcast-pipeline"
    assert any((cache / "tts").iterdir()) and any((cache / "transcripts").iterdir())
    leftovers = [p for p in site.rglob("*") if p.is_dir() and p.name in (".cache", ".models")]
    assert not leftovers and not (work / ".cache").exists()


@pytest.mark.slow   # pip installs the package
def test_installed_copy_has_the_page_templates(tmp_path):
    """The templates are package data: a non-editable install renders the pages by itself."""
    site = install(tmp_path)
    templates = site / "pipeline" / "publish" / "templates"
    assert sorted(p.name for p in templates.iterdir()) == sorted(
        p.name for p in (ROOT / "pipeline" / "publish" / "templates").iterdir())
    code = ("from pipeline.publish import pages; import sys; "
            "sys.stdout.write(str(pages.TEMPLATES) + '\\n' + pages.render('diff.html', title='<T>', diff=[]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)},
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith(str(site)) and "<h1>&lt;T&gt;</h1>" in out and "body.diff{" in out
