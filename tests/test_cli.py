"""The command line contract: exit codes and messages for bad input."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT


def run(*args, input=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, input=input,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("setup, expect", [
    (lambda d: d / "missing.md", "not found"),
    (lambda d: (d / "empty.md").write_text("") and d / "empty.md" or d / "empty.md", "empty"),
    (lambda d: (d / "bin.txt").write_bytes(b"\x00\x01\x02" * 100) and d / "bin.txt", "binary"),
    (lambda d: (d / "de.txt").write_text(
        "Die Zahl der Fahrräder ist in der Stadt gestiegen und es ist nicht klar, ob das "
        "auch für die anderen Städte gilt.") and d / "de.txt", "supported languages: en, fr"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, setup, expect):
    src = setup(tmp_path)
    r = run("build", str(src), "--out", str(tmp_path / "ep"), "--tts", "piper")
    assert r.returncode == 2, r.stderr
    assert expect in r.stderr and "fix:" in r.stderr
    assert not (tmp_path / "ep").exists()


NO_KEY_POINT = "Just words with no numbers at all in this post, about bikes and the city.\n"


def test_a_refused_post_leaves_no_folder_the_build_made(tmp_path):
    """Refused after ingest wrote post.json: the folders made for it go (parents too)."""
    src = tmp_path / "nonum.md"
    src.write_text(NO_KEY_POINT)
    r = run("build", str(src), "--out", str(tmp_path / "new" / "ep"), "--tts", "piper")
    assert r.returncode == 2 and "no sentence worth a key point" in r.stderr, r.stderr
    assert not (tmp_path / "new").exists()


def test_a_refused_post_leaves_a_folder_that_existed_as_it_was(tmp_path):
    src = tmp_path / "nonum.md"
    src.write_text(NO_KEY_POINT)
    ep = tmp_path / "ep"
    ep.mkdir()
    (ep / "notes.txt").write_text("mine")
    r = run("build", str(src), "--out", str(ep), "--tts", "piper")
    assert r.returncode == 2 and "no sentence worth a key point" in r.stderr, r.stderr
    assert sorted(p.name for p in ep.iterdir()) == ["notes.txt"]
    assert (ep / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("name", ["posts", "posts.md"])
def test_a_folder_given_as_the_post_is_said_to_be_one(tmp_path, name):
    """With or without a post's suffix: not "unsupported post type '(none)'"."""
    (tmp_path / name).mkdir()
    r = run("build", str(tmp_path / name), "--out", str(tmp_path / "ep"), "--tts", "piper")
    assert r.returncode == 2, r.stderr
    assert f"{tmp_path / name} is a folder, not a post" in r.stderr, r.stderr
    assert "pipeline batch" in r.stderr and "unsupported" not in r.stderr


def test_a_missing_post_without_a_suffix_is_not_found(tmp_path):
    r = run("build", str(tmp_path / "nowhere"), "--out", str(tmp_path / "ep"), "--tts", "piper")
    assert r.returncode == 2 and "post not found" in r.stderr and "unsupported" not in r.stderr


def test_non_utf8_binary_garbage_exits_2(tmp_path):
    src = tmp_path / "x.md"
    src.write_bytes(bytes(range(128, 256)) * 8)
    r = run("build", str(src), "--out", str(tmp_path / "ep"))
    assert r.returncode == 2 and "UTF-8" in r.stderr


@pytest.mark.parametrize("flag, valid", [("--tts", "espeak, gtts, kokoro, pico, piper"),
                                         ("--asr", "faster-whisper, whisper")])
def test_unknown_engine_lists_the_valid_ones(tmp_path, flag, valid):
    r = run("build", str(ROOT / "episodes" / "demo.md"), "--out", str(tmp_path / "ep"), flag, "nope")
    assert r.returncode == 2
    assert "unknown" in r.stderr and valid in r.stderr


def test_unsupported_lang_flag(tmp_path):
    r = run("build", str(ROOT / "episodes" / "demo.md"), "--out", str(tmp_path / "ep"), "--lang", "xx")
    assert r.returncode == 2 and "supported languages: en, fr" in r.stderr


def test_usage_error_exits_2():
    r = run("build")
    assert r.returncode == 2 and "usage" in r.stderr


def test_numbers_extract_is_light_and_json():
    code = ("import sys, json; from pipeline.cli import main; main(['numbers', 'extract', "
            "'--lang', 'en', 'It cost $49.2 billion in 2025.']); "
            "heavy = [m for m in ('torch', 'whisper', 'faster_whisper', 'piper') "
            "if m in sys.modules]; print(json.dumps(heavy), file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stderr.strip().splitlines()[-1]) == []
    found = json.loads(r.stdout)
    assert [(m["value"], m["kind"]) for m in found] == [("49200000000", "currency"), ("2025", "number")]


def test_unknown_whisper_model_fails_before_any_work(tmp_path):
    r = run("build", str(ROOT / "episodes" / "demo.md"), "--out", str(tmp_path / "ep"),
            "--tts", "espeak", "--asr-model", "large-v9")
    assert r.returncode == 2
    assert "not available offline" in r.stderr and "fix:" in r.stderr
    assert not (tmp_path / "ep").exists()


def test_setup_fails_when_kokoro_provisioning_fails(monkeypatch, capsys):
    """`pipeline setup` used to ignore Kokoro's exit code: a corrupt part still exited 0."""
    from pipeline import cli
    from pipeline.errors import SetupError
    from pipeline.provision import kokoro as kokoro_assets
    from pipeline.provision import whisper as models

    def broken(*a, **kw):
        raise SetupError("the Kokoro model assembled from part.bin is corrupt", "pip install --force-reinstall ...")
    monkeypatch.setattr(models, "provision", lambda *a, **kw: {"models_dir": "m", "actions": [], "seconds": 0.0})
    monkeypatch.setattr(kokoro_assets, "provision", broken)
    assert cli.main(["setup"]) == 2
    err = capsys.readouterr().err
    assert "whisper: m: nothing to do" in err
    assert "error: the Kokoro model assembled from part.bin is corrupt" in err and "fix:" in err


def test_kokoro_set_up_run_alone_reports_on_stderr():
    """make setup runs `python -m pipeline.provision.kokoro`: its line is a message (stderr), like the CLI's."""
    r = subprocess.run([sys.executable, "-m", "pipeline.provision.kokoro"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == ""
    assert r.stderr.startswith("kokoro: ") and r.stderr.count("\n") == 1


def test_the_ingest_and_condense_commands_say_what_pipeline_build_says(tmp_path):
    """make episode runs the stage commands: their lines carry the same facts as build's
    (language, words, lint flags; key points), not only a time."""
    src = tmp_path / "post.md"
    src.write_text("# Bikes\n\nThe city counted 1,200 bikes in 2024. Riders took 3 million trips.\n")
    r = run("ingest", str(src), "--out", str(tmp_path / "post.json"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "en, " in r.stderr and " words, " in r.stderr and "lint flag(s)" in r.stderr
    r = run("condense", str(tmp_path / "post.json"), "--out", str(tmp_path / "script.yaml"))
    assert r.returncode == 0 and " key point" in r.stderr, r.stderr


def test_a_one_sentence_post_is_said_in_the_singular(tmp_path):
    src = tmp_path / "one.md"
    src.write_text("The city counted 1,200 shared bikes across its twenty districts in the spring of 2024.\n")
    r = run("ingest", str(src), "--out", str(tmp_path / "post.json"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert ", 1 sentence, " in r.stderr, r.stderr
