"""The length a person asks for: `length:` in the episode settings, `--minutes` on the command line."""

import pytest
import yaml

from pipeline import cli
from pipeline.config.episode import length_seconds, load_settings
from pipeline.errors import InputError
from pipeline.ingest import ingest

from .conftest import ROOT


@pytest.mark.parametrize("given, seconds", [("short", 60), ("default", 150), ("long", 480), ("Long", 480),
                                            (3, 180), ("2.5", 150), (8, 480)])
def test_a_length_is_a_name_or_minutes(given, seconds):
    assert length_seconds(given) == seconds


@pytest.mark.parametrize("given", ["forever", "0", "120", "-1", ""])
def test_a_length_that_means_nothing_is_refused_with_the_valid_ones(given):
    with pytest.raises(InputError) as e:
        length_seconds(given)
    assert "short" in e.value.fix or "minutes" in e.value.fix


def test_length_in_the_settings_sets_target_seconds(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("# T\n\nText.\n", encoding="utf-8")
    post.with_suffix(".yaml").write_text("length: long\n", encoding="utf-8")
    assert load_settings(post).target_seconds == 480
    post.with_suffix(".yaml").write_text("length: 4\n", encoding="utf-8")
    assert load_settings(post).target_seconds == 240
    post.with_suffix(".yaml").write_text(yaml.safe_dump({"length": 4, "target_seconds": 100}), encoding="utf-8")
    with pytest.raises(InputError, match="both length and target_seconds"):
        load_settings(post)


def test_minutes_on_the_command_line_sizes_the_script(tmp_path, capsys):
    ingest(ROOT / "tests" / "corpus" / "compiler-performance-survey-2025.md", tmp_path / "post.json")
    words = {}
    for minutes in ("short", "5"):
        out = tmp_path / f"script-{minutes}.yaml"
        assert cli.main(["condense", str(tmp_path / "post.json"), "--out", str(out), "--minutes", minutes]) == 0
        script = yaml.safe_load(out.read_text(encoding="utf-8"))
        words[minutes] = sum(len(p["text"].split()) for p in script["points"])
    assert words["short"] < 165 <= 3 * 165 < words["5"] <= 5 * 165, words
    with pytest.raises(SystemExit) as usage:
        cli.main(["condense", str(tmp_path / "post.json"), "--out", str(tmp_path / "x.yaml"), "--minutes", "forever"])
    assert usage.value.code == 2 and "short, default, long" in capsys.readouterr().err


def test_the_word_budget_follows_the_voice_that_will_read_it(tmp_path, isolated_cache):
    """At five minutes espeak's French (202 words a minute) gets a longer script than Pico's (171)."""
    from pipeline.condense import condense
    ingest(ROOT / "tests" / "corpus" / "etude-diagnostique-dgiit.fr.md", tmp_path / "post.json")
    words = {}
    for engine in ("pico", "espeak"):
        script = condense(tmp_path / "post.json", tmp_path / f"{engine}.yaml", target_seconds=300, engine=engine)
        words[engine] = sum(len(p["text"].split()) for p in script["points"])
    assert words["pico"] < words["espeak"], words
    assert words["espeak"] <= 300 / 60 * 202, words


def test_verify_records_the_length_asked_for_against_the_measured_one():
    from pipeline.publish.terminal import length_line
    from pipeline.verify import length_report
    rep = length_report({"target_seconds": 150.0, "points": []}, {"duration": 161.25})
    assert rep == {"target_seconds": 150.0, "measured_seconds": 161.2, "deviation_percent": 7.5,
                   "within_tolerance": False}
    assert length_line({"length": rep}) == "length: target 150 s, measured 161.2 s (+7.5 %, outside ±7 %)"
    assert length_report({"target_seconds": 60, "points": []}, {"duration": 57.0})["within_tolerance"]
    assert length_report({"points": []}, {"duration": 57.0}) is None     # a script from before targets
    assert length_line({}) == ""


def test_the_script_says_the_length_it_was_asked_for(tmp_path, isolated_cache):
    from pipeline.condense import condense
    ingest(ROOT / "tests" / "corpus" / "vite-8-1.md", tmp_path / "post.json")
    script = condense(tmp_path / "post.json", tmp_path / "s.yaml", target_seconds=300, engine="pico")
    assert script["target_seconds"] == 300.0


def test_show_notes_say_the_length_in_the_episodes_language():
    from pipeline.publish.notes import LABELS, summary_line
    report = {"counts": {"ok": 3}, "numbers": [{}] * 3, "survival": 1.0, "tts_engine": "pico",
              "asr_engine": "faster-whisper",
              "length": {"target_seconds": 60.0, "measured_seconds": 57.3, "deviation_percent": -4.5,
                         "within_tolerance": True}}
    assert summary_line(report, LABELS["fr"]).endswith(" Durée : 57.3 s pour 60 s demandées (-4.5 %).")
    assert summary_line(report, LABELS["en"]).endswith(" Length: 57.3 s for 60 s asked (-4.5 %).")
    assert "Length" not in summary_line({**report, "length": None}, LABELS["en"])


def test_a_post_with_less_to_say_than_asked_says_by_how_much(tmp_path, isolated_cache):
    from pipeline.build import condensed
    from pipeline.condense import condense
    ingest(ROOT / "tests" / "corpus" / "vite-4-3.md", tmp_path / "post.json")       # 356 words
    long = condense(tmp_path / "post.json", tmp_path / "long.yaml", target_seconds=480)
    assert long["short_of_seconds"] > 240
    assert condensed(long).endswith(f"less to say than the 480 s asked: about {long['short_of_seconds']} s short")
    short = condense(tmp_path / "post.json", tmp_path / "short.yaml", target_seconds=60)
    assert "short_of_seconds" not in short and condensed(short).endswith("key points")
