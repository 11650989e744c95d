"""How an episode is mastered, as one value: built once from the episode settings
(`Mastering.of`), checked once against one table of ranges, and handed whole to
synthesis, the piece maker and the full mastering (pipeline.audio.assemble,
pipeline.audio.master) instead of a dozen loose parameters.

No numpy here: the episode settings (pipeline.config.episode) read the ranges
without loading the audio stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError

SAMPLE_RATE = 44100            # every episode is mastered at 44.1 kHz
CBR_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
# The mastering settings and the values that make sense, (low, high, unit): the one
# table the episode settings (pipeline.config.episode.RANGES) and Mastering.check use.
RANGES: dict[str, tuple[float, float, str]] = {
    "pause_ms": (0, 10000, " ms"), "channels": (1, 2, " (mono or stereo)"),
    "loudness_lufs": (-40, -5, " LUFS"), "true_peak_db": (-9, 0, " dBTP"),
}


@dataclass(frozen=True)
class Mastering:
    pause_ms: int = 600                    # silence between segments
    bitrate: str = "64k"                   # MP3 constant bitrate
    channels: int = 1                      # 1 = mono (podcast default), 2 = stereo
    loudness_lufs: float | None = -16.0    # integrated loudness target (None: no normalization)
    true_peak_db: float = -1.0             # ceiling, dBTP
    music_intro: str | None = None         # audio file played under/before the intro
    music_outro: str | None = None

    @classmethod
    def of(cls, settings: Any, pause_ms: int | None = None) -> Mastering:
        """The mastering of an episode's settings (pipeline.config.episode.EpisodeSettings);
        `pause_ms`, when given, overrides the settings' pause. Checked."""
        return cls(pause_ms=settings.pause_ms if pause_ms is None else pause_ms,
                   bitrate=settings.bitrate, channels=settings.channels,
                   loudness_lufs=settings.loudness_lufs, true_peak_db=settings.true_peak_db,
                   music_intro=settings.music_intro, music_outro=settings.music_outro).check()

    def check(self) -> Mastering:
        """Fail on impossible audio settings before any speech is synthesized."""
        _ = self.kbps
        if not isinstance(self.pause_ms, int) or isinstance(self.pause_ms, bool):
            raise InputError(f"pause_ms must be a whole number of ms, got {self.pause_ms!r}",
                             "set pause_ms in the episode settings")
        for name, (low, high, unit) in RANGES.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise InputError(f"{name} {value} is out of range",
                                 f"use {low:g} to {high:g}{unit} in the episode settings")
        return self

    @property
    def kbps(self) -> int:
        return parse_bitrate(self.bitrate)

    @property
    def mono(self) -> bool:
        return self.channels == 1

    @property
    def pause_samples(self) -> int:
        return round(SAMPLE_RATE * self.pause_ms / 1000)

    def key(self, dynamics_version: int) -> dict:
        """What the MP3's bytes depend on (the timeline's `mastering`, part of the assembly
        key and of each piece's key; pipeline.audio.assemble.mastering_key adds the
        dynamics' version): the music files count by content, elsewhere."""
        return {"pause_ms": self.pause_ms, "bitrate": self.bitrate, "channels": self.channels,
                "sample_rate": SAMPLE_RATE, "loudness_lufs": self.loudness_lufs,
                "true_peak_db": self.true_peak_db, "dynamics": dynamics_version}


def parse_bitrate(bitrate: str) -> int:
    """'64k' -> 64 (kbit/s); only the MPEG-1 Layer III constant bitrates."""
    s = str(bitrate).strip().lower().removesuffix("k")
    if not s.isdigit() or int(s) not in CBR_KBPS:
        raise InputError(f"bitrate {bitrate!r} is not an MP3 constant bitrate",
                         f"use one of {', '.join(f'{k}k' for k in CBR_KBPS)}")
    return int(s)
