"""The engine interface and the request checks engines share. Engines write
their WAVs with pipeline.audio.wav.write_wav."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import EngineError


@runtime_checkable
class TtsEngine(Protocol):
    """A speech engine. Engines are cheap to construct; heavy state loads lazily."""

    name: str
    offline: bool  # True when the engine never needs the network

    def supports(self, lang: str) -> bool:
        """True if the engine has a voice for `lang`; must not touch the network."""

    def voice_id(self, lang: str) -> str:
        """A stable identifier of the voice used for `lang` (part of the cache key)."""

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        """Write `text` spoken in `lang` to `out_wav` (atomically).

        Raises EngineUnavailable when the engine cannot run here (fall back),
        EngineError for anything else.
        """


def check_request(text: str, rate: float | None = None) -> None:
    """What an engine refuses before any work: empty text, and (engines that do not
    clamp it) a speaking rate that is not > 0."""
    if not text.strip():
        raise EngineError("nothing to speak: empty text")
    if rate is not None and rate <= 0:
        raise EngineError(f"rate must be > 0, got {rate}")
