"""The Makefile never hands a user-controlled name to a shell: hostile post
names are refused before any command runs (even under make -n, where the
$(shell ...) of the engine stamps would run), slugs are safe, a missing post is
said plainly, and an episode's settings file is a prerequisite of its script."""

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


@pytest.fixture
def repo(tmp_path):
    """The Makefile in a scratch folder with a demo post: nothing real is built."""
    for name in ("Makefile", "requirements.lock", "pyproject.toml", "podcast.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "demo.md").write_text("# Demo\n\nIn 2024 we rode 42 km.\n")
    return tmp_path


def make(repo: Path, *args: str):
    return subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=repo,
                          capture_output=True, text=True, timeout=60)


def created(repo: Path) -> list[str]:
    return sorted(p.name for p in repo.rglob("INJ*"))


@pytest.mark.parametrize("src", [
    "episodes/x`touch INJ`.md",
    "episodes/x$(touch INJ).md",
    "episodes/$(shell touch INJ).md",
    "episodes/x';touch INJ;'.md",
    'episodes/x";touch INJ;".md',
    "episodes/a b.md",
    "-n.md",
])
def test_hostile_src_is_refused_before_any_shell(repo, src):
    r = make(repo, "episode", f"SRC={src}")
    assert r.returncode != 0
    assert "cannot pass safely to a shell" in r.stderr and "rename the post" in r.stderr
    assert created(repo) == []
    assert sorted(p.name for p in (repo / "episodes").iterdir()) == ["demo.md"]


@pytest.mark.parametrize("var", ["TTS", "ASR", "ASR_MODEL", "EP", "POST_LANG", "HEAL_ROUNDS", "PORT"])
def test_other_variables_are_checked_too(repo, var):
    r = make(repo, "episode", "SRC=episodes/demo.md", f"{var}=x';touch INJ;'")
    assert r.returncode != 0 and f"{var}=" in r.stderr and "give a plain value" in r.stderr
    assert created(repo) == []


def test_make_all_hands_the_folder_to_the_cli_never_the_names(repo):
    """make all pastes no post name into shell text: `pipeline batch episodes` finds them."""
    for name in ("x`touch INJ1`.md", "$(shell touch INJ2).md", "y$(touch INJ3).txt", "sp ace.md"):
        (repo / "episodes" / name).write_text("# hostile\n\nIn 2024 we rode 42 km.\n")
    r = make(repo, "all")
    assert created(repo) == [], r.stderr
    assert "-m pipeline batch episodes" in r.stdout, r.stdout + r.stderr
    assert not any(n in r.stdout for n in ("INJ", "sp ace")), r.stdout


def test_slug_uses_a_safe_character_set(repo):
    (repo / "episodes" / "My_Post.v2.md").write_text("# Post\n\nIn 2024 we rode 42 km.\n")
    r = make(repo, "episode", "SRC=episodes/My_Post.v2.md")
    assert "--out 'episodes/my-post-v2/post.json'" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("name", [".md", ".hidden.md", "_x.md"])
def test_a_name_without_a_usable_slug_is_refused(repo, name):
    (repo / "episodes" / name).write_text("# x\n\nIn 2024 we rode 42 km.\n")
    r = make(repo, "episode", f"SRC=episodes/{name}")
    assert r.returncode != 0 and "no usable folder name" in r.stderr
    assert sorted(p.name for p in (repo / "episodes").iterdir()) == sorted(["demo.md", name])


def test_missing_post_is_said_plainly_and_nothing_is_created(repo):
    r = make(repo, "episode", "SRC=/typo.md")
    assert r.returncode != 0
    assert "post not found: SRC=/typo.md" in r.stderr and "No rule to make target" not in r.stderr
    assert not (repo / "episodes" / "typo").exists()


def test_script_depends_on_the_episode_settings(repo):
    (repo / "episodes" / "demo.yaml").write_text("rate: 1.1\n")
    r = subprocess.run(["make", "-pn", "episode", "SRC=episodes/demo.md"], cwd=repo,
                       capture_output=True, text=True, timeout=60)
    rules = [line for line in r.stdout.splitlines() if line.startswith("episodes/demo/script.yaml:")]
    assert rules and "episodes/demo.yaml" in rules[0].split(":", 1)[1], rules


def test_a_replaced_mp3_makes_episode_check_again(repo):
    """The .verified stamp must not outlive the files verify.json is bound to:
    an MP3 replaced after the build (no rule rebuilds it from anything) sends
    `make episode` back to `pipeline check`, which says stale, and rebuilds nothing."""
    import os
    ep = repo / "episodes" / "demo"
    ep.mkdir()
    make(repo, "episode", "SRC=episodes/demo.md", "TTS=piper")     # writes .tts/.asr/.minutes/.format once
    order = ["post.json", ".minutes", ".format", "script.yaml", ".tts", ".asr", "timeline.json", "episode.mp3",
             "transcript.json", "verify.json", "shownotes.md", ".verified"]
    for i, name in enumerate(order):
        (ep / name).touch()
        os.utime(ep / name, (1_000_000 + i, 1_000_000 + i))
    os.utime(repo / "episodes" / "demo.md", (999_000, 999_000))
    for name in ("podcast.yaml", "requirements.lock", "pyproject.toml"):
        os.utime(repo / name, (999_000, 999_000))
    current = make(repo, "episode", "SRC=episodes/demo.md", "TTS=piper")
    assert "pipeline check" not in current.stdout, current.stdout
    os.utime(ep / "episode.mp3", (1_000_100, 1_000_100))
    r = make(repo, "episode", "SRC=episodes/demo.md", "TTS=piper")
    assert "pipeline check 'episodes/demo'" in r.stdout, r.stdout
    assert "synthesize" not in r.stdout and "transcribe" not in r.stdout


def test_podcast_yaml_is_optional_and_found_as_the_cli_finds_it(repo):
    """README: podcast.yaml is optional (defaults) and $PIPELINE_CONFIG names another
    one. make must not stop at 'No rule to make target podcast.yaml', and `make feed`
    must not pin ./podcast.yaml over $PIPELINE_CONFIG (the episode's ID3 album would
    come from one file and the feed's title from another)."""
    import os
    (repo / "podcast.yaml").unlink()
    r = make(repo, "episode", "SRC=episodes/demo.md")
    assert "No rule to make target" not in r.stderr and "pipeline synthesize" in r.stdout, r.stderr
    r = make(repo, "feed")
    assert "pipeline feed" in r.stdout and "--config podcast.yaml" not in r.stdout
    (repo / "show.yaml").write_text("title: Other\n")
    r = subprocess.run(["make", "-pn", "episode", "SRC=episodes/demo.md"], cwd=repo, capture_output=True,
                       text=True, timeout=60, env={**os.environ, "PIPELINE_CONFIG": "show.yaml"})
    rules = [line for line in r.stdout.splitlines() if line.startswith("episodes/demo/timeline.json:")]
    assert rules and "show.yaml" in rules[0].split(":", 1)[1], rules


@pytest.mark.parametrize("var", ["FEED", "BATCH_OUT", "JOBS", "ENGINE"])
def test_batch_variables_are_taken_literally(repo, var):
    """FEED, BATCH_OUT, JOBS and ENGINE reach `pipeline batch` through the environment,
    but make expands an exported variable before the recipe runs: `$(shell ...)` in
    one of them ran, even though the shell only ever saw "$FEED"."""
    import os
    import time
    (repo / ".venv").mkdir()
    (repo / ".venv" / ".installed").touch()
    (repo / ".models").mkdir()
    time.sleep(0.01)
    (repo / ".models" / "manifest.json").touch()
    os.utime(repo / ".models" / "manifest.json", (time.time() + 5, time.time() + 5))
    values = {"FEED": "feed.xml"}
    values[var] = "$(shell touch INJ)"
    target = "blog" if "FEED" in values else "all"
    r = subprocess.run(["make", "--no-print-directory", target, "PY=/bin/echo",
                        *[f"{k}={v}" for k, v in values.items()]],
                       cwd=repo, capture_output=True, text=True, timeout=60)
    assert created(repo) == [], r.stdout + r.stderr
    assert "$(shell touch INJ)" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("var, target", [("ALLOW_UNVERIFIED", "verify"), ("BENCH_ARGS", "bench")])
def test_knobs_are_not_expanded_by_make(repo, var, target):
    """Even under make -n: $(if $(ALLOW_UNVERIFIED),...) used to run a $(shell ...) in it."""
    make(repo, target, f"{var}=$(shell touch INJ)")
    assert created(repo) == []


def test_a_dry_run_writes_nothing_and_a_new_folder_waits_for_its_post(repo):
    """make -n leaves no episode folder (the engine stamps are not written at parse
    time for a folder that does not exist); the stamps are rules ordered after the
    post is read, so a post that cannot be read leaves nothing behind."""
    r = make(repo, "episode", "SRC=episodes/demo.md", "TTS=espeak")
    assert not (repo / "episodes" / "demo").exists()
    lines = r.stdout.splitlines()
    ingest = next(i for i, line in enumerate(lines) if "pipeline ingest" in line)
    stamp = next(i for i, line in enumerate(lines) if "episodes/demo/.tts" in line)
    assert ingest < stamp and "espeak" in lines[stamp]


def test_a_changed_engine_is_remembered_in_an_existing_folder_but_not_under_dry_run(repo):
    ep = repo / "episodes" / "demo"
    ep.mkdir()
    (ep / ".tts").write_text("piper\n")
    make(repo, "episode", "SRC=episodes/demo.md", "TTS=espeak")           # -n: nothing written
    assert (ep / ".tts").read_text() == "piper\n"
    subprocess.run(["make", "--no-print-directory", "-q", "episode", "SRC=episodes/demo.md", "TTS=espeak"],
                   cwd=repo, capture_output=True, text=True, timeout=60)
    assert (ep / ".tts").read_text() == "espeak\n"


def test_format_reaches_condense_and_a_changed_format_rebuilds_the_script(repo):
    """FORMAT=conversation is passed to condense; the format is remembered like the engines."""
    r = make(repo, "episode", "SRC=episodes/demo.md", "FORMAT=conversation")
    assert "pipeline condense 'episodes/demo/post.json' --out 'episodes/demo/script.yaml' --format 'conversation'" \
        in r.stdout
    assert "--out episodes/demo-conversation --format conversation" in make(repo, "demo-conversation").stdout
    r = make(repo, "episode", "SRC=episodes/demo.md", "FORMAT=chat;touch INJ")
    assert r.returncode != 0 and not created(repo)
