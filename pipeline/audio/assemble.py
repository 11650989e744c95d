"""Episode assembly from cached segment WAVs: each segment's samples and
analyses kept beside its WAV, then mastered into one MP3 (atomically)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import EngineError
from ..fsio import atomic_path, write_bytes
from . import dynamics, master, pieces
from .ffmpeg import SAMPLE_RATE, decode, ffmpeg_exe, resampled_length, to_rate
from .limiter import BLOCK, ENVELOPE_PAD, forward_peaks, segment_peaks
from .loudness import K_TAIL_S, segment_kweighted
from .mastering import Mastering
from .wav import read_wav, wav_frames


def assemble(wavs: list[Path], out_mp3: Path, mastering: Mastering | None = None):
    """Join `wavs` with `mastering.pause_ms` of silence between them into one mastered MP3 (atomic).

    Returns each input's (start_s, end_s) in the episode (exact, from sample
    counts; the MP3's LAME/Info header makes decoders drop the encoder delay).
    Loudness, true-peak limiting and music: see pipeline.audio.master. The full
    result (with the loudness measured on the decoded MP3) is `assemble_full`.
    """
    return assemble_full(wavs, out_mp3, mastering or Mastering()).times


def assemble_full(wavs, out_mp3, mastering: Mastering, before_rename=None, hint=None):
    """`assemble`, returning pipeline.MasterResult; `before_rename(tmp_path, result)`
    runs on the finished temporary MP3 (e.g. to write its tags) before it replaces `out_mp3`."""
    if not wavs:
        raise EngineError("nothing to assemble: no audio segments")
    mastering.check()
    channels = mastering.channels
    ffmpeg_exe()
    segments = [load_at_rate(p) for p in wavs]
    dyns = [load_dynamics(p, seg) for p, seg in zip(wavs, segments)]
    peaks, kweighted = zip(*[load_analysis(p, d.samples) for p, d in zip(wavs, dyns)])
    intro = decode(mastering.music_intro, channels) if mastering.music_intro else None
    outro = decode(mastering.music_outro, channels) if mastering.music_outro else None
    with atomic_path(Path(out_mp3)) as tmp:
        result = master.master_episode(segments, tmp, mastering, music_intro=intro, music_outro=outro,
                                       hint=hint, peaks=list(peaks), kweighted=list(kweighted),
                                       dynamics=dyns)
        if before_rename:
            before_rename(tmp, result)
    return result


def mastering_key(mastering: Mastering) -> dict:
    """Mastering.key with the version of the dynamics processing (both shape the bytes)."""
    return mastering.key(dynamics.VERSION)


def load_at_rate(wav: str | os.PathLike) -> np.ndarray:
    """A segment's samples at the episode rate, float32, kept beside its WAV.

    Segment WAVs live in the content-addressed TTS cache, so the resampled copy
    is as good as its WAV; a rebuild after an edit resamples the new segment only.
    """
    wav = Path(wav)
    expect = resampled_length(*wav_frames(wav))
    return _kept_beside(wav, "soxr", expect, lambda: to_rate(*read_wav(wav)))


def _beside(wav: Path, kind: str) -> Path:
    return Path(wav).with_name(f"{Path(wav).stem}.{SAMPLE_RATE}.{kind}.f32")


def _kept_beside(wav: Path, kind: str, expect: int, compute) -> np.ndarray:
    """A float32 array derived from a cached segment, kept beside its WAV: the WAV is
    content-addressed, so the copy is as good as it; a wrong size means a damaged copy."""
    cached = _beside(wav, kind)
    if cached.exists() and cached.stat().st_size == 4 * expect:
        return np.fromfile(cached, dtype=np.float32)
    data = np.asarray(compute(), dtype=np.float32)
    write_bytes(cached, data.tobytes())
    return data


def load_dynamics(wav: str | os.PathLike, samples: np.ndarray):
    """The segment through the leveller and compressor (pipeline.audio.dynamics.process),
    kept beside its WAV with the figures of both, like its resampled samples."""

    n = len(samples)
    data = _kept_beside(Path(wav), f"dyn{dynamics.VERSION}", dynamics.packed_length(n),
                        lambda: dynamics.pack(dynamics.process(samples)))
    return dynamics.unpack(data, n)


def dynamics_path(wav: str | os.PathLike) -> Path:
    """Where load_dynamics keeps a segment's dynamics."""
    return _beside(Path(wav), f"dyn{dynamics.VERSION}")


def store_dynamics(wav: str | os.PathLike, dyn) -> None:
    """Keep `dyn` as the segment's dynamics, found by load_dynamics from then on: a
    conversation's turns are trimmed after the compressor (pipeline.audio.speakers)."""
    write_bytes(dynamics_path(wav), dynamics.pack(dyn).tobytes())


def load_analysis(wav: str | os.PathLike, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The processed segment's true-peak envelope and K-weighted signal
    (segment_peaks, segment_kweighted), kept beside its WAV."""

    wav, tag = Path(wav), f"dyn{dynamics.VERSION}"
    peaks = _kept_beside(wav, f"{tag}.peaks", len(samples) + 2 * ENVELOPE_PAD,
                         lambda: segment_peaks(samples))
    kw = _kept_beside(wav, f"{tag}.kw", len(samples) + round(K_TAIL_S * SAMPLE_RATE),
                      lambda: segment_kweighted(samples))
    return peaks, kw



# --- one piece per segment (pipeline.audio.pieces) ---------------------------------------------

GAIN_SPEECH_S = 30.0      # the episode gain is fixed once this much speech is synthesized
# (measured on the demo: the first 45 s give a gain 0.24 dB from the whole episode's;
# the intro alone, 1.6 dB)


class PieceMaker:
    """Segments in, pieces out, in order, as soon as the episode gain is known.

    `add` each segment's WAV as it is synthesized; pieces are mastered once
    GAIN_SPEECH_S of speech is in (or at `finish`), each one handed to
    `on_piece(index, piece)` (e.g. to be transcribed while the next segment is
    spoken). `gain_db`: the gain of the last assembly, when mastered the same
    way (then unchanged segments give the same bytes, from `cache`)."""

    def __init__(self, cache: Path, mastering: Mastering, gain_db: float | None = None, on_piece=None):
        self.cache, self.mastering, self.key = Path(cache), mastering, mastering_key(mastering)
        if mastering.loudness_lufs is None:
            raise EngineError("pieces are mastered to a loudness target: give loudness_lufs")
        self.pause, self.target, self.ceiling = mastering.pause_samples, mastering.loudness_lufs, mastering.true_peak_db
        self.kbps, self.channels = mastering.kbps, mastering.channels
        self.gain, self.on_piece = gain_db, on_piece
        self.dyns: list = []
        # each segment's forward true peaks (limiter.forward_peaks), computed once for the
        # gain, its piece and the report, and only when one of them is made (a rebuild
        # whose pieces are all cached needs none); once its piece is made, only its
        # block peaks are kept (None: not computed yet)
        self.peaks: list[np.ndarray | None] = []
        self.block_peaks: list[np.ndarray | None] = []
        self.keys: list[str] = []
        self.pieces: list[pieces.Piece] = []
        self.new = 0

    def add(self, wav: Path, audio_key: str) -> None:
        self.dyns.append(load_dynamics(wav, load_at_rate(wav)))
        self.peaks.append(None)
        self.keys.append(audio_key)
        if self.gain is None and sum(len(d.samples) for d in self.dyns) >= GAIN_SPEECH_S * SAMPLE_RATE:
            self._fix_gain()
        self._flush()

    def finish(self) -> list:
        if self.gain is None:
            self._fix_gain()
        self._flush()
        return self.pieces

    def _fix_gain(self) -> None:
        aim = self.target + master.ENCODE_LUFS_LOSS_DB
        self.gain = pieces.episode_gain([d.samples for d in self.dyns], self.pause, aim, self.ceiling,
                                        [self._peaks(i) for i in range(len(self.dyns))])

    def _peaks(self, i: int) -> np.ndarray:
        peaks = self.peaks[i]
        if peaks is None:
            peaks = self.peaks[i] = forward_peaks(self.dyns[i].samples)
        return peaks

    def _block_peaks(self, i: int) -> np.ndarray:
        """Segment i's block peaks for the report (its piece is made by then)."""
        blocks = self.block_peaks[i]
        if blocks is None:
            blocks = self.block_peaks[i] = pieces.speech_block_peaks(forward_peaks(self.dyns[i].samples))
        return blocks

    def _flush(self) -> None:
        while self.gain is not None and len(self.pieces) < len(self.dyns):
            i = len(self.pieces)
            key = pieces.piece_key(self.keys[i], self.key, self.gain)
            piece = pieces.cached_piece(self.cache, key)
            if piece is None:
                piece = pieces.master_piece(self.dyns[i].samples, self.gain, self.pause, self.ceiling,
                                            self.kbps, self.channels, peaks=self._peaks(i))
                pieces.keep_piece(self.cache, key, piece)
                self.new += 1
            done = self.peaks[i]
            self.block_peaks.append(None if done is None else pieces.speech_block_peaks(done))
            self.peaks[i] = np.zeros(0)       # done with: an hour of them would be 1.3 GB
            self.pieces.append(piece)
            if self.on_piece:
                self.on_piece(i, piece)

    def _speech_reduction(self, i: int) -> np.ndarray:
        """The limiter's reduction over segment i's speech blocks, as its piece was limited."""
        d, piece = self.dyns[i], self.pieces[i]
        assert self.gain is not None
        reduction = pieces.limiter_blocks(d.samples, self.gain, self.ceiling - piece.margin_db,
                                          self._block_peaks(i))
        return reduction[d.speech_blocks()[: -(-len(d.samples) // BLOCK)]]

    def loudness(self, measured: dict) -> dict:
        """The timeline's loudness figures: measured on the joined MP3, as audio.master's."""
        assert self.gain is not None          # fixed by finish()
        reduction = np.concatenate([self._speech_reduction(i) for i in range(len(self.pieces))])
        fin = {k: (round(v, 2) if np.isfinite(v) else None) for k, v in measured.items()}
        return {**fin, "target_lufs": self.target, "ceiling_dbtp": self.ceiling,
                "gain_db": round(self.gain, 2),
                "limiter_reduction_db": dynamics.percentiles(reduction, ("p50", "p95", "max")),
                **dynamics.figures(self.dyns),
                "encoder_margin_db": max(p.margin_db for p in self.pieces),
                "aim_lufs": round(self.target + master.ENCODE_LUFS_LOSS_DB, 3),
                "encodes": len(self.pieces), "new_pieces": self.new,
                "measured_on": "decoded mp3", "meter": master.METER, "layout": "pieces"}


def assemble_pieces(maker: PieceMaker, out_mp3: Path, before_rename=None) -> master.MasterResult | None:
    """The pieces joined into `out_mp3` (atomic), measured as a player decodes it; None
    (nothing written) when its loudness or true peak is outside the tolerances."""
    from .loudness import measure

    times, duration = pieces.piece_times(maker.finish())
    try:
        with atomic_path(Path(out_mp3)) as tmp:
            pieces.write_episode(maker.pieces, tmp)
            measured = measure(tmp)
            lufs, tp = measured["integrated_lufs"], measured["true_peak_dbtp"]
            if not (abs(lufs - maker.target) <= master.LUFS_TOLERANCE and tp <= maker.ceiling):
                raise _OutOfTolerance(f"{lufs:.2f} LUFS, {tp:.2f} dBTP")
            result = master.MasterResult(times=times, duration=duration, loudness=maker.loudness(measured),
                                         pieces=maker.pieces)
            if before_rename:
                before_rename(tmp, result)
    except _OutOfTolerance:
        return None
    return result


class _OutOfTolerance(Exception):
    """The joined pieces missed the loudness target or the ceiling: nothing is written."""
