"""What a person sees: stage bars on a terminal, one line per stage when piped,
-q silence, -v debug, the stage summary, and NO_COLOR / FORCE_COLOR."""

import io
import logging
import subprocess
import sys
from types import SimpleNamespace as NS

import pytest

from pipeline import progress
from pipeline.publish.terminal import use_colour

from .conftest import ROOT


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_stages(stream, verbosity=0):
    mode = progress.configure(verbosity, stream=stream)
    progress.clear_timings()
    with progress.stage("synthesize", unit="segments", label="[3/6] synthesize (tts=espeak)") as bar:
        bar.add_total(3)
        for i in range(3):
            bar.status(f"point-{i}")
            bar.advance()
        logging.getLogger("pipeline.synthesize").warning("gtts unavailable; falling back to piper")
        bar.note("3 new")
    with progress.stage("transcribe", unit="s of audio") as bar:
        bar.add_total(12.5)
        bar.advance(12.5)
        with progress.stage("synthesize", unit="segments"):   # nested (heal): not summed
            progress.current().add_total(1)
            progress.current().advance()
    return mode


def test_piped_one_line_per_stage_with_its_time():
    out = io.StringIO()
    assert run_stages(out) == progress.LINES
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and "[###" not in out.getvalue(), "no bar when piped"
    assert lines[0] == "warning: gtts unavailable; falling back to piper"
    assert lines[1].startswith("[3/6] synthesize (tts=espeak): 3 segments, 3 new, ")
    assert lines[1].endswith(" s")
    assert lines[2].startswith("  synthesize: 1 segment, "), "nested stage: indented"
    assert lines[3].startswith("transcribe: 12.5 s of audio, ")
    assert len(lines) == 4


def test_terminal_draws_a_bar_and_keeps_log_lines_whole(monkeypatch):
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)   # every change drawn (no throttle)
    monkeypatch.setenv("COLUMNS", "100")
    out = Terminal()
    assert run_stages(out) == progress.BARS
    text = out.getvalue()
    assert progress.CLEAR_LINE in text
    assert "[" + "#" * progress.BAR_WIDTH + "]  3 segments" in text, "a full bar once all 3 are done"
    assert "3 segments" in text and "point-" in text, "count and current segment in the bar"
    # the warning printed above the bar: the bar line was cleared first, then drawn again
    assert progress.CLEAR_LINE + "warning: gtts unavailable; falling back to piper\n" in text
    finals = [seg.split(progress.CLEAR_LINE)[-1] for seg in text.split("\n")]
    assert any(f.startswith("[3/6] synthesize (tts=espeak): 3 segments, 3 new") for f in finals)
    assert any(f.startswith("transcribe: 12.5 s of audio") for f in finals)


def test_quiet_shows_errors_only():
    out = Terminal()
    assert run_stages(out, verbosity=-1) == progress.OFF
    logging.getLogger("pipeline.cli").error("error: something broke")
    assert out.getvalue() == "error: something broke\n"


def test_warnings_are_named_once():
    out = io.StringIO()
    progress.configure(0, stream=out)
    logging.getLogger("pipeline.config.show").warning("note: no podcast.yaml here")
    logging.getLogger("pipeline.feed").warning("feed: leaving out x")
    assert out.getvalue() == "note: no podcast.yaml here\nwarning: feed: leaving out x\n"


def test_verbose_says_when_each_stage_starts():
    out = io.StringIO()
    run_stages(out, verbosity=1)
    assert "debug: pipeline: start: [3/6] synthesize (tts=espeak)" in out.getvalue()


def test_summary_has_each_top_level_stage_and_the_total():
    run_stages(io.StringIO())
    lines = progress.summary("built ep").splitlines()
    assert lines[0].startswith("built ep in ") and lines[0].endswith(" s")
    assert [line.split()[0] for line in lines[1:]] == ["synthesize", "transcribe"]
    assert "(3 segments)" in lines[1] and "(12.5 s of audio)" in lines[2]


def test_outside_any_stage_progress_calls_do_nothing():
    out = Terminal()
    progress.configure(0, stream=out)
    bar = progress.current()
    bar.add_total(5)
    bar.advance(5)
    assert out.getvalue() == "" and progress.depth() == 0


def test_a_failing_stage_clears_its_bar_and_logs_no_final_line():
    out = Terminal()
    progress.configure(0, stream=out)
    with pytest.raises(RuntimeError), progress.stage("verify") as bar:
        bar.add_total(2)
        bar.advance()
        raise RuntimeError("boom")
    assert out.getvalue().endswith(progress.CLEAR_LINE) and "verify:" not in out.getvalue()


def test_faster_whisper_advances_the_stage_by_audio_seconds(tmp_path, monkeypatch):
    """The engine's segment generator moves the bar: 0 -> 4.2 -> 9.0 s, then the silence to 10 s."""
    from pipeline import asr
    from pipeline.asr import faster

    seen = []

    class Model:
        model = NS(is_multilingual=True)

        def transcribe(self, audio, **kwargs):
            def segments():
                for end in (4.2, 9.0):
                    seen.append(progress.current().done)
                    yield NS(start=end - 4, end=end, text=" 1", words=[])
            return segments(), NS(duration=10.0)

    monkeypatch.setattr(faster, "load_model", lambda *a, **k: Model())
    monkeypatch.setattr(faster.models, "resolve_ct2_model", lambda m: tmp_path)
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"x")
    with progress.stage("transcribe", unit="s") as bar:
        asr.get_engine("faster-whisper").transcribe(audio, "en")
        assert seen == [0.0, 4.2] and bar.total == 10.0 and bar.done == pytest.approx(10.0)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_piped_stage_line_and_quiet(tmp_path):
    post = ROOT / "episodes" / "demo.md"
    r = cli("ingest", str(post), "--out", str(tmp_path / "a.json"))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"[1/6] ingest {post}: ") and r.stderr.count("\n") == 1, r.stderr
    r = cli("-q", "ingest", str(post), "--out", str(tmp_path / "b.json"))
    assert r.returncode == 0 and r.stderr == "" and (tmp_path / "b.json").exists()
    r = cli("ingest", str(tmp_path / "missing.md"), "--out", str(tmp_path / "c.json"), "-q")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "fix:" in r.stderr


def test_cli_names_itself_and_has_a_version():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("python -m pipeline ")
    r = cli("--help")
    assert "-q, --quiet" in r.stdout and "-v, --verbose" in r.stdout and "130 interrupted" in r.stdout


def test_every_option_of_every_command_has_help():
    from pipeline.cli import make_parser
    sub = next(a for a in make_parser()._actions if a.dest == "command")
    missing = [(name, a.dest) for name, p in sub.choices.items() if name != "numbers"
               for a in p._actions if not a.help]
    assert missing == []


@pytest.mark.parametrize("env, tty, colour", [
    ({}, True, True),
    ({"NO_COLOR": ""}, True, True),          # set but empty: not a request (no-color.org)
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": "0"}, True, False),        # any non-empty value turns colour off
    ({"TERM": "dumb"}, True, False),
    ({}, False, False),                      # piped
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "0"}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
])
def test_no_color_and_force_color(monkeypatch, env, tty, colour):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert use_colour(Terminal() if tty else io.StringIO()) is colour


def test_an_unconfigured_process_shows_no_progress():
    """Batch workers (spawned processes) never call configure: no bar, no stage line,
    even on a terminal; a warning still gets through."""
    code = ("import logging, sys; from pipeline import progress\n"
            "sys.stderr.isatty = lambda: True\n"
            "with progress.stage('transcribe', unit='s') as bar:\n"
            "    bar.add_total(3); bar.advance(3)\n"
            "logging.getLogger('pipeline.synthesize').warning('falling back to piper')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "falling back to piper\n"


def test_the_overlapped_stage_is_summed_under_both_names(tmp_path, monkeypatch):
    """pipeline build's stage 3+4 runs synthesis and transcription at once: its summary line
    says both, not `synthesize` alone (which credited synthesis with the transcription's time)."""
    from pipeline import build, heal, overlap
    from pipeline.episode import Episode
    monkeypatch.setattr(Episode, "approved_script", lambda self: {"language": "en", "points": []})
    monkeypatch.setattr(heal, "load_overrides", lambda out, script: {})
    monkeypatch.setattr(overlap, "synthesize_and_transcribe",
                        lambda *a, **kw: ({}, {}, {"synthesize": 1.0, "transcribe": 2.0, "wall": 2.5}))
    out = io.StringIO()
    progress.configure(0, stream=out)
    progress.clear_timings()
    build.synthesize_and_transcribe(tmp_path, build.BuildOptions(tts="piper"), settings=None)
    assert out.getvalue().startswith("[3/6] synthesize (tts=piper) + [4/6] transcribe (asr=faster-whisper")
    assert "synthesis 1.0 s and transcription 2.0 s in 2.5 s" in out.getvalue()
    assert [line.split()[0] for line in progress.summary("built ep").splitlines()[1:]] == ["synthesize+transcribe"]


@pytest.mark.parametrize("timeline, said", [
    ({"tts_engine": "piper", "requested_engine": "gtts", "engines": {"piper": 9},
      "fallback_reason": "gtts unavailable (no network)"}, "(tts=piper, gtts unavailable)"),
    ({"tts_engine": "piper", "requested_engine": "gtts", "engines": {"gtts": 1, "piper": 8},
      "fallback_reason": "gtts unavailable (HTTP 403)"}, "(tts=piper+gtts, gtts unavailable)"),
    ({"tts_engine": "gtts", "requested_engine": "gtts", "engines": {"gtts": 9},
      "fallback_reason": None}, "(tts=gtts)"),
])
def test_the_synthesis_line_names_the_engine_that_spoke(tmp_path, monkeypatch, timeline, said):
    """Asked for gtts, spoken by piper: the stage line says piper (and why), not gtts."""
    from pipeline import build, heal, overlap
    from pipeline.episode import Episode
    monkeypatch.setattr(Episode, "approved_script", lambda self: {"language": "en", "points": []})
    monkeypatch.setattr(heal, "load_overrides", lambda out, script: {})
    monkeypatch.setattr(overlap, "synthesize_and_transcribe",
                        lambda *a, **kw: (timeline, {}, {"synthesize": 1.0, "transcribe": 2.0, "wall": 2.5}))
    out = io.StringIO()
    progress.configure(0, stream=out)
    build.synthesize_and_transcribe(tmp_path, build.BuildOptions(tts="gtts"), settings=None)
    assert out.getvalue().startswith(f"[3/6] synthesize {said} + [4/6] transcribe"), out.getvalue()
