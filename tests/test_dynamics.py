"""The leveller and compressor before the limiter: gains only, segment-local, kept beside the segment."""

from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import assemble, dynamics, ffmpeg, limiter, loudness
from pipeline.audio.wav import read_wav, write_wav
from pipeline.tts import get_engine

SR = 44100


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """Real espeak speech at 44.1 kHz, peak-normalized to 0 dBFS like piper's output."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "s.wav"
        get_engine("espeak").synthesize("Riders took 412 million trips in 2024. Electric bikes "
                                        "made up 64 percent of the fleet.", "en", wav)
        x, sr = read_wav(wav)
    x = ffmpeg.to_rate(x, sr).astype(np.float64)
    return x / np.abs(x).max()


def short_term(x: np.ndarray, lo: float, hi: float) -> float:
    return loudness.integrated_lufs(x[int(lo * SR):int(hi * SR)])


def test_chain_is_a_gain_only_and_keeps_the_length(speech):
    pause = np.zeros(SR // 2)
    seg = np.concatenate([pause, speech, pause])
    d = dynamics.process(seg)
    assert len(d.samples) == len(seg)
    live = np.abs(seg) > 1e-3
    g = np.where(live, d.samples / np.where(live, seg, 1), np.nan)
    assert np.all(g[live] > 0)                            # same sign: nothing shifted or inverted
    step = np.abs(np.diff(g))[live[1:] & live[:-1]]
    assert np.max(step) < 0.01                            # a smooth gain, not a waveshaper
    assert np.all(d.samples[: len(pause) // 2] == 0)      # silence stays silence
    # the leading pause is not speech; the words are
    blocks = d.speech_blocks()
    assert not blocks[: len(pause) // 2 // limiter.BLOCK].any()
    assert blocks[: len(seg) // limiter.BLOCK].mean() > 0.5


def test_compressor_lowers_the_peak_to_loudness_ratio(speech):
    before = loudness.true_peak_dbtp(speech) - loudness.integrated_lufs(speech)
    d = dynamics.process(speech)
    after = loudness.true_peak_dbtp(d.samples) - loudness.integrated_lufs(d.samples)
    assert before - after > 3                             # measured: 5-7 dB on piper and espeak
    figs = dynamics.figures([d])
    comp = figs["compressor_reduction_db"]
    assert 0 <= comp["p50"] <= comp["p95"] <= comp["max"] and comp["max"] > 3


def test_leveller_evens_out_a_quiet_and_a_loud_passage(speech):
    """The same words 10 dB apart in one segment (5 dB either side of the leveller's
    target) come out much closer; the change is slow (no per-word pumping)."""
    at_target = speech * 10 ** ((dynamics.LEVEL_TARGET_LUFS - loudness.integrated_lufs(speech)) / 20)
    quiet, loud = at_target * 10 ** (-5 / 20), at_target * 10 ** (5 / 20)
    gap = np.zeros(SR // 5)
    seg = np.concatenate([quiet, gap, quiet, gap, loud, gap, loud])
    gain, per_hop, active = dynamics.level(seg)
    y = seg * gain
    n = len(speech) + len(gap)
    spread_in = loudness.integrated_lufs(seg[2 * n:]) - loudness.integrated_lufs(seg[:2 * n])
    spread_out = loudness.integrated_lufs(y[2 * n:]) - loudness.integrated_lufs(y[:2 * n])
    assert spread_in == pytest.approx(10, abs=0.1)
    assert abs(spread_out) < 4
    assert np.all(np.abs(per_hop) <= dynamics.LEVEL_RANGE_DB + 1e-9)
    assert np.max(np.abs(np.diff(per_hop))) < 1.0          # under 1 dB per 100 ms
    assert active.all()                                   # 200 ms gaps are within speech


def test_silence_and_tiny_segments_pass_unchanged():
    for seg in (np.zeros(SR), np.zeros(10), np.zeros(0)):
        d = dynamics.process(seg)
        assert len(d.samples) == len(seg) and not np.any(d.samples)
        assert not d.speech_blocks().any()
    assert dynamics.figures([dynamics.process(np.zeros(SR))])["compressor_reduction_db"]["max"] == 0.0


def test_processed_segment_is_kept_beside_its_wav(tmp_path, speech):
    """The cache file holds the samples and both figures; a damaged copy is redone."""
    wav = write_wav(tmp_path / "seg.wav", (speech * 32767).astype("<i2").tobytes(), SR)
    samples = assemble.load_at_rate(wav)
    first = assemble.load_dynamics(wav, samples)
    kept = list(tmp_path.glob(f"seg.{SR}.dyn{dynamics.VERSION}.f32"))
    assert len(kept) == 1 and kept[0].stat().st_size == 4 * dynamics.packed_length(len(samples))
    again = assemble.load_dynamics(wav, samples)
    fresh = dynamics.process(samples)
    for a, b in ((first, again), (first, fresh)):
        assert np.array_equal(a.samples, b.samples)
        assert np.array_equal(a.level_db, b.level_db, equal_nan=True)
        assert np.array_equal(a.comp_db, b.comp_db, equal_nan=True)
    kept[0].write_bytes(b"\0" * 8)
    assert np.array_equal(assemble.load_dynamics(wav, samples).samples, fresh.samples)
