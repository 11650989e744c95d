"""pipeline.tts.ahead: the head of an episode spoken on two threads, taken in order.

Fake segments (sleeps) for the turns; real piper for the promise that a segment's
audio does not depend on the thread that spoke it, nor on another one speaking at
the same time."""

import threading
import time
from contextlib import contextmanager

import pytest

from pipeline.tts.ahead import SpeakAhead


class Segments:
    """n segments of `seconds` each; records who spoke what and how many ran at once."""

    def __init__(self, seconds: list[float], fail: int | None = None):
        self.seconds, self.fail = seconds, fail
        self.by: dict[int, str] = {}
        self.running = self.most = 0
        self.lock = threading.Lock()

    def speak(self, i: int) -> tuple:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.by[i] = threading.current_thread().name
        time.sleep(self.seconds[i])
        with self.lock:
            self.running -= 1
        if i == self.fail:
            raise RuntimeError(f"segment {i} failed")
        return (f"row-{i}", f"wav-{i}")


def one_token():
    token = threading.Semaphore(1)

    @contextmanager
    def spare():
        with token:
            yield
    return spare


def test_the_head_is_spoken_on_two_threads_and_taken_in_order():
    segs = Segments([0.02, 0.1, 0.1, 0.1, 0.1, 0.02])
    ahead = SpeakAhead(6, segs.speak, lambda j: True, lambda: True, one_token())
    got = [ahead.take(i) for i in range(6)]
    ahead.stop()
    assert got == [(f"row-{i}", f"wav-{i}") for i in range(6)]
    assert segs.by[0] == "MainThread"                      # the first loads the engine, alone
    assert ahead.spoken_ahead >= 2 and "speak-ahead" in segs.by.values()
    assert segs.most == 2


def test_once_the_gain_is_fixed_the_second_speaker_stops():
    segs = Segments([0.05] * 8)
    head = threading.Event()
    head.set()
    started: dict[int, bool] = {}           # segment -> whether the head was still on when it began
    speak = segs.speak

    def watched(i):
        started[i] = head.is_set()
        return speak(i)

    ahead = SpeakAhead(8, watched, lambda j: True, head.is_set, one_token())
    for i in range(8):
        ahead.take(i)
        if i == 1:
            head.clear()                    # the gain is fixed: pieces can be heard now
    ahead.stop()
    after = [i for i, on in started.items() if not on]
    # at most the one the second speaker claimed as the head ended; the rest by the synthesis thread
    assert len(after) >= 2 and sum(segs.by[i] == "speak-ahead" for i in after) <= 1, (segs.by, started)


def test_a_segment_it_may_not_speak_is_left_to_the_synthesis_thread():
    segs = Segments([0.02] + [0.05] * 5)
    ahead = SpeakAhead(6, segs.speak, lambda j: j != 2, lambda: True, one_token())
    [ahead.take(i) for i in range(6)]
    ahead.stop()
    assert segs.by[2] == "MainThread"


def test_a_failure_in_the_second_speaker_is_raised_where_its_segment_is_taken():
    segs = Segments([0.02, 0.2, 0.05, 0.05], fail=2)
    ahead = SpeakAhead(4, segs.speak, lambda j: True, lambda: True, one_token())
    assert ahead.take(0) == ("row-0", "wav-0")
    ahead.take(1)
    with pytest.raises(RuntimeError, match="segment 2 failed"):
        ahead.take(2)
    ahead.stop()


@pytest.mark.slow
def test_piper_speaks_the_same_bytes_from_two_threads_at_once(tmp_path):
    """A segment's audio depends on its text and seed only (pipeline.tts.seeded keeps the
    seed per thread): two threads speaking at once give the bytes of one after the other."""
    from pipeline.tts import get_engine

    engine = get_engine("piper")
    texts = ["The harbor ferry carried 1,250 passengers a day in 2024.",
             "Tickets cost 4 dollars, and the port plans 3 new routes next summer."]
    for i, text in enumerate(texts):
        engine.synthesize(text, "en", tmp_path / f"alone-{i}.wav", seed=7 + i)
    threads = [threading.Thread(target=engine.synthesize, args=(text, "en", tmp_path / f"both-{i}.wav"),
                                kwargs={"seed": 7 + i}) for i, text in enumerate(texts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(len(texts)):
        assert (tmp_path / f"both-{i}.wav").read_bytes() == (tmp_path / f"alone-{i}.wav").read_bytes()
