"""Mastering: loudness (BS.1770), true peak, limiter, music ducking, MP3 format, determinism."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import yaml
from mutagen.mp3 import MP3, BitrateMode
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly

from pipeline.audio import ffmpeg, limiter, loudness, master
from pipeline.audio.wav import read_wav, write_wav
from pipeline.config.episode import EpisodeSettings
from pipeline.errors import InputError
from pipeline.synthesize import synthesize
from pipeline.tts import get_engine

SR = 44100
SCRIPT = {
    "title": "Bikes",
    "language": "en",
    "intro": "Welcome. This episode gives you the key points of the post about city bikes.",
    "points": [
        {"title": "The boom", "text": "Riders took 412 million trips in 2024, a 38% increase."},
        {"title": "The fleet", "text": "Electric bikes made up 64% of the fleet at the end of 2024."},
    ],
    "outro": "Those were the key points. Thanks for listening.",
}


def write_script(path: Path, data: dict = SCRIPT) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def decode_float(mp3: Path, channels: int = 1) -> np.ndarray:
    return ffmpeg.decode(mp3, channels, SR).astype(np.float64)


def independent_true_peak_db(x: np.ndarray) -> float:
    """BS.1770-4 Annex 2, computed here without pipeline code: 4x oversample, max |x|."""
    up = resample_poly(x, 4, 1, axis=0)
    return 20 * np.log10(max(np.abs(up).max(), np.abs(x).max()))


def pyloudnorm_lufs(x: np.ndarray) -> float:
    return pyloudnorm.Meter(SR).integrated_loudness(x[:, 0] if x.shape[1] == 1 else x)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """A few seconds of espeak speech at 44.1 kHz (mono float)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "s.wav"
        get_engine("espeak").synthesize("Riders took 412 million trips in 2024. Electric bikes lead.",
                                        "en", wav)
        x, sr = read_wav(wav)
    return ffmpeg.to_rate(x, sr)


# ------------------------------------------------------------------ meters

def test_true_peak_finds_intersample_peaks():
    # fs/4 sine at 45 degrees: every sample is +-0.707, the waveform reaches 1.0
    n = np.arange(SR)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4)
    assert np.abs(x).max() == pytest.approx(0.7071, abs=1e-3)
    assert loudness.true_peak_dbtp(x[:, None]) == pytest.approx(0.0, abs=0.2)


def test_kweighting_is_the_bs1770_prefilter():
    # at 48 kHz the derived biquads are the coefficients tabled in ITU-R BS.1770-4
    (b1, a1), (b2, a2) = loudness.kweight_biquads(48000)
    assert b1 == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285], abs=1e-9)
    assert a1 == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-9)
    assert b2 == pytest.approx([1.0, -2.0, 1.0]) and a2 == pytest.approx([1.0, -1.99004745483398,
                                                                          0.99007225036621], abs=1e-9)
    # the frequency-domain filter equals the recursive one, sample by sample
    x = np.random.default_rng(5).standard_normal(SR * 3 + 17) * 0.2
    y = x
    for b, a in loudness.kweight_biquads(SR):
        y = lfilter(b, a, y)
    assert np.max(np.abs(loudness.kweight(x) - y)) < 1e-9


def test_loudness_meter_is_bs1770():
    # a full-scale 997 Hz sine on one channel reads -3.01 LUFS (BS.1770 calibration)
    t = np.arange(SR * 5) / SR
    sine = np.sin(2 * np.pi * 997 * t)
    assert loudness.integrated_lufs(sine) == pytest.approx(-3.01, abs=0.02)
    # gating agrees with pyloudnorm's meter (whose K-filter is the cookbook approximation: a few
    # hundredths of a LU apart on noise)
    rng = np.random.default_rng(7)
    env = np.repeat(rng.random(60), SR // 4)[: SR * 15]
    for x in (rng.standard_normal(SR * 15) * env * 0.1,
              rng.standard_normal((SR * 7 + 13, 2)) * 0.05):
        ref = pyloudnorm.Meter(SR).integrated_loudness(x)
        assert loudness.integrated_lufs(x) == pytest.approx(ref, abs=0.08)
    assert loudness.integrated_lufs(np.zeros(SR)) == float("-inf")
    assert loudness.integrated_lufs(sine[: SR // 4]) == float("-inf")      # shorter than one block


def test_file_meter_reads_what_was_encoded(tmp_path, speech):
    """measure() (ffmpeg's R128 meter on the file) agrees with pyloudnorm and with an
    independent true-peak computation on the same decoded samples."""
    pcm = (np.clip(speech * 0.5, -1, 1) * 32767).astype("<i2")
    got = loudness.measure(write_wav(tmp_path / "s.wav", pcm.tobytes(), SR))
    audio = pcm.astype(np.float64)[:, None] / 32768
    assert got["integrated_lufs"] == pytest.approx(pyloudnorm_lufs(audio), abs=0.15)
    # 192 kHz oversampling reads a little higher than 4x, never lower
    assert independent_true_peak_db(audio) - 0.05 <= got["true_peak_dbtp"] <= independent_true_peak_db(audio) + 0.5
    silent = write_wav(tmp_path / "silent.wav", b"\0\0" * SR, SR)
    assert loudness.measure(silent)["integrated_lufs"] == float("-inf")


def test_resampling_and_oversampling_match_scipy(speech):
    x = speech[:30000].astype(np.float64)
    up = np.abs(resample_poly(x, 4, 1))
    assert np.allclose(loudness.oversampled_abs(x), up.reshape(-1, 4), atol=1e-9)
    y = ffmpeg.to_rate(x[::2], 22050)          # 22.05 -> 44.1 kHz: length exact, time 0 stays 0
    assert len(y) == 30000
    ref = resample_poly(x[::2], 2, 1)
    assert np.max(np.abs(y[200:-200] - ref[200:-200])) < 0.01
    assert len(ffmpeg.to_rate(np.zeros(24001), 24000)) == ffmpeg.resampled_length(24001, 24000)


# ------------------------------------------------------------------ limiter

def test_limiter_keeps_loud_signal_under_ceiling_without_moving_samples(speech):
    t = np.arange(len(speech)) / SR
    square = np.clip(4 * np.sign(np.sin(2 * np.pi * 220 * t)), -1, 1) * 0.9   # clipped square
    x = (speech * 3 + square * 0.5)[:, None]                                  # way over full scale
    y, reduction = limiter.limit(x, -1.0)
    assert independent_true_peak_db(y) <= -1.0
    assert reduction > 6
    g = y[:, 0] / np.where(np.abs(x[:, 0]) > 1e-9, x[:, 0], 1)
    live = np.abs(x[:, 0]) > 1e-3
    assert np.all(g[live] > 0) and np.all(g[live] <= 1 + 1e-9)   # a gain only: same sign, no shift
    assert np.max(np.abs(np.diff(g[live]))) < 0.01                 # smooth envelope, no jumps
    quiet = np.full((SR, 1), 0.1)
    assert limiter.limit(quiet, -1.0)[1] == 0.0


def test_limiter_filters_match_scipy_and_numpy():
    x = np.random.default_rng(2).random(5000)
    assert np.array_equal(limiter._running_min(x, 113), minimum_filter1d(x, 113, mode="nearest"))
    assert np.allclose(limiter.running_mean(x, 111), uniform_filter1d(x, 111, mode="nearest"))
    for n in (1, 15, 16, 17, 4999):
        per_block = x[: -(-n // limiter.BLOCK)]
        centres = np.arange(len(per_block)) * limiter.BLOCK + (limiter.BLOCK - 1) / 2
        assert np.allclose(limiter.per_sample(per_block, n), np.interp(np.arange(n), centres, per_block))


def test_loud_episode_is_mastered_to_spec(tmp_path, speech):
    t = np.arange(2 * SR) / SR
    square = np.clip(3 * np.sin(2 * np.pi * 150 * t), -1, 1)        # a clipped, square-ish wave
    segs = [speech * 4, square, speech * 4]
    res = master.master_episode(segs, tmp_path / "loud.mp3", pause_ms=300)
    audio = decode_float(tmp_path / "loud.mp3")
    assert independent_true_peak_db(audio) <= -1.0
    assert abs(pyloudnorm_lufs(audio) + 16) <= 1.0
    assert res.loudness["true_peak_dbtp"] <= -1.0 and abs(res.loudness["integrated_lufs"] + 16) <= 1
    assert res.loudness["limiter_reduction_db"]["max"] > 0
    # times come from sample counts
    assert res.times[1][0] == pytest.approx(len(speech) / SR + 0.3, abs=1e-9)
    assert abs(len(audio) / SR - res.duration) < 0.002


def test_encoding_is_deterministic(tmp_path, speech):
    a = master.master_episode([speech, speech], tmp_path / "a.mp3")
    b = master.master_episode([speech, speech], tmp_path / "b.mp3")
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
    assert a.loudness == b.loudness


def test_bad_mastering_settings(tmp_path, speech):
    with pytest.raises(InputError):
        ffmpeg.parse_bitrate("65k")
    assert ffmpeg.parse_bitrate("128k") == 128
    with pytest.raises(InputError):
        master.master_episode([speech], tmp_path / "x.mp3", channels=3)
    script = write_script(tmp_path / "s.yaml")
    with pytest.raises(InputError):
        synthesize(script, tmp_path / "ep", engine="espeak", settings=EpisodeSettings(bitrate="fast"))


# ------------------------------------------------------------------ through synthesize

def test_episode_loudness_format_and_timeline(tmp_path, isolated_cache):
    out = tmp_path / "ep"
    tl = synthesize(write_script(tmp_path / "s.yaml"), out, engine="espeak", on_event=lambda m: None)
    mp3 = out / "episode.mp3"
    audio = decode_float(mp3)
    lufs, tp = pyloudnorm_lufs(audio), independent_true_peak_db(audio)
    assert abs(lufs + 16) <= 1.0 and tp <= -1.0
    loud = tl["loudness"]
    assert set(loud) >= {"integrated_lufs", "true_peak_dbtp", "target_lufs", "ceiling_dbtp"}
    assert loud["target_lufs"] == -16.0 and loud["ceiling_dbtp"] == -1.0
    # two meters of the same standard (ffmpeg's R128 filter, pyloudnorm; 192 kHz and 4x true peak)
    assert loud["integrated_lufs"] == pytest.approx(lufs, abs=0.15)
    assert tp - 0.05 <= loud["true_peak_dbtp"] <= tp + 0.5

    info = MP3(mp3).info
    assert info.sample_rate == 44100 and info.channels == 1
    assert info.bitrate_mode == BitrateMode.CBR and abs(info.bitrate - 64000) < 100
    # decoded audio lines up with the timeline (encoder delay dropped)
    assert abs(len(audio) / SR - tl["duration"]) < 0.002
    for a, b in zip(tl["segments"], tl["segments"][1:]):
        pause = audio[int((a["end"] + 0.03) * SR):int((b["start"] - 0.03) * SR)]
        assert np.max(np.abs(pause)) < 0.01


def test_stereo_and_bitrate_settings(tmp_path, isolated_cache):
    s = EpisodeSettings(channels=2, bitrate="96k", pause_ms=250)
    tl = synthesize(write_script(tmp_path / "s.yaml"), tmp_path / "ep", engine="espeak", settings=s)
    info = MP3(tmp_path / "ep" / "episode.mp3").info
    assert info.channels == 2 and abs(info.bitrate - 96000) < 100 and info.bitrate_mode == BitrateMode.CBR
    gaps = [b["start"] - a["end"] for a, b in zip(tl["segments"], tl["segments"][1:])]
    assert all(abs(g - 0.25) < 1e-4 for g in gaps)
    audio = decode_float(tmp_path / "ep" / "episode.mp3", 2)
    assert independent_true_peak_db(audio) <= -1.0 and abs(pyloudnorm_lufs(audio) + 16) <= 1


def write_sine(path: Path, freq: float, seconds: float, amp: float = 0.5) -> Path:
    t = np.arange(int(seconds * SR)) / SR
    return write_wav(path, (amp * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes(), SR)


def tone_level(audio: np.ndarray, freq: float, lo: float, hi: float) -> float:
    """Amplitude of the `freq` sine in [lo, hi) s by lock-in detection (speech barely leaks in)."""
    x = audio[int(lo * SR):int(hi * SR), 0]
    t = (np.arange(len(x)) + int(lo * SR)) / SR
    i, q = np.mean(x * np.sin(2 * np.pi * freq * t)), np.mean(x * np.cos(2 * np.pi * freq * t))
    return 2 * np.hypot(i, q)


def test_music_is_ducked_under_speech(tmp_path, isolated_cache):
    src = tmp_path / "src"
    src.mkdir()
    intro = write_sine(src / "intro.wav", 1500.0, 12.0)
    outro = write_sine(src / "outro.wav", 1500.0, 6.0)
    s = EpisodeSettings(music_intro=str(intro), music_outro=str(outro))
    tl = synthesize(write_script(tmp_path / "s.yaml"), tmp_path / "ep", engine="espeak", settings=s)
    segs = tl["segments"]
    assert segs[0]["start"] == pytest.approx(master.MUSIC_LEAD_S, abs=1e-6)   # music alone first
    assert tl["music"]["intro"]["lead"] == pytest.approx(master.MUSIC_LEAD_S)
    assert tl["duration"] > segs[-1]["end"] + 2                                 # outro music tail
    audio = decode_float(tmp_path / "ep" / "episode.mp3")
    before = tone_level(audio, 1500.0, 0.5, 2.5)                         # the pause before speech
    under = tone_level(audio, 1500.0, segs[0]["start"] + 0.5, segs[0]["end"] - 0.2)
    assert before > 0.05
    assert 20 * np.log10(under / before) < -10                          # ducked by ~18 dB
    after = tone_level(audio, 1500.0, segs[-1]["end"] + 0.6, segs[-1]["end"] + 1.6)
    assert after > 3 * tone_level(audio, 1500.0, segs[-1]["start"] + 0.5, segs[-1]["end"] - 0.2)
    assert independent_true_peak_db(audio) <= -1.0 and abs(pyloudnorm_lufs(audio) + 16) <= 1
    # changing the music file rebuilds the MP3 even though no speech changed
    write_sine(intro, 900.0, 12.0)
    tl2 = synthesize(write_script(tmp_path / "s.yaml"), tmp_path / "ep", engine="espeak", settings=s)
    assert tl2["reassembled"] and tl2["resynthesized"] == 0


BASS_HZ = 55.0                 # under the speech band: piper puts < 0.02 % of its power below 100 Hz


def write_chords(path: Path, seconds: float) -> Path:
    """Music-like test audio: a bass drone on A1 under a I-vi-IV-V progression of
    plucked triads (two harmonics each, 20 ms attack, decaying)."""
    chords = [(261.63, 329.63, 392.0), (220.0, 261.63, 329.63), (174.61, 220.0, 261.63), (196.0, 246.94, 293.66)]
    beat = int(1.5 * SR)
    t = np.arange(beat) / SR
    pluck = np.minimum(1.0, t / 0.02) * np.exp(-t / 0.6)
    bars = [sum(np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t) for f in chord) * pluck
            for chord in chords]
    n = int(seconds * SR)
    music = np.resize(np.concatenate(bars), n) * 0.12
    music += 0.25 * np.sin(2 * np.pi * BASS_HZ * np.arange(n) / SR)
    return write_wav(path, (np.clip(music, -1, 1) * 32767).astype("<i2").tobytes(), SR)


def test_episode_with_music_beds_is_ducked_and_on_target(tmp_path, isolated_cache):
    """piper speech (the demo's engine) with chords under the intro and the outro: the
    music is ducked under the speech and the whole meets the loudness target and ceiling."""
    src = tmp_path / "src"
    src.mkdir()
    # beds as long as a show's jingles: 3 s alone before the first word, about 3 s after the last
    s = EpisodeSettings(music_intro=str(write_chords(src / "intro.wav", 7.0)),
                        music_outro=str(write_chords(src / "outro.wav", 7.0)))
    tl = synthesize(write_script(tmp_path / "s.yaml"), tmp_path / "ep", engine="piper", settings=s,
                    on_event=lambda m: None)
    segs, loud = tl["segments"], tl["loudness"]
    assert segs[0]["start"] == pytest.approx(master.MUSIC_LEAD_S, abs=1e-6)
    gaps = [b["start"] - a["end"] for a, b in zip(segs, segs[1:])]
    assert all(abs(g - 0.6) < 1e-4 for g in gaps)                      # times stay exact
    audio = decode_float(tmp_path / "ep" / "episode.mp3")
    alone = tone_level(audio, BASS_HZ, 0.2, master.MUSIC_LEAD_S - 0.5)
    under = tone_level(audio, BASS_HZ, segs[0]["start"] + 0.5, segs[0]["end"] - 0.5)
    assert alone > 0.01
    assert -26 < 20 * np.log10(under / alone) < -12    # DUCK_DB -18 dB, and the limiter (measured -20)
    assert tl["duration"] > segs[-1]["end"] + 2.5
    out_alone = tone_level(audio, BASS_HZ, segs[-1]["end"] + 0.5, segs[-1]["end"] + 1.5)
    out_under = tone_level(audio, BASS_HZ, segs[-1]["start"] + 0.5, segs[-1]["end"] - 0.5)
    assert -26 < 20 * np.log10(out_under / out_alone) < -12
    # the whole episode, music included, by ffmpeg's meter and by pyloudnorm
    assert abs(loud["integrated_lufs"] + 16) <= 0.5 and loud["true_peak_dbtp"] <= -1.0
    assert pyloudnorm_lufs(audio) == pytest.approx(loud["integrated_lufs"], abs=0.15)
    assert independent_true_peak_db(audio) <= -1.0
    # Music alone counts in the whole's loudness, so in a short episode the speech is
    # pushed past what the chain prepared it for (measured: p50 1.4, max 7.6 dB here;
    # 0 and 5 dB without music; up to 17.5 dB before the chain).
    lim, comp = loud["limiter_reduction_db"], loud["compressor_reduction_db"]
    assert lim["p50"] <= lim["p95"] <= lim["max"] <= 10.0
    assert 0 <= comp["p50"] <= comp["p95"] <= comp["max"] and comp["max"] > 0
    assert set(loud["leveller_gain_db"]) == {"min", "p5", "p50", "p95", "max"}


def test_episode_envelope_from_cached_segment_envelopes_is_exact(speech):
    """The limiter's envelope built from per-segment envelopes equals the whole mix's."""
    rng = np.random.default_rng(3)
    segs = [speech[: 20000], (rng.standard_normal(15000) * 0.3).astype(np.float32), speech[5000:30000]]
    mix, spans, _ = master.layout(segs, pause_ms=600)
    whole = limiter.peak_envelope(mix)
    parts = limiter.envelope_from_segments(len(mix), spans, [limiter.segment_peaks(s) for s in segs])
    assert np.allclose(parts, whole, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("pause_ms", [600, 0])
def test_episode_kweighting_from_cached_segments_is_exact(speech, pause_ms):
    """K-weighting is linear: the segments' K-weighted signals, added at their places,
    are the mix's (with no pause the filters' ringing overlaps the next segment)."""
    segs = [speech[: 20000], speech[3000:40000], speech[1000:9000] * 0.5]
    mix, spans, _ = master.layout(segs, pause_ms=pause_ms)
    whole = loudness.k_power(mix)
    parts = loudness.power_from_segments(len(mix), spans, [loudness.segment_kweighted(s) for s in segs])
    assert np.allclose(parts, whole, rtol=1e-4, atol=1e-9)
    assert loudness.lufs_from_power(parts) == pytest.approx(loudness.integrated_lufs(mix), abs=1e-4)


def test_mastering_imports_neither_scipy_nor_pyloudnorm(tmp_path):
    """Each rebuild runs in a new process: importing scipy.signal alone took 2.5 s here."""
    code = (
        "import sys, numpy as np\n"
        "from pipeline.audio import ffmpeg, master\n"
        "t = np.arange(3 * 44100) / 44100\n"
        "seg = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)\n"
        "seg22 = ffmpeg.to_rate(seg[::2], 22050)\n"
        f"r = master.master_episode([seg, seg22], {str(tmp_path / 'x.mp3')!r})\n"
        "assert r.loudness['integrated_lufs'] is not None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyloudnorm')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"
