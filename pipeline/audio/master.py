"""Mastering: speech segments (+ optional music) -> a broadcast-ready MP3.

    result = master_episode(segments, out_mp3, Mastering(pause_ms=600, bitrate="64k", channels=1,
                                                     loudness_lufs=-16.0, true_peak_db=-1.0))

1. Layout. Segments are resampled to 44.1 kHz (ffmpeg's SoX resampler, exact
   sample counts) and placed one after the other with `pause_ms` of silence
   between them. Optional intro music plays alone for MUSIC_LEAD_S, then ducks
   under the first segment and fades out; optional outro music comes in ducked
   under the last segment and rises when the speech ends. The segment times
   returned are computed from sample counts and never move afterwards.
2. Dynamics. Before the layout, each segment goes through a slow leveller
   and a gentle compressor (pipeline.audio.dynamics: gains only, local to the
   segment), so the limiter below has little left to catch.
3. Loudness. One gain brings the mix to `target_lufs` integrated (ITU-R
   BS.1770-4 K-weighting and gating, computed here with numpy). Where that
   gain pushes the true peak (max |x| of the 4x oversampled signal, BS.1770-4
   Annex 2) above the ceiling, a look-ahead limiter multiplies the signal by a
   smooth gain envelope: it never shifts a sample, so the times stay exact.
   Both analyses are linear in the segments (or local to them), so they are
   kept per segment and an edit analyses only the new one.
4. Encoding. ffmpeg/libmp3lame, constant bitrate, 44.1 kHz, LAME/Info header
   (decoders drop the encoder delay and padding, so decoded audio lines up with
   the times), bit-exact flags: the same input gives the same bytes.
5. Measurement. The MP3 is measured as a player decodes it, by an independent
   meter (ffmpeg's EBU R128 filter); when the encoder's overshoot pushed the
   true peak above the ceiling, or its low-pass moved the loudness, the margin
   or the aim moves and the episode is encoded again. Those figures are returned.
"""


from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import EngineError
from .dynamics import percentiles
from .ffmpeg import SAMPLE_RATE, encode_mp3
from .limiter import BLOCK, ENVELOPE_PAD, block_gain, block_reduce, envelope_from_segments, limiter_gain, peak_envelope
from .loudness import METER, integrated_lufs, k_power, lufs_from_power, measure, power_from_segments
from .mastering import Mastering

ENCODE_MARGIN_DB = 2.0         # first guess of the MP3 encoder's true-peak overshoot (measured: 1.0-1.8 dB at 64k mono)
ENCODE_LUFS_LOSS_DB = 0.4      # loudness the encoder's low-pass takes (measured: ~0.45 LU at 64k mono)
MAX_ENCODES = 5
LUFS_TOLERANCE = 0.5          # re-encode when the decoded MP3 is further than this from the target
SEARCH_TOLERANCE_LU = 0.05     # the gain search stops this close to the loudness it aims at
SEARCH_ROUNDS = 8
MAX_MAKEUP_DB = 10.0           # gain above the unlimited match to the target, at most
# Music beds.
MUSIC_LEAD_S = 3.0             # intro music alone before the first word
MUSIC_LEVEL_LU = -6.0          # music at full level, relative to the speech loudness
DUCK_DB = -18.0                # music under speech, relative to its full level
DUCK_RAMP_S = 0.4              # ducking attack/release
MUSIC_FADE_S = 1.5             # intro music fade-out after the first segment
OUTRO_TAIL_S = 8.0             # outro music after the last word (at most)
EDGE_FADE_S = 0.05             # anti-click fade at the ends of a music file


@dataclass
class MasterResult:
    times: list[tuple[float, float]]          # each segment's (start_s, end_s) in the episode
    duration: float                           # episode length, seconds
    loudness: dict                            # measured on the decoded MP3
    music: dict = field(default_factory=dict)
    chapters: list = field(default_factory=list)      # filled by the caller when it tags the MP3
    pieces: list = field(default_factory=list)        # pipeline.audio.pieces.Piece, when joined from pieces


# ------------------------------------------------------------------ ffmpeg
def _ramp(n: int) -> np.ndarray:
    """Raised-cosine 0 -> 1 over n samples."""
    if n <= 0:
        return np.ones(0)
    return 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)


def duck_envelope(length: int, speech: list[tuple[int, int]], duck_db: float = DUCK_DB,
                  ramp_s: float = DUCK_RAMP_S, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Gain (linear) for a music bed: 1 in the clear, duck_db under speech (ramps start early)."""
    low = 10 ** (duck_db / 20)
    # depth: 1 = fully ducked; ramps finish before speech starts / begin after it ends
    depth = np.zeros(length)
    r = max(1, int(ramp_s * sample_rate))
    up = _ramp(r)
    for a, b in speech:
        a, b = max(0, a), min(length, b)
        if b <= a:
            continue
        depth[a:b] = 1.0
        lo = max(0, a - r)
        depth[lo:a] = np.maximum(depth[lo:a], up[r - (a - lo):])
        hi = min(length, b + r)
        depth[b:hi] = np.maximum(depth[b:hi], up[::-1][: hi - b])
    return 1.0 - depth * (1.0 - low)


def _fit_music(music: np.ndarray, speech_lufs: float) -> np.ndarray:
    """Scale a music bed to MUSIC_LEVEL_LU relative to the speech, with anti-click edges."""
    m = music.astype(np.float64)
    lufs = integrated_lufs(m)
    if np.isfinite(lufs) and np.isfinite(speech_lufs):
        m = m * 10 ** ((speech_lufs + MUSIC_LEVEL_LU - lufs) / 20)
    e = min(len(m) // 2, int(EDGE_FADE_S * SAMPLE_RATE))
    if e:
        m[:e] *= _ramp(e)[:, None]
        m[-e:] *= _ramp(e)[::-1][:, None]
    return m


def layout(segments: list[np.ndarray], pause_ms: int, channels: int = 1,
           music_intro: np.ndarray | None = None, music_outro: np.ndarray | None = None,
           ) -> tuple[np.ndarray, list[tuple[int, int]], dict]:
    """Place segments (mono, 44.1 kHz) with pauses and optional music beds.

    Returns (mix (n, channels), [(start, end) sample index per segment], music info).
    """
    if not segments:
        raise EngineError("nothing to assemble: no audio segments")
    if pause_ms < 0:
        raise EngineError(f"pause must be >= 0 ms, got {pause_ms}")
    pause = round(SAMPLE_RATE * pause_ms / 1000)
    lead = 0
    if music_intro is not None and len(music_intro):
        lead = min(len(music_intro), int(MUSIC_LEAD_S * SAMPLE_RATE))
    spans, cursor = [], lead
    for i, seg in enumerate(segments):
        if i:
            cursor += pause
        spans.append((cursor, cursor + len(seg)))
        cursor += len(seg)
    end = cursor
    info: dict = {}
    outro_start = spans[-1][0]
    if music_outro is not None and len(music_outro):
        end = max(end, outro_start + min(len(music_outro), spans[-1][1] - outro_start
                                         + int(OUTRO_TAIL_S * SAMPLE_RATE)))
    speech = np.zeros(end)
    for (a, b), seg in zip(spans, segments):
        speech[a:b] = seg
    mix = speech[:, None] if channels == 1 else np.repeat(speech[:, None], channels, axis=1)

    if (music_intro is not None and len(music_intro)) or (music_outro is not None and len(music_outro)):
        speech_lufs = integrated_lufs(speech)
        if music_intro is not None and len(music_intro):
            m = _fit_music(music_intro, speech_lufs)
            a0, b0 = spans[0]
            fade = int(MUSIC_FADE_S * SAMPLE_RATE)
            n = min(len(m), b0 + fade, end)
            m = m[:n].copy()
            if n > b0:   # fade out after the first segment
                k = n - b0
                m[b0:n] *= _ramp(fade)[::-1][:k, None]
            m *= duck_envelope(n, spans)[:, None]
            mix[:n] += m
            info["intro"] = {"start": 0.0, "end": n / SAMPLE_RATE, "lead": lead / SAMPLE_RATE}
        if music_outro is not None and len(music_outro):
            m = _fit_music(music_outro, speech_lufs)
            n = min(len(m), end - outro_start)
            m = m[:n].copy()
            tail = int(MUSIC_FADE_S * SAMPLE_RATE)
            if n > tail:
                m[n - tail:] *= _ramp(tail)[::-1][:, None]
            rel = [(a - outro_start, b - outro_start) for a, b in spans if b > outro_start]
            m *= duck_envelope(n, rel)[:, None]
            mix[outro_start:outro_start + n] += m
            info["outro"] = {"start": outro_start / SAMPLE_RATE, "end": (outro_start + n) / SAMPLE_RATE}
    return mix, spans, info


# ------------------------------------------------------------------ mastering

def _analyses(mix: np.ndarray, spans: list[tuple[int, int]], pause_ms: int, channels: int,
              peaks: list[np.ndarray] | None, kweighted: list[np.ndarray] | None,
              ) -> tuple[np.ndarray, np.ndarray]:
    """The mix's true-peak envelope and K-weighted power, from the segments' own
    when given (exact for speech alone: see segment_peaks, segment_kweighted)."""
    apart = round(SAMPLE_RATE * pause_ms / 1000) >= 2 * ENVELOPE_PAD
    if peaks is not None and apart:
        env = envelope_from_segments(len(mix), spans, peaks)
    else:
        env = peak_envelope(mix)
    if kweighted is not None:
        power = power_from_segments(len(mix), spans, kweighted, channels)
    else:
        power = k_power(mix)
    return env, power


def normalize(mix: np.ndarray, target_lufs: float | None, ceiling_db: float,
              envelope: np.ndarray | None = None, power: np.ndarray | None = None,
              start_gain_db: float | None = None, speech: np.ndarray | None = None,
              ) -> tuple[np.ndarray, dict]:
    """One gain to the target loudness, then true-peak limiting to the ceiling.

    Limiting lowers the loudness a little; the gain is searched so that the
    limited mix lands on the target. Each try is cheap: the true-peak envelope
    and the K-weighted power of the mix are computed once, reduced to blocks
    of BLOCK samples, and both scale with the gain; the limiter's slow gain
    envelope is applied to the power as it would be to the signal
    (K-weighting a signal multiplied by a gain that moves over tens of ms is,
    to a few hundredths of a LU, the K-weighted signal multiplied by that gain).
    `speech`: which BLOCK-sample blocks are speech; the limiter's reduction
    over them is reported as percentiles (all blocks when not given).
    """
    env = peak_envelope(mix) if envelope is None else envelope
    power = k_power(mix) if power is None else power
    block_peaks, block_power = block_reduce(env, np.max), block_reduce(power, np.sum)
    gain = search_gain(block_peaks, block_power, target_lufs, ceiling_db, start_gain_db)
    g = 10 ** (gain / 20)
    total = g * limiter_gain(env * g, ceiling_db, block_peaks=block_peaks * g)
    stats = {"gain_db": round(gain, 2),
             "limiter_reduction_db": limiter_reduction(block_peaks * g, ceiling_db, speech)}
    return mix * total[:, None], stats


def search_gain(block_peaks: np.ndarray, block_power: np.ndarray, target_lufs: float | None,
                ceiling_db: float, start_gain_db: float | None = None) -> float:
    """The gain (dB) that brings the limited mix to `target_lufs` (see normalize), from its
    true-peak level and K-weighted power per BLOCK; 0 without a target or for silence."""
    base = lufs_from_power(block_power, hop=BLOCK) if target_lufs is not None else float("-inf")
    gain = 0.0
    if target_lufs is not None and np.isfinite(base):     # (base is finite only with a target)
        gain = target_lufs - base if start_gain_db is None else start_gain_db
        tried: list[tuple[float, float]] = []
        for _ in range(SEARCH_ROUNDS):
            g = 10 ** (gain / 20)
            lim = block_gain(block_peaks * g, ceiling_db)
            got = lufs_from_power(block_power * (g * lim) ** 2, hop=BLOCK)
            if not np.isfinite(got) or abs(got - target_lufs) < SEARCH_TOLERANCE_LU:
                break
            tried.append((gain, got))
            # Under heavy limiting a dB of gain buys less than a dB of loudness:
            # step by the slope measured between the last two tries (secant).
            slope = 1.0
            if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
                (g1, l1), (g2, l2) = tried[-2:]
                slope = min(1.0, max(0.2, (l2 - l1) / (g2 - g1)))
            step = min(gain + (target_lufs - got) / slope, target_lufs - base + MAX_MAKEUP_DB) - gain
            if abs(step) < 0.01:   # at the make-up cap: more gain would only feed the limiter
                break
            gain += step
    return gain


def speech_blocks(length: int, spans: list[tuple[int, int]], dyns: list) -> np.ndarray:
    """Per BLOCK of the episode: whether it is speech (dynamics.Dynamics.speech_blocks
    of the segment placed there)."""
    active = np.zeros(length, dtype=bool)
    for (a, b), d in zip(spans, dyns):
        active[a:b] = np.repeat(d.speech_blocks(), BLOCK)[: b - a]
    return block_reduce(active, np.max).astype(bool)


def master_episode(segments: list[np.ndarray], out_mp3: str | os.PathLike,
                   mastering: Mastering | None = None, music_intro: np.ndarray | None = None,
                   music_outro: np.ndarray | None = None, hint: dict | None = None,
                   peaks: list[np.ndarray] | None = None,
                   kweighted: list[np.ndarray] | None = None,
                   dynamics: list | None = None) -> MasterResult:
    """Mono 44.1 kHz float segments -> `out_mp3` (written in place; callers make it atomic).

    Each segment goes through the leveller and compressor (pipeline.audio.dynamics)
    first; `dynamics`: their results (dynamics.process of each segment) when
    the caller keeps them. `hint`: the loudness figures of the last mastering
    of (almost) the same episode; its gain, encoder margin and aim are the
    first guesses. `peaks` and `kweighted`: each processed segment's
    `segment_peaks` and `segment_kweighted`, when the caller keeps them (an
    edit then analyses only the new segment)."""
    from . import dynamics as dyn

    mastering = (mastering or Mastering()).check()
    pause_ms, channels = mastering.pause_ms, mastering.channels
    dyns = dynamics if dynamics is not None else [dyn.process(s) for s in segments]
    mix, spans, music = layout([d.samples for d in dyns], pause_ms, channels, music_intro, music_outro)
    env, power = _analyses(mix, spans, pause_ms, channels, None if music else peaks,
                           None if music else kweighted)
    speech = speech_blocks(len(mix), spans, dyns)
    loudness = _encode_until_in_tolerance(mix, env, power, speech, out_mp3, mastering.kbps,
                                          mastering.loudness_lufs, mastering.true_peak_db, hint)
    loudness.update(dyn.figures(dyns))
    times = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in spans]
    return MasterResult(times=times, duration=len(mix) / SAMPLE_RATE, loudness=loudness, music=music)


def _encode_until_in_tolerance(mix, env, power, speech, out_mp3, kbps: int, target_lufs: float | None,
                               ceiling_db: float, hint: dict | None) -> dict:
    """Normalize, encode, measure the decoded MP3; the encoder overshoots the true peak a
    little and its low-pass takes some loudness: master to a lower ceiling and a corrected
    target, measure, repeat (at most MAX_ENCODES). Returns the loudness figures."""
    margin = ENCODE_MARGIN_DB
    aim = None if target_lufs is None else target_lufs + ENCODE_LUFS_LOSS_DB
    start_gain = None
    if hint and target_lufs is not None:
        margin = max(hint["encoder_margin_db"], ENCODE_MARGIN_DB)
        aim, start_gain = hint["aim_lufs"], hint["gain_db"]
    for attempt in range(MAX_ENCODES):
        mastered, stats = normalize(mix, aim, ceiling_db - margin, env, power, start_gain, speech)
        start_gain = stats["gain_db"]
        encode_mp3(mastered.astype(np.float32), out_mp3, kbps)
        measured = measure(out_mp3)
        lufs, tp = measured["integrated_lufs"], measured["true_peak_dbtp"]
        tp_ok = tp <= ceiling_db
        lufs_ok = target_lufs is None or not np.isfinite(lufs) or abs(lufs - target_lufs) <= LUFS_TOLERANCE
        if (tp_ok and lufs_ok) or attempt == MAX_ENCODES - 1:
            break
        if not tp_ok:
            margin += tp - ceiling_db + 0.25
        if not lufs_ok:
            aim += target_lufs - lufs
    return {
        **{k: (round(v, 2) if np.isfinite(v) else None) for k, v in measured.items()},
        "target_lufs": target_lufs,
        "ceiling_dbtp": ceiling_db,
        "gain_db": stats["gain_db"],
        "limiter_reduction_db": stats["limiter_reduction_db"],
        "encoder_margin_db": round(margin, 2),
        "aim_lufs": None if aim is None else round(aim, 3),
        "encodes": attempt + 1,
        "measured_on": "decoded mp3",
        "meter": METER,
    }


def limiter_reduction(block_peaks: np.ndarray, ceiling_db: float, speech: np.ndarray | None) -> dict:
    """The limiter's gain reduction (dB) over the speech blocks: p50, p95, max."""
    reduction = -20 * np.log10(np.minimum(1.0, block_gain(block_peaks, ceiling_db)))
    if speech is not None:
        reduction = reduction[speech[: len(reduction)]]
    return percentiles(np.maximum(reduction, 0.0), ("p50", "p95", "max"))
