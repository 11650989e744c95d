"""Mastering: speech segments (+ optional music) -> a broadcast-ready MP3.

    result = master_episode(wavs, out_mp3, pause_ms=600, bitrate="64k", channels=1,
                            target_lufs=-16.0, ceiling_db=-1.0)

1. Layout. Segments are resampled to 44.1 kHz (scipy polyphase, exact sample
   counts) and placed one after the other with `pause_ms` of silence between
   them. Optional intro music plays alone for MUSIC_LEAD_S, then ducks under
   the first segment and fades out; optional outro music comes in ducked under
   the last segment and rises when the speech ends. The segment times returned
   are computed from sample counts and never move afterwards.
2. Loudness. One gain brings the mix to `target_lufs` integrated (ITU-R
   BS.1770 via pyloudnorm). Where that gain pushes the true peak (max |x| of
   the 4x oversampled signal, BS.1770-4 Annex 2) above the ceiling, a
   look-ahead limiter multiplies the signal by a smooth gain envelope: it never
   shifts a sample, so the times stay exact.
3. Encoding. ffmpeg/libmp3lame, constant bitrate, 44.1 kHz, LAME/Info header
   (decoders drop the encoder delay and padding, so decoded audio lines up with
   the times), bit-exact flags: the same input gives the same bytes.
4. Measurement. The MP3 is decoded again and measured; when the encoder's
   overshoot pushed the true peak above the ceiling, the limiter's margin grows
   and the episode is encoded again. The figures of the decoded MP3 are returned.
"""

from __future__ import annotations

import math
import os
import subprocess
import warnings
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import EngineError, InputError

SAMPLE_RATE = 44100
OVERSAMPLE = 4                 # true-peak oversampling factor (BS.1770-4 Annex 2 at 44.1/48 kHz)
LIMIT_RADIUS_S = 0.02          # limiter look-ahead (and release) radius: gain ramps over 2x this
ENCODE_MARGIN_DB = 2.0         # first guess of the MP3 encoder's true-peak overshoot (measured: 1.0-1.8 dB at 64k mono)
ENCODE_LUFS_LOSS_DB = 0.4      # loudness the encoder's low-pass takes (measured: ~0.45 LU at 64k mono)
MAX_ENCODES = 5
BLOCK = 16                     # limiter gain envelope resolution, samples
ENVELOPE_PAD = 32              # silence around a segment that the true-peak filter reaches into
LUFS_TOLERANCE = 0.5          # re-encode when the decoded MP3 is further than this from the target
# Music beds.
MUSIC_LEAD_S = 3.0             # intro music alone before the first word
MUSIC_LEVEL_LU = -6.0          # music at full level, relative to the speech loudness
DUCK_DB = -18.0                # music under speech, relative to its full level
DUCK_RAMP_S = 0.4              # ducking attack/release
MUSIC_FADE_S = 1.5             # intro music fade-out after the first segment
OUTRO_TAIL_S = 8.0             # outro music after the last word (at most)
EDGE_FADE_S = 0.05             # anti-click fade at the ends of a music file
CBR_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass
class MasterResult:
    times: list[tuple[float, float]]          # each segment's (start_s, end_s) in the episode
    duration: float                           # episode length, seconds
    loudness: dict                            # measured on the decoded MP3
    music: dict = field(default_factory=dict)


# ------------------------------------------------------------------ ffmpeg

def ffmpeg_exe() -> str:
    from .audio import ffmpeg_exe as exe

    return exe()


def decode(path: str | os.PathLike, channels: int = 1, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Any audio file ffmpeg reads -> float32 array (n, channels) at `sample_rate`."""
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
           "-f", "f32le", "-ac", str(channels), "-ar", str(sample_rate), "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"cannot decode audio file {path}: {msg[-1] if msg else proc.returncode}",
                         "use a complete WAV, MP3, FLAC or OGG file")
    return np.frombuffer(proc.stdout, np.float32).reshape(-1, channels)


def parse_bitrate(bitrate: str) -> int:
    """'64k' -> 64 (kbit/s); only the MPEG-1 Layer III constant bitrates."""
    s = str(bitrate).strip().lower().removesuffix("k")
    if not s.isdigit() or int(s) not in CBR_KBPS:
        raise InputError(f"bitrate {bitrate!r} is not an MP3 constant bitrate",
                         f"use one of {', '.join(f'{k}k' for k in CBR_KBPS)}")
    return int(s)


def encode_mp3(audio: np.ndarray, out_path: str | os.PathLike, bitrate_kbps: int,
               sample_rate: int = SAMPLE_RATE) -> None:
    """float (n, ch) -> CBR MP3 at `out_path`, no tags, deterministic bytes."""
    ch = audio.shape[1]
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y",
           "-f", "f32le", "-ar", str(sample_rate), "-ac", str(ch), "-i", "pipe:0",
           "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
           "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-abr", "0",
           "-ar", str(sample_rate), "-ac", str(ch),
           "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0",
           "-f", "mp3", str(out_path)]
    data = np.ascontiguousarray(audio, dtype="<f4").tobytes()
    proc = subprocess.run(cmd, input=data, capture_output=True)
    if proc.returncode != 0:
        raise EngineError(f"ffmpeg could not encode {Path(out_path).name}: "
                          f"{proc.stderr.decode('utf-8', 'replace').strip()[-500:]}")


# ------------------------------------------------------------------ meters

def integrated_lufs(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """BS.1770-4 integrated loudness (gated), LUFS, by pyloudnorm's own Meter.

    -inf for silence or audio shorter than one 400 ms block.
    """
    import pyloudnorm

    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if len(x) < int(0.4 * sample_rate) + 1 or not np.any(x):
        return float("-inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(pyloudnorm.Meter(sample_rate).integrated_loudness(x))


def fast_lufs(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """The same measurement as `integrated_lufs` (pyloudnorm's K-weighting filters,
    400 ms blocks with 75 % overlap, -70 LUFS absolute and -10 LU relative gates),
    with the per-block loops vectorized: ~20x faster, used inside the mastering loops.
    """
    import pyloudnorm

    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n, ch = x.shape
    if n < int(0.4 * sample_rate) + 1 or not np.any(x):
        return float("-inf")
    meter = pyloudnorm.Meter(sample_rate)
    block, step = meter.block_size, 1.0 - meter.overlap
    weights = np.array([1.0, 1.0, 1.0, 1.41, 1.41])[:ch]
    energy = np.zeros(n + 1)
    for c in range(ch):
        y = x[:, c].copy()
        for stage in meter._filters.values():
            y = stage.apply_filter(y)
        cum = np.concatenate([[0.0], np.cumsum(y * y)])
        energy = energy + weights[c] * cum
    t = n / sample_rate
    blocks = int(np.round((t - block) / (block * step))) + 1
    j = np.arange(blocks)
    lo = (block * (j * step) * sample_rate).astype(int)
    hi = np.minimum((block * (j * step + 1) * sample_rate).astype(int), n)
    z = (energy[hi] - energy[lo]) / (block * sample_rate)
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(z)
    gated = z[lk >= -70.0]
    if not len(gated):
        return float("-inf")
    rel = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    gated = z[(lk > rel) & (lk > -70.0)]
    if not len(gated):
        return float("-inf")
    return float(-0.691 + 10 * np.log10(gated.mean()))


def _oversampled_abs(audio: np.ndarray) -> np.ndarray:
    """|x| of the 4x oversampled signal, max over channels, shape (n, 4)."""
    from scipy.signal import resample_poly

    # float32: 40% faster than float64, and far more precise than a dB figure needs
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    n = len(x)
    up = np.abs(resample_poly(x, OVERSAMPLE, 1, axis=0)).max(axis=1)
    return up[: n * OVERSAMPLE].reshape(n, OVERSAMPLE)


def true_peak(audio: np.ndarray) -> float:
    """True peak, linear: max |x| of the 4x oversampled signal (and of the samples)."""
    if len(audio) == 0:
        return 0.0
    return float(max(_oversampled_abs(audio).max(), np.abs(audio).max()))


def db(x: float) -> float:
    return 20 * math.log10(x) if x > 0 else float("-inf")


def true_peak_dbtp(audio: np.ndarray) -> float:
    return db(true_peak(audio))


# ------------------------------------------------------------------ limiter

def _forward_peaks(x: np.ndarray) -> np.ndarray:
    """Per sample: the true-peak level from x[n] to just before x[n+1]."""
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    return np.maximum(_oversampled_abs(x).max(axis=1), np.abs(x).max(axis=1))


def _both_sides(env: np.ndarray) -> np.ndarray:
    env[1:] = np.maximum(env[1:], env[:-1])               # the interval before x[n] too
    return env


def _peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per-sample true-peak level: the oversampled peaks on both sides of each sample."""
    return _both_sides(_forward_peaks(x))


def segment_peaks(seg: np.ndarray) -> np.ndarray:
    """`_forward_peaks` of one segment alone in silence, ENVELOPE_PAD samples each side.

    The interpolation filter reaches only a few samples, so in an episode
    whose segments are apart by at least 2 * ENVELOPE_PAD samples of silence
    the episode's envelope is these, put side by side: a segment's can be
    cached with its audio, and an edit recomputes only the new one's."""
    pad = np.zeros(ENVELOPE_PAD, dtype=np.float32)
    return _forward_peaks(np.concatenate([pad, np.asarray(seg, dtype=np.float32), pad]))


def envelope_from_segments(length: int, spans: list[tuple[int, int]],
                           peaks: list[np.ndarray]) -> np.ndarray:
    env = np.zeros(length)
    for (a, _), p in zip(spans, peaks):
        lo = a - ENVELOPE_PAD
        s, t = max(lo, 0), min(lo + len(p), length)
        env[s:t] = np.maximum(env[s:t], p[s - lo:t - lo])
    return _both_sides(env)


def limit(audio: np.ndarray, ceiling_db: float, sample_rate: int = SAMPLE_RATE,
          radius_s: float = LIMIT_RADIUS_S, envelope: np.ndarray | None = None,
          ) -> tuple[np.ndarray, float]:
    """True-peak limiter: scale by a smooth look-ahead gain envelope so peaks stay <= ceiling.

    Returns (limited audio (n, ch), largest gain reduction in dB). The gain
    g[n] each sample needs is spread with a minimum filter of radius R
    (look-ahead and hold), then averaged over 2R+1 samples: every value
    averaged at a peak is already <= the gain that peak needs, so the peak
    lands at or under the ceiling, and the gain moves in ramps of 2R instead of
    jumps. Samples are only multiplied, never moved. `envelope`: the
    per-sample true-peak level of `audio` when the caller already has it.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    x = np.asarray(audio, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    env = _peak_envelope(x) if envelope is None else envelope
    ceiling = 10 ** (ceiling_db / 20)
    n = len(env)
    if n == 0 or env.max() <= ceiling:
        return x, 0.0
    # The envelope is built on blocks of BLOCK samples (fast), then interpolated
    # linearly between block centres. A block's smoothed gain only averages held
    # values whose hold window covers every neighbour block, so the interpolated
    # gain at any sample stays <= the gain its own block needs.
    nb = -(-n // BLOCK)
    pad = np.full(nb * BLOCK, 1.0)
    # aim a hair under the ceiling: the gain ramps reshape the peaks very slightly
    pad[:n] = np.minimum(1.0, (ceiling * 0.995) / np.maximum(env, 1e-12))
    need = pad.reshape(nb, BLOCK).min(axis=1)
    r = max(1, int(round(radius_s * sample_rate / BLOCK)))
    held = minimum_filter1d(need, size=2 * (r + 1) + 1, mode="nearest")
    smooth = np.minimum(uniform_filter1d(held, size=2 * r + 1, mode="nearest"), need)
    centres = np.arange(nb) * BLOCK + (BLOCK - 1) / 2
    gain = np.interp(np.arange(n), centres, smooth)
    return x * gain[:, None], max(0.0, -db(float(gain.min())))


# ------------------------------------------------------------------ layout

def read_wav(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """PCM WAV -> (mono float64 samples, sample rate); no ffmpeg needed."""
    try:
        with wave.open(str(path), "rb") as w:
            sr, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
            raw = w.readframes(n)
    except (OSError, EOFError, wave.Error) as e:
        raise EngineError(f"unreadable WAV {path}: {e}") from e
    if width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0
    elif width == 4:
        x = np.frombuffer(raw, "<i4").astype(np.float64) / 2147483648.0
    elif width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128.0
    else:
        raise EngineError(f"unsupported WAV sample width {width} in {path}")
    x = x[: len(x) // ch * ch].reshape(-1, ch).mean(axis=1)
    return x, sr


def to_rate(x: np.ndarray, sr: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling; the length is exactly ceil(len * target / sr)."""
    if sr == target:
        return x
    from scipy.signal import resample_poly

    g = math.gcd(target, sr)
    # float32: speech needs no more, and it halves the time of the longest step of assembly
    return resample_poly(np.asarray(x, dtype=np.float32), target // g, sr // g)


def resampled_length(n: int, sr: int, target: int = SAMPLE_RATE) -> int:
    g = math.gcd(target, sr)
    return -(-n * (target // g) // (sr // g))


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
    mix = np.repeat(speech[:, None], channels, axis=1)

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

def normalize(mix: np.ndarray, target_lufs: float | None, ceiling_db: float,
              envelope: np.ndarray | None = None, start_gain_db: float | None = None,
              ) -> tuple[np.ndarray, dict]:
    """One gain to the target loudness, then true-peak limiting to the ceiling.

    Limiting lowers the loudness a little; the gain is raised to make up for it
    (a few rounds, each cheap: the true-peak envelope of the mix is computed
    once and scales with the gain).
    """
    env = _peak_envelope(mix) if envelope is None else envelope
    stats = {"gain_db": 0.0, "limiter_db": 0.0}
    base = fast_lufs(mix) if target_lufs is not None else float("-inf")
    if not np.isfinite(base):
        x, red = limit(mix, ceiling_db, envelope=env)
        stats["limiter_db"] = round(red, 2)
        return x, stats
    gain = target_lufs - base if start_gain_db is None else start_gain_db
    tried: list[tuple[float, float]] = []
    for _ in range(4):
        g = 10 ** (gain / 20)
        x, red = limit(mix * g, ceiling_db, envelope=env * g)
        got, used = fast_lufs(x), gain
        if not np.isfinite(got) or abs(got - target_lufs) < 0.3:
            break
        tried.append((gain, got))
        # Under heavy limiting a dB of gain buys less than a dB of loudness:
        # step by the slope measured between the last two tries (secant).
        slope = 1.0
        if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
            (g1, l1), (g2, l2) = tried[-2:]
            slope = min(1.0, max(0.2, (l2 - l1) / (g2 - g1)))
        gain = min(gain + (target_lufs - got) / slope, target_lufs - base + 10.0)
    stats.update(gain_db=round(used, 2), limiter_db=round(red, 2))
    return x, stats


def master_episode(segments: list[np.ndarray], out_mp3: str | os.PathLike, pause_ms: int = 600,
                   bitrate: str = "64k", channels: int = 1, target_lufs: float | None = -16.0,
                   ceiling_db: float = -1.0, music_intro: np.ndarray | None = None,
                   music_outro: np.ndarray | None = None, hint: dict | None = None,
                   peaks: list[np.ndarray] | None = None) -> MasterResult:
    """Mono 44.1 kHz float segments -> `out_mp3` (written in place; callers make it atomic).

    `hint`: the loudness figures of the last mastering of (almost) the same
    episode; its gain, encoder margin and aim are the first guesses. `peaks`:
    each segment's `segment_peaks`, when the caller keeps them."""
    if channels not in (1, 2):
        raise InputError(f"channels must be 1 (mono) or 2 (stereo), got {channels}",
                         "set channels: 1 or 2 in the episode settings")
    kbps = parse_bitrate(bitrate)
    mix, spans, music = layout(segments, pause_ms, channels, music_intro, music_outro)
    apart = round(SAMPLE_RATE * pause_ms / 1000) >= 2 * ENVELOPE_PAD
    if peaks is not None and apart and not music:
        env = envelope_from_segments(len(mix), spans, peaks)
    else:
        env = _peak_envelope(mix)
    margin = ENCODE_MARGIN_DB
    aim = None if target_lufs is None else target_lufs + ENCODE_LUFS_LOSS_DB
    start_gain = None
    if hint and target_lufs is not None:
        margin = max(hint["encoder_margin_db"], ENCODE_MARGIN_DB)
        aim, start_gain = hint["aim_lufs"], hint["gain_db"]
    for attempt in range(MAX_ENCODES):
        # the encoder overshoots the true peak a little and its low-pass takes some
        # loudness: master to a lower ceiling and a corrected target, measure, repeat
        mastered, stats = normalize(mix, aim, ceiling_db - margin, env, start_gain)
        start_gain = stats["gain_db"]
        encode_mp3(mastered.astype(np.float32), out_mp3, kbps)
        decoded = decode(out_mp3, channels)
        tp = true_peak_dbtp(decoded)
        lufs = fast_lufs(decoded)
        tp_ok = tp <= ceiling_db
        lufs_ok = target_lufs is None or not np.isfinite(lufs) or abs(lufs - target_lufs) <= LUFS_TOLERANCE
        if (tp_ok and lufs_ok) or attempt == MAX_ENCODES - 1:
            break
        if not tp_ok:
            margin += tp - ceiling_db + 0.25
        if not lufs_ok:
            aim += target_lufs - lufs
    # lufs: fast_lufs == pyloudnorm.Meter().integrated_loudness (tests/test_master.py), 20x faster
    loudness = {
        "integrated_lufs": round(lufs, 2) if np.isfinite(lufs) else None,
        "true_peak_dbtp": round(tp, 2) if np.isfinite(tp) else None,
        "target_lufs": target_lufs,
        "ceiling_dbtp": ceiling_db,
        "gain_db": stats["gain_db"],
        "limiter_max_reduction_db": stats["limiter_db"],
        "encoder_margin_db": round(margin, 2),
        "aim_lufs": None if aim is None else round(aim, 3),
        "measured_on": "decoded mp3",
        "meter": "ITU-R BS.1770-4 (pyloudnorm K-weighting and gating); true peak 4x oversampled",
    }
    times = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in spans]
    return MasterResult(times=times, duration=len(mix) / SAMPLE_RATE, loudness=loudness, music=music)
