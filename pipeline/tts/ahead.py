"""The head of an episode spoken on two cores.

Nothing of an episode can be heard before its gain is fixed, once GAIN_SPEECH_S of
speech is in (pipeline.audio.assemble): until then the hearer has nothing to do and,
on two cores, one of them idles while the synthesis thread speaks the first
segments one by one. SpeakAhead lends that core to a second speaker: a thread that,
holding a spare core token (pipeline.overlap), speaks the next segments not yet
taken while the synthesis thread speaks its own. The synthesis thread still takes
every segment in order (`take`), so the pieces, the timeline and the bytes are the
same as one by one: each segment's audio depends on its text and seed only, not on
the thread that spoke it. Once the gain is fixed (`head()` false) the second speaker
stops and the core goes back to hearing.

Only an engine that can speak from two threads at once says so (`concurrent`,
piper); a segment with a heal override or a host's own voice is left to the
synthesis thread, which knows its fallbacks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager


class SpeakAhead:
    """`speak(i)` -> the result of segment i; `speakable(i)`: whether the second speaker
    may speak it; `head()`: whether nothing can be heard yet; `spare()`: holds a core
    token while the second speaker speaks one segment."""

    def __init__(self, n: int, speak: Callable[[int], tuple], speakable: Callable[[int], bool],
                 head: Callable[[], bool], spare: Callable[[], AbstractContextManager]):
        self.n, self._speak, self._speakable, self._head, self._spare = n, speak, speakable, head, spare
        self._cond = threading.Condition()
        self._claimed: set[int] = set()
        self._done: dict[int, tuple | BaseException] = {}
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.spoken_ahead = 0       # segments the second speaker spoke

    def take(self, i: int) -> tuple:
        """Segment i's result, in the synthesis thread: spoken here unless the second
        speaker has it, and while waiting for it, the next free segment spoken here."""
        while True:
            with self._cond:
                if i in self._done:
                    return self._result(i)
                # the second speaker has i: speak the next free one meanwhile, or wait for i
                mine = i if i not in self._claimed else self._next_free() if self._head() else None
                if mine is None:
                    self._cond.wait()
                    continue
                self._claimed.add(mine)
            self._run(mine)
            if mine == i:
                self._start()          # the engine is loaded now: the second speaker may begin
                return self._result(i)

    def stop(self) -> None:
        """No more segments: the second speaker ends at its next look (not waited for: it
        may be waiting for a core token a hearer holds, and every segment is taken)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def _result(self, i: int) -> tuple:
        with self._cond:
            got = self._done.pop(i)
        if isinstance(got, BaseException):
            raise got
        return got

    def _next_free(self) -> int | None:
        return next((j for j in range(self.n) if j not in self._claimed and self._speakable(j)), None)

    def _run(self, i: int) -> None:
        try:
            got: tuple | BaseException = self._speak(i)
        except BaseException as e:  # noqa: BLE001  (raised where the segment is taken)
            got = e
        with self._cond:
            self._done[i] = got
            self._cond.notify_all()

    def _start(self) -> None:
        if self._thread is None and self.n > 1:
            self._thread = threading.Thread(target=self._second_speaker, name="speak-ahead", daemon=True)
            self._thread.start()

    def _second_speaker(self) -> None:
        while not self._stopped and self._head():
            with self._spare():
                with self._cond:
                    j = None if self._stopped or not self._head() else self._next_free()
                    if j is None:
                        return
                    self._claimed.add(j)
                self._run(j)
                self.spoken_ahead += 1
