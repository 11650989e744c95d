"""scripts/bench.py's bookkeeping: what it counts from the batch's log and when a ratio holds."""

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch.jobs import Result

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _log(*results: Result) -> str:
    return "\n".join(batch.result_line(r) for r in results)


def test_failed_posts_are_counted_from_the_log(bench):
    log = _log(Result("post-1", "verified", survival=1.0, seconds=40.0, cpu_seconds=39.0),
               Result("post-4", "failed", seconds=3.0, error="faster-whisper failed on x.mp3: IndexError"))
    assert len(bench.FAILED_LINE.findall(log)) == 1
    assert len(bench.UNVERIFIED_LINE.findall(log)) == 0


def _phases(seq_failed=0, local_failed=0, ray_failed=0, local_cpu=192.0) -> dict:
    return {"sequential": {"wall_s": 150.0, "cpu_s": 180.0, "failed": seq_failed},
            "local": {"wall_s": 100.0, "cpu_s": local_cpu, "builds_cpu_s": 175.0, "failed": local_failed},
            "ray": {"wall_s": 104.0, "cpu_s": 5.0, "builds_cpu_s": 174.0, "failed": ray_failed,
                    "ray_start_s": 2.5}}


def test_a_ratio_holds_only_when_every_post_built(bench):
    whole = bench.batch_ratios(_phases(), 0)
    assert whole["batch_speedup"] == 1.5 and whole["ray_overhead"] == 1.04
    assert bench.batch_checks(whole) == {"batch_speedup_within_0_95_of_ceiling": True,
                                         "ray_overhead_at_most_1_3": True}
    lost = bench.batch_ratios(_phases(local_failed=1), 0)
    assert bench.batch_checks(lost) == {"batch_speedup_within_0_95_of_ceiling": False,
                                        "ray_overhead_at_most_1_3": False}
    ray_lost = bench.batch_checks(bench.batch_ratios(_phases(ray_failed=1), 0))
    assert ray_lost == {"batch_speedup_within_0_95_of_ceiling": True, "ray_overhead_at_most_1_3": False}


def test_floors_say_what_the_cpu_used_allows(bench, monkeypatch):
    monkeypatch.setattr(bench, "cores", lambda: 2)
    floor = bench.cold_floor({"audio_s": 172.0, "total_s": 25.0,
                              "stages_cpu_s": {"ingest": 0.1, "synthesize+transcribe": 45.0}})
    assert floor == {"cold_cpu_s": 45.1, "cores": 2, "cold_floor_s": 22.55, "cold_wall_over_floor": 1.109,
                     "cold_rtf_all_cores_busy": 0.1311}
    ratios = bench.batch_ratios(_phases(local_cpu=176.0), 0)
    assert ratios["batch_speedup_all_cores_busy"] == round(150.0 * 2 / 176.0, 3)
    # 1.5 of a ceiling of 1.70: the batch kept 176 / (2 x 100) of the cores busy
    assert ratios["batch_speedup_over_ceiling"] == 0.88
    assert bench.batch_checks(ratios)["batch_speedup_within_0_95_of_ceiling"] is False
    assert bench.batch_ratios(_phases(), 0)["batch_speedup_over_ceiling"] == 0.96


def test_length_deviation_is_the_mean_and_the_worst_over_the_episodes(bench, tmp_path):
    import json
    for name, deviation in (("a", -2.0), ("b", 5.0), ("c", -9.5)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "verify.json").write_text(json.dumps({"length": {
            "target_seconds": 60.0, "measured_seconds": 60 * (1 + deviation / 100),
            "deviation_percent": deviation, "within_tolerance": abs(deviation) <= 7}}), encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "verify.json").write_text(json.dumps({"verified": True}), encoding="utf-8")  # no target
    assert bench.length_deviation(tmp_path) == {"episodes": 3, "within_tolerance": 2, "mean_abs_percent": 5.5,
                                                "worst_percent": -9.5}
    assert bench.length_deviation(tmp_path / "d") is None


def _conversation_episode(ep: Path) -> Path:
    """The files a conversation build leaves that the bench reads (shapes as the build writes them)."""
    ep.mkdir()
    segments = [{"id": "intro", "speaker": "Claire"}, {"id": "p1-t1", "speaker": "Claire"},
                {"id": "p1-t2", "speaker": "Hugo"}]
    (ep / "timeline.json").write_text(json.dumps({"duration": 240.0, "segments": segments}), encoding="utf-8")
    (ep / "verify.json").write_text(json.dumps({"verified": False, "counts": {"ok": 44, "lost": 1}}),
                                    encoding="utf-8")
    return ep


def test_conversation_cold_build_is_the_cli_build_with_two_hosts(bench, tmp_path, monkeypatch):
    calls = []

    def fake_cli(args, cache):       # the build itself is the real CLI's: here only its command
        calls.append((args, cache))
        _conversation_episode(Path(args[args.index("--out") + 1]))
        return {"wall_s": 120.0, "cpu_s": 200.0, "load_average": [3.0, 4.0]}

    monkeypatch.setattr(bench, "timed_cli", fake_cli)
    args = bench.parse_args(["--source", "episodes/demo.md"])
    conv = bench.conversation_cold(args, tmp_path)
    (cmd, cache), = calls
    assert cmd[0] == "build" and cmd[cmd.index("--format") + 1] == "conversation"
    assert cmd[cmd.index("--heal-rounds") + 1] == "0" and cmd[cmd.index("--asr-model") + 1] == "base"
    assert cache == tmp_path / "cache-conversation" and not cache.exists()   # an empty cache of its own
    assert conv["cold_s"] == 120.0 and conv["cold_cpu_s"] == 200.0 and conv["audio_s"] == 240.0
    assert conv["rtf"] == 0.5 and conv["cpu_per_audio_min"] == 50.0
    assert conv["numbers_heard"]["ok"] == 44 and conv["numbers_heard"]["total"] == 45
    assert conv["speakers"] == ["Claire", "Hugo"] and conv["segments"] == 3 and conv["verified"] is False


def test_formats_put_the_two_cold_builds_in_the_same_units(bench, tmp_path):
    cold = {"total_s": 25.0, "process_s": 27.0, "process_cpu_s": 46.0, "audio_s": 172.0,
            "stages_cpu_s": {"ingest": 0.1, "synthesize+transcribe": 45.0}, "counts": {"ok": 45}}
    conv = bench.conversation_figures({"wall_s": 270.0, "cpu_s": 460.0, "load_average": [1, 1]},
                                      _conversation_episode(tmp_path / "conv"))
    fm = bench.formats(cold, conv)
    narr = fm["narration"]      # the whole process, as the conversation build is counted
    assert narr["cold_s"] == 27.0 and narr["cold_cpu_s"] == 46.0 and narr["rtf"] == round(27 / 172, 4)
    assert narr["cpu_per_audio_min"] == round(46 * 60 / 172, 2) and narr["numbers_heard"]["share"] == 1.0
    assert fm["conversation_over_narration"] == {"cold_s": 10.0,
                                                 "cpu_per_audio_min": round(115.0 / narr["cpu_per_audio_min"], 2)}
    in_process = bench.formats({k: v for k, v in cold.items() if not k.startswith("process")}, None)
    assert in_process["narration"]["cold_s"] == 25.0 and in_process["narration"]["cold_cpu_s"] == 45.1
    assert in_process["conversation"] is None and "conversation_over_narration" not in in_process


def test_quick_and_no_conversation_skip_it(bench, capsys):
    assert not bench.skip_conversation(bench.parse_args([]))
    assert bench.skip_conversation(bench.parse_args(["--quick"]))
    assert bench.skip_conversation(bench.parse_args(["--no-conversation"]))
    assert not bench.skip_conversation(bench.parse_args(["--quick", "--conversation"]))
    bench.print_formats({"narration": bench.cold_figures(27.0, 46.0, 172.0, {"ok": 45}), "conversation": None})
    out = capsys.readouterr().out
    assert "narration" in out and "100.0% (45/45)" in out and "conversation skipped" in out.replace("  ", " ")


def test_the_overlapped_stage_is_split_by_the_ledger_and_hearing_is_the_rest(bench):
    parts = bench.stage_parts("ingest", 0.2, {}, {})
    parts = bench.stage_parts("synthesize+transcribe", 40.0,
                              {"tts": 14.0, "mastering": 4.0, "model loads": 1.5}, parts)
    parts = bench.stage_parts("verify", 0.1, {}, parts)
    assert parts == {"ingest": 0.2, "tts": 14.0, "mastering": 4.0, "model loads": 1.5, "transcribe": 20.5,
                     "verify": 0.1}
    per_min = bench.per_audio_min(parts, 120.0)
    assert list(per_min) == ["ingest", "model loads", "tts", "mastering", "transcribe", "verify"]
    assert per_min["transcribe"] == 10.25


def test_an_inner_account_is_not_counted_again_in_the_outer_one(monkeypatch):
    from pipeline import cputime

    ticks = iter([10.0, 11.0, 14.0, 16.0])       # the thread's clock: outer in, inner in, inner out, outer out
    monkeypatch.setattr(cputime, "_clock", lambda: next(ticks))
    before = cputime.snapshot()
    with cputime.account("outer-test"):
        with cputime.account("inner-test"):
            pass
    spent = {part: s for part, s in cputime.since(before).items() if s}   # parts other tests ran show 0
    assert spent == {"outer-test": 3.0, "inner-test": 3.0}


POST = """# The harbor ferry

The harbor ferry carried 1,250 passengers a day in 2024, which is 12% more than in the year before it.

Most of the new riders were commuters who had driven to the city and who now leave their cars at home.

The city plans to buy a second boat by 2027, and it says that the new boat will cost about 4 million euros.
"""


def _cold(bench, tmp_path, monkeypatch, name: str, sample: bool = False) -> dict:
    """One cold build of the bench (its stage functions, in this process) on the fake
    engines, against its own empty cache."""
    import pipeline.paths as paths

    cache = tmp_path / f"cache-{name}"
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(cache))
    monkeypatch.setattr(paths, "CACHE_DIR", cache)
    source = tmp_path / "post.md"
    source.write_text(POST, encoding="utf-8")
    return bench.build_once(source, tmp_path / name, "fake", "fake", "base", sample)


def test_one_run_reports_cpu_by_part_the_floor_and_whether_a_rebuild_was_identical(
        bench, tmp_path, monkeypatch, fake_engines):
    runs = {"cold": _cold(bench, tmp_path, monkeypatch, "cold"),
            "cold_again": _cold(bench, tmp_path, monkeypatch, "again", sample=True)}
    cold = runs["cold"]
    assert set(cold["stages_cpu_s"]) == {"ingest", "condense", "synthesize+transcribe", "verify", "package"}
    assert set(cold["parts_cpu_s"]) == set(bench.PARTS)
    # the parts are the stages' CPU, split: nothing lost or counted twice
    assert sum(cold["parts_cpu_s"].values()) == pytest.approx(sum(cold["stages_cpu_s"].values()), abs=0.01)
    assert cold["fingerprint"] == runs["cold_again"]["fingerprint"]
    assert set(cold["fingerprint"]) == {"episode.mp3", "timeline.json", "transcript.json", "verify.json"}
    assert None not in cold["fingerprint"].values()

    report = bench.floor_report(runs, None)
    assert list(report["cpu_per_audio_min"]) == [*bench.PARTS, "total"]
    assert report["identity"]["identical"] is True and report["identity"]["differ"] == []
    assert report["cold_wall_over_floor"] == bench.cold_floor(cold)["cold_wall_over_floor"]
    assert report["batch_speedup_over_ceiling"] is None     # --no-batch
    assert cold["parallelism"] is None                       # only the second build is sampled
    sampled = runs["cold_again"]["parallelism"]
    assert set(sampled["cpu_s_by_threads_running"]) <= {str(k) for k in range(1, bench.cores() + 1)}
    assert report["quiet_wall_over_floor"] == sampled["quiet_wall_over_floor"] >= 1.0
    assert json.loads(json.dumps(report)) == report


def test_a_rebuild_that_differs_is_named(bench, tmp_path, monkeypatch, fake_engines):
    from pipeline.episode import fingerprint

    cold = _cold(bench, tmp_path, monkeypatch, "cold")
    again = tmp_path / "cold"
    report = json.loads((again / "verify.json").read_text(encoding="utf-8"))
    (again / "verify.json").write_text(json.dumps({**report, "seconds": 1.5}), encoding="utf-8")
    assert fingerprint(again) == cold["fingerprint"]          # a timing field is not a difference
    (again / "transcript.json").write_text("{}", encoding="utf-8")
    (again / "episode.mp3").unlink()
    ident = bench.identity({"cold": cold, "cold_again": {"fingerprint": fingerprint(again)}})
    assert ident == {"identical": False, "files": ["episode.mp3", "timeline.json", "transcript.json", "verify.json"],
                     "differ": ["episode.mp3", "transcript.json"]}
    assert bench.identity({"cold": cold})["identical"] is False    # no second build: not shown identical


def test_the_table_prints_every_part_and_the_three_ratios(bench, capsys):
    fl = {"audio_s": 172.0, "cores": 2, "cpu_per_audio_min": {"tts": 5.0, "transcribe": 7.5, "total": 12.5},
          "cpu_s": {"tts": 14.33, "transcribe": 21.5, "total": 35.83}, "cold_wall_s": 20.0, "cold_floor_s": 17.9,
          "cold_wall_over_floor": 1.117, "cold_again_wall_over_floor": 1.2, "batch_speedup": 1.34,
          "batch_ceiling": 1.4, "batch_speedup_over_ceiling": 0.957,
          "identity": {"identical": False, "files": ["episode.mp3"], "differ": ["episode.mp3"]}}
    bench.print_floor(fl)
    out = capsys.readouterr().out
    for text in ("tts", "transcribe", "total", "1.117", "(again: 1.200)", "0.957", "DIFFERENT: episode.mp3"):
        assert text in out


def test_the_quiet_wall_runs_cpu_at_the_pace_of_the_threads_that_could_run(bench):
    # 4 CPU-s while one thread could run, 12 while two or three could, 1 while none (ffmpeg)
    samples = [(1, 3.0), (2, 8.0), (3, 4.0), (0, 1.0), (1, 0.0)]
    est = bench.quiet_wall(samples, 2)
    assert est["cpu_s_by_threads_running"] == {"1": 4.0, "2": 12.0}
    assert est["quiet_wall_s"] == 10.0 and est["quiet_wall_over_floor"] == 1.25   # floor: 16 / 2
    assert bench.quiet_wall([(2, 5.0)], 2)["quiet_wall_over_floor"] == 1.0
    assert bench.quiet_wall([], 2)["quiet_wall_over_floor"] is None
