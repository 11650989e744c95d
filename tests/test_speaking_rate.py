"""The speaking rate of each voice, learned from the timelines of its own audio."""

import pytest

from pipeline.condense import rate


def timeline(engine, lang, wpm, words=40, n=5, speed=1.0):
    """A voice's timeline: n segments of `words` words, each lasting what `wpm` words per minute take."""
    segs, t = [], 0.0
    for i in range(n):
        seconds = 60 * words / wpm
        segs.append({"id": f"point-{i}", "text": " ".join(["word"] * words), "engine": engine,
                     "start": t, "end": t + seconds})
        t += seconds + 0.6
    return {"language": lang, "rate": speed, "segments": segs}


def test_unknown_voice_uses_the_shipped_rate_of_its_engine(tmp_path):
    assert rate.words_per_minute("pico", "fr", 1.0, tmp_path) == rate.SHIPPED_WPM["pico"]["fr"]
    assert rate.words_per_minute("espeak", "en", 1.2, tmp_path) == pytest.approx(1.2 * rate.SHIPPED_WPM["espeak"]["en"])
    assert rate.words_per_minute(None, "fr", 1.0, tmp_path) == rate.DEFAULT_WPM["fr"]


def test_the_rate_converges_to_the_voices_own_from_its_timelines(tmp_path):
    for _ in range(3):
        rate.learn(timeline("piper", "en", 121), tmp_path)
    assert rate.words_per_minute("piper", "en", 1.0, tmp_path) == pytest.approx(121, rel=0.01)
    # Another language, engine or rate setting is learned apart.
    assert rate.words_per_minute("piper", "fr", 1.0, tmp_path) == rate.DEFAULT_WPM["fr"]
    assert rate.words_per_minute("piper", "en", 1.25, tmp_path) == pytest.approx(1.25 * rate.SHIPPED_WPM["piper"]["en"])


def test_a_voice_that_changes_is_followed(tmp_path):
    for _ in range(40):
        rate.learn(timeline("kokoro", "fr", 150), tmp_path)
    for _ in range(60):
        rate.learn(timeline("kokoro", "fr", 190), tmp_path)
    assert rate.words_per_minute("kokoro", "fr", 1.0, tmp_path) == pytest.approx(190, rel=0.05)


def test_too_little_audio_is_not_trusted(tmp_path):
    rate.learn(timeline("pico", "en", 300, words=10, n=3), tmp_path)
    assert rate.words_per_minute("pico", "en", 1.0, tmp_path) == rate.SHIPPED_WPM["pico"]["en"]


def test_audio_from_the_cache_is_counted_once(tmp_path):
    """Heal and the adjust step speak an episode again: its cached segments teach nothing new."""
    rate.learn(timeline("espeak", "fr", 240, words=100, n=3), tmp_path)
    again = timeline("espeak", "fr", 240, words=100, n=3)
    for seg in again["segments"]:
        seg["cache_hit"] = True
    for _ in range(5):
        rate.learn(again, tmp_path)
    rate.learn(timeline("espeak", "fr", 160, words=100, n=3), tmp_path)
    assert rate.words_per_minute("espeak", "fr", 1.0, tmp_path) == pytest.approx(192, rel=0.01)
