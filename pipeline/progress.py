"""What a person sees while the pipeline works: one logging convention and stage progress.

Messages go through `logging` (the "pipeline" logger tree), configured once by
the CLI (`configure`): to stderr, INFO by default, ERROR with -q, DEBUG with -v.
Machine output (JSON, the tables a command was asked for) goes to stdout and
never through here.

Stages report progress through a context manager:

    with progress.stage("transcribe", unit="s") as bar:
        bar.add_total(duration)
        bar.advance(seconds_done)

On a terminal a stage is a bar that redraws in place (log lines print above
it); piped, each stage is one line with its time when it ends; with -q
nothing. Code deep inside a stage reaches the innermost one with `current()`
(a stage that shows nothing when none is open), so engines need no callback
threaded through. Top-level stages are timed for `summary()`.

Nothing is shown until `configure` is called: library callers and batch
worker processes (which never call it) get no bars and no INFO lines; WARNING
and above still reach stderr through logging's last-resort handler.
Standard library only: `numbers` imports the CLI and must stay light.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .text import sanitize

LOGGER = "pipeline"
OFF, LINES, BARS = "off", "lines", "bars"
BAR_WIDTH = 16
REDRAW_SECONDS = 0.1      # at most ten redraws a second: a bar must not slow the work
TICK_SECONDS = 0.5        # the elapsed time moves even while no unit is done (a model loading)
SPINNER = "|/-\\"
CLEAR_LINE = "\r\033[K"
# Messages that already say what they are ("note: ...") get no "warning: " in front.
SELF_NAMED = ("warning", "error", "note", "interrupted")

log = logging.getLogger(LOGGER)

_lock = threading.RLock()
_state = {"mode": OFF}
_stack: list[Stage] = []
_timings: list[tuple[str, float, str]] = []    # top-level stages: (name, seconds, what was done)


def configure(verbosity: int = 0, stream=None) -> str:
    """Set up logging and progress once, for the CLI: verbosity -1 (-q), 0, or 1 (-v).

    Returns the progress mode: "bars" on a terminal, "lines" when piped,
    "off" when quiet. `stream` (default: sys.stderr at each write) is for tests."""
    level = {-1: logging.ERROR, 0: logging.INFO}.get(verbosity, logging.DEBUG)
    root = logging.getLogger(LOGGER)
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, StderrHandler)]
    root.addHandler(StderrHandler(stream))
    root.setLevel(level)
    root.propagate = False
    out = stream if stream is not None else sys.stderr
    if level > logging.INFO:
        mode = OFF
    elif is_terminal(out):
        mode = BARS
    else:
        mode = LINES
    _state["mode"] = mode
    return mode


def is_terminal(stream) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):   # a closed or fake stream
        return False


def mode() -> str:
    return _state["mode"]


class StderrHandler(logging.Handler):
    """One line per message on stderr (looked up at each write, so tests can capture
    it); a bar on screen is cleared first and drawn again after."""

    def __init__(self, stream=None):
        super().__init__()
        self._stream = stream

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = sanitize(record.getMessage())
            if record.levelno >= logging.WARNING and not text.startswith(SELF_NAMED):
                text = f"{record.levelname.lower()}: {text}"
            elif record.levelno < logging.INFO:
                text = f"debug: {record.name}: {text}"
            write_line(text, self.stream)
        except Exception:  # noqa: BLE001 -- logging must never break the work it reports on
            self.handleError(record)


def write_line(text: str, stream=None) -> None:
    """Print a line on stderr without tearing a bar that is on screen."""
    stream = stream if stream is not None else sys.stderr
    with _lock:
        bar = _stack[-1] if _stack and mode() == BARS else None
        if bar is not None and bar.drawn:
            stream.write(CLEAR_LINE)
        stream.write(text + "\n")
        if bar is not None:
            bar.draw(force=True)
        stream.flush()


class Stage:
    """One stage's progress: a count of units done out of a total (which may grow)."""

    def __init__(self, name: str, label: str, total: float | None, unit: str, depth: int):
        self.name, self.label, self.unit, self.depth = name, label, unit, depth
        self.total = total
        self.done = 0.0
        self.notes: list[str] = []
        self.activity = ""
        self.started = time.monotonic()
        self.drawn = False
        self._last_draw = 0.0

    # --- what the work calls ---
    def add_total(self, amount: float) -> None:
        """More work announced (e.g. the audio length of each part to transcribe)."""
        with _lock:
            self.total = (self.total or 0.0) + max(float(amount), 0.0)
            self.draw()

    def advance(self, amount: float = 1.0) -> None:
        with _lock:
            self.done += max(float(amount), 0.0)
            self.draw()

    def status(self, text: str) -> None:
        """What the stage is doing right now (shown in the bar only)."""
        with _lock:
            self.activity = text
            self.draw()

    def note(self, text: str) -> None:
        """A result worth keeping: added to the stage's final line."""
        self.notes.append(text)

    # --- rendering ---
    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def amount(self) -> str:
        """'7/7 segments', '41.2/41.2 s': the count, when there is something to count."""
        if not self.total:
            return ""
        whole = float(self.total).is_integer() and float(self.done).is_integer()
        fmt = (lambda v: f"{v:.0f}") if whole else (lambda v: f"{v:.1f}")
        done = min(self.done, self.total)
        count = fmt(self.total) if done >= self.total - 1e-6 else f"{fmt(done)}/{fmt(self.total)}"
        unit = self.unit[:-1] if self.total == 1 and self.unit.endswith("s") and " " not in self.unit \
            else self.unit    # "1 segment"
        return f"{count} {unit}".rstrip()

    def final_line(self) -> str:
        what = ", ".join(n for n in [self.amount(), *self.notes] if n)
        indent = "  " * self.depth
        return f"{indent}{self.label}: {what + ', ' if what else ''}{self.elapsed:.1f} s"

    def bar_line(self, width: int) -> str:
        clock = f"{int(self.elapsed) // 60}:{int(self.elapsed) % 60:02d}"
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * BAR_WIDTH)
            gauge = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
        else:
            gauge = f"[{SPINNER[int(self.elapsed / TICK_SECONDS) % len(SPINNER)]}]"
        parts = [("  " * self.depth) + self.label, gauge, self.amount(), clock, self.activity]
        return "  ".join(p for p in parts if p)[: max(width - 1, 10)]

    def draw(self, force: bool = False) -> None:
        """Redraw the bar in place (terminal only, innermost stage only, throttled)."""
        if mode() != BARS or not _stack or _stack[-1] is not self:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        width = shutil.get_terminal_size((80, 24)).columns
        stream = _handler_stream()
        stream.write(CLEAR_LINE + self.bar_line(width))
        stream.flush()
        self.drawn = True


class _Null(Stage):
    """current() outside any stage: accepts the calls, shows nothing."""

    def __init__(self):
        super().__init__("", "", None, "", 0)

    def draw(self, force: bool = False) -> None:
        return None


def _handler_stream():
    for h in logging.getLogger(LOGGER).handlers:
        if isinstance(h, StderrHandler):
            return h.stream
    return sys.stderr


def depth() -> int:
    """How many stages are open (0: none)."""
    return len(_stack)


_quiet = threading.local()


def current() -> Stage:
    """The innermost open stage, or one that shows nothing (always, in a `quiet` thread)."""
    return _stack[-1] if _stack and not getattr(_quiet, "on", False) else _Null()


@contextmanager
def quiet() -> Iterator[None]:
    """This thread reports to no stage (pipeline.overlap's transcriber, beside the synthesis bar)."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


@contextmanager
def stage(name: str, total: float | None = None, unit: str = "", label: str | None = None) -> Iterator[Stage]:
    """Time and show one stage; its final line is logged at INFO when it ends well.

    A stage opened inside another (heal re-synthesizing inside verify) shows
    indented and is not counted again in the summary."""
    with _lock:
        bar = Stage(name, label or name, total, unit, depth=len(_stack))
        _stack.append(bar)
        log.debug("start: %s", bar.label)
        bar.draw(force=True)
    ticker = _Ticker(bar) if mode() == BARS else None
    ok = False
    try:
        yield bar
        ok = True
    finally:
        if ticker:
            ticker.stop()
        with _lock:
            _stack.remove(bar)
            stream = _handler_stream()
            if bar.drawn:
                stream.write(CLEAR_LINE)
                stream.flush()
            if bar.depth == 0:
                _timings.append((name, bar.elapsed, bar.amount()))
        if ok:
            log.info(bar.final_line())
        if _stack:
            _stack[-1].draw(force=True)


class _Ticker:
    """Redraws the bar twice a second so the clock moves while nothing is counted."""

    def __init__(self, bar: Stage):
        self._bar = bar
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with _lock:
                self._bar.draw(force=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)


def clear_timings() -> None:
    _timings.clear()


def summary(title: str) -> str:
    """The top-level stages timed since clear_timings(), one per line, and the total."""
    total = sum(seconds for _, seconds, _ in _timings)
    width = max((len(name) for name, _, _ in _timings), default=0)
    lines = [f"{title} in {total:.1f} s"]
    for name, seconds, what in _timings:
        lines.append(f"  {name.ljust(width)}  {seconds:6.1f} s" + (f"  ({what})" if what else ""))
    return "\n".join(lines)
