"""gTTS: Google Translate's speech endpoint (the design card's engine). Needs the network.

Fails fast when offline: short timeouts, a bounded retry with backoff on
transient errors only (5xx, 429, timeouts; never on DNS failure or refused
connections), then EngineUnavailable so the caller can fall back.

Settings (constructor arguments, else environment, else default):
  timeout  PIPELINE_GTTS_TIMEOUT  5 s (connect and read)
  retries  PIPELINE_GTTS_RETRIES  2 (so at most 3 attempts)
  backoff  PIPELINE_GTTS_BACKOFF  0.5 s, doubled each retry
  url      PIPELINE_GTTS_URL      replaces https://translate.google.<tld> (tests: a stub on 127.0.0.1);
                                  the accent goes along as ?tld=<tld>, so a stand-in tells them apart

Accents: gTTS speaks a language in the accent of the Google domain it asks
(`tld`: translate.google.co.uk sounds British). Only the domains of ACCENTS
are accepted: the tld becomes part of a URL, and a voice spec may come from a
hand-edited podcast.yaml or script.yaml.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from ..errors import EngineError, EngineUnavailable
from .base import check_request
from .text import protect_numbers

_url_lock = threading.RLock()
# decoding a segment's MP3 takes well under a second; a stuck ffmpeg must not hang the build
DECODE_TIMEOUT_S = 120
NOT_MP3_FIX = "check PIPELINE_GTTS_URL, or use --tts piper/espeak"
DEFAULT_TLD = "com"
# The accents (Google domains) a language may be spoken in; other languages: DEFAULT_TLD only.
ACCENTS: dict[str, tuple[str, ...]] = {
    "en": ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za"),
    "fr": ("fr", "ca"),
}
ALL_TLDS = tuple(dict.fromkeys(t for tlds in ((DEFAULT_TLD,), *ACCENTS.values()) for t in tlds))


def accents(lang: str) -> tuple[str, ...]:
    """The tlds gTTS may speak `lang` with (its base language: en-GB -> en)."""
    return ACCENTS.get(lang.split("-")[0].lower(), (DEFAULT_TLD,))


def check_tld(tld: str, lang: str | None = None) -> str:
    """`tld` when it is a known accent (of `lang`, when given); else EngineError listing them."""
    valid = accents(lang) if lang else ALL_TLDS
    if tld not in valid:
        what = f"for {lang.split('-')[0].lower()!r}" if lang else "known"
        raise EngineError(f"gtts accent {tld!r} is not one of the accents {what}: {', '.join(valid)}",
                          f"write gtts:{valid[0]} (or another of those)")
    return tld


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@contextlib.contextmanager
def _endpoint(base_url: str | None):
    """Point gTTS at `base_url` while the block runs (gTTS has no option for it)."""
    if not base_url:
        yield
        return
    import gtts.tts

    base = base_url.rstrip("/")

    def _translate_url(tld=DEFAULT_TLD, path=""):
        return f"{base}/{path}?{urlencode({'tld': tld})}" if path else f"{base}/"

    with _url_lock:
        saved = gtts.tts._translate_url
        gtts.tts._translate_url = _translate_url
        try:
            yield
        finally:
            gtts.tts._translate_url = saved


def _classify(exc, timeout: float) -> tuple[bool, str]:
    """(transient?, human reason) for a gTTSError."""
    import requests

    rsp = getattr(exc, "rsp", None)
    if rsp is not None:
        status = rsp.status_code
        transient = status >= 500 or status == 429
        if status == 200:
            return False, "the endpoint answered without audio (unsupported language or API change)"
        return transient, f"HTTP {status} {rsp.reason or ''} from {rsp.url}".strip()
    cause = exc.__context__
    if isinstance(cause, requests.exceptions.Timeout):
        return True, f"no answer within {timeout:g} s ({type(cause).__name__})"
    if isinstance(cause, requests.exceptions.ConnectionError):
        msg = str(cause)
        if any(k in msg for k in ("NameResolution", "resolve", "Name or service not known", "nodename")):
            return False, "no network: DNS lookup failed"
        if "refused" in msg:
            return False, "no network: connection refused"
        if "unreachable" in msg:
            return False, "no network: network unreachable"
        return False, f"no network: {msg[:160]}"
    return False, str(exc) or type(exc).__name__


def _atempo_chain(rate: float) -> str:
    factors = []
    while rate > 2.0:
        factors.append(2.0)
        rate /= 2.0
    while rate < 0.5:
        factors.append(0.5)
        rate /= 0.5
    factors.append(rate)
    return ",".join(f"atempo={f:.6f}" for f in factors)


def mp3_to_wav(mp3: bytes, out_wav: Path, rate: float = 1.0) -> None:
    """Decode MP3 bytes to a 16-bit mono WAV (atomically) at the MP3's own sample
    rate, through the one ffmpeg runner and the one WAV writer; `rate` via atempo."""
    from ..audio.ffmpeg import run_ffmpeg
    from ..audio.wav import write_wav

    sample_rate = mp3_sample_rate(mp3)
    tempo = ["-filter:a", _atempo_chain(rate)] if abs(rate - 1.0) > 1e-9 else []
    pcm = run_ffmpeg(["-f", "mp3", "-i", "pipe:0", *tempo, "-ac", "1", "-ar", str(sample_rate),
                      "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1"],
                     "ffmpeg could not decode gTTS audio", data=mp3, timeout_s=DECODE_TIMEOUT_S)
    write_wav(out_wav, pcm, sample_rate)


def mp3_sample_rate(mp3: bytes) -> int:
    """The sample rate of the first MPEG audio frame (gTTS sends 24 kHz mono)."""
    from mutagen import MutagenError
    from mutagen.mp3 import MP3

    try:
        info = MP3(io.BytesIO(mp3)).info
    except (MutagenError, ValueError) as e:
        raise EngineError(f"gTTS answered with audio that is not MP3: {e}", NOT_MP3_FIX) from None
    if info is None or not info.sample_rate:
        raise EngineError("gTTS answered with audio that is not MP3: no MPEG audio frame", NOT_MP3_FIX)
    return int(info.sample_rate)


class GttsEngine:
    name = "gtts"
    offline = False

    def __init__(
        self,
        tld: str = DEFAULT_TLD,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        url: str | None = None,
    ):
        self.tld = check_tld(tld)     # it becomes the host of a URL: a known accent only
        self._timeout, self._retries, self._backoff, self._url = timeout, retries, backoff, url

    # settings are read at call time so tests (and users) can change the environment
    @property
    def timeout(self) -> float:
        return self._timeout if self._timeout is not None else _env_float("PIPELINE_GTTS_TIMEOUT", 5.0)

    @property
    def retries(self) -> int:
        return self._retries if self._retries is not None else int(_env_float("PIPELINE_GTTS_RETRIES", 2))

    @property
    def backoff(self) -> float:
        return self._backoff if self._backoff is not None else _env_float("PIPELINE_GTTS_BACKOFF", 0.5)

    @property
    def url(self) -> str | None:
        return self._url or os.environ.get("PIPELINE_GTTS_URL") or None

    def supports(self, lang: str) -> bool:
        try:
            from gtts.lang import tts_langs
        except ImportError:
            return False
        return lang in tts_langs()

    def voice_id(self, lang: str) -> str:
        try:
            from gtts import __version__ as v
        except ImportError:
            v = "?"
        vid = f"gtts {v} tld={self.tld}"
        return vid + (f" url={self.url}" if self.url else "")

    def fetch_mp3(self, text: str, lang: str) -> bytes:
        try:
            from gtts import gTTS, gTTSError
        except ImportError as e:
            raise EngineUnavailable(f"gTTS not installed: {e}", "pip install gTTS==2.5.4") from e
        timeout, retries, url = self.timeout, max(0, self.retries), self.url
        where = url or f"translate.google.{self.tld}"
        for attempt in range(retries + 1):
            try:
                with _endpoint(url):
                    tts = gTTS(text, tld=self.tld, lang=lang, lang_check=False, timeout=(timeout, timeout))
                    audio = b"".join(tts.stream())
                if not audio:
                    raise EngineUnavailable(f"gtts unavailable: {where} returned no audio")
                return audio
            except gTTSError as e:
                transient, reason = _classify(e, timeout)
                if not transient or attempt == retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise EngineUnavailable(
                        f"gtts unavailable ({reason}{tries}; endpoint {where})",
                        "check the network, or use --tts piper/espeak",
                    ) from e
                time.sleep(self.backoff * (2**attempt))
            except AssertionError as e:  # gTTS asserts on empty / punctuation-only text
                raise EngineError(f"gTTS refused the text: {e}") from e
        raise AssertionError("unreachable")

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0) -> None:
        check_request(text, rate)
        mp3 = self.fetch_mp3(protect_numbers(text, lang), lang)
        mp3_to_wav(mp3, Path(out_wav), rate)
