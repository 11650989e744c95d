"""scripts/bench.py's bookkeeping: what it counts from the batch's log and when a ratio holds."""

import importlib.util
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


def _phases(seq_failed=0, local_failed=0, ray_failed=0) -> dict:
    return {"sequential": {"wall_s": 150.0, "cpu_s": 180.0, "failed": seq_failed},
            "local": {"wall_s": 100.0, "cpu_s": 176.0, "builds_cpu_s": 175.0, "failed": local_failed},
            "ray": {"wall_s": 104.0, "cpu_s": 5.0, "builds_cpu_s": 174.0, "failed": ray_failed,
                    "ray_start_s": 2.5}}


def test_a_ratio_holds_only_when_every_post_built(bench):
    whole = bench.batch_ratios(_phases(), 0)
    assert whole["batch_speedup"] == 1.5 and whole["ray_overhead"] == 1.04
    assert bench.batch_checks(whole) == {"batch_speedup_at_least_1_4": True, "ray_overhead_at_most_1_3": True}
    lost = bench.batch_ratios(_phases(local_failed=1), 0)
    assert bench.batch_checks(lost) == {"batch_speedup_at_least_1_4": False, "ray_overhead_at_most_1_3": False}
    ray_lost = bench.batch_checks(bench.batch_ratios(_phases(ray_failed=1), 0))
    assert ray_lost == {"batch_speedup_at_least_1_4": True, "ray_overhead_at_most_1_3": False}


def test_floors_say_what_the_cpu_used_allows(bench, monkeypatch):
    monkeypatch.setattr(bench, "cores", lambda: 2)
    floor = bench.cold_floor({"audio_s": 172.0, "stages_cpu_s": {"ingest": 0.1, "synthesize+transcribe": 45.0}})
    assert floor == {"cold_cpu_s": 45.1, "cores": 2, "cold_rtf_all_cores_busy": 0.1311}
    assert bench.batch_ratios(_phases(), 0)["batch_speedup_all_cores_busy"] == round(150.0 * 2 / 176.0, 3)


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
