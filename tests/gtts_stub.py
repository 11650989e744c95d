"""A stand-in for Google Translate's TTS endpoint, on 127.0.0.1, for tests.

gTTS POSTs `f.req=<json>` to /_/TranslateWebserverUi/data/batchexecute and
looks, line by line, for `jQ1olc","[\\"<base64 mp3>\\"]`. This server answers
that way with a real MP3, records what it was asked (text, language, and the
accent: the `tld` GttsEngine sends as ?tld= in place of the Google domain), and can misbehave on
demand (status codes, delays) to exercise retries and timeouts.

    with GttsStub(mp3_bytes) as stub:
        monkeypatch.setenv("PIPELINE_GTTS_URL", stub.url)
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from pathlib import Path

from .stub_server import LoopbackServer, QuietHandler, free_closed_port  # noqa: F401 (re-exported)

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"


def make_mp3(out_mp3: Path, text: str = "Testing one two three.") -> Path:
    """A real short MP3: piper speaks `text`, ffmpeg encodes it (24 kHz mono, like Google's)."""
    from pipeline.audio.ffmpeg import run_ffmpeg
    from pipeline.tts import get_engine

    wav = out_mp3.with_suffix(".wav")
    get_engine("piper").synthesize(text, "en", wav)
    run_ffmpeg(["-y", "-i", str(wav), "-ar", "24000", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", str(out_mp3)],
               f"cannot encode {out_mp3}")
    return out_mp3


def batchexecute_body(mp3: bytes) -> bytes:
    b64 = base64.b64encode(mp3).decode("ascii")
    inner = json.dumps([b64], separators=(",", ":"))  # ["...."]
    envelope = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]], separators=(",", ":"))
    payload = ")]}'\n\n" + str(len(envelope)) + "\n" + envelope + "\n"
    return payload.encode("ascii")


class GttsStub(LoopbackServer):
    def __init__(self, mp3: bytes, statuses: list[int] | None = None, delay_s: float = 0.0):
        """`statuses`: HTTP status for the 1st, 2nd... request (then 200)."""
        self.mp3 = mp3
        self.statuses = list(statuses or [])
        self.delay_s = delay_s
        self.requests: list[dict] = []  # {"path", "tld", "text", "lang", "status"}
        self._lock = threading.Lock()
        stub = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.read_body().decode("utf-8")
                text = lang = None
                try:
                    freq = urllib.parse.parse_qs(body)["f.req"][0]
                    params = json.loads(json.loads(freq)[0][0][1])
                    text, lang = params[0], params[1]
                except (KeyError, IndexError, ValueError):
                    pass
                url = urllib.parse.urlsplit(self.path)
                tld = urllib.parse.parse_qs(url.query).get("tld", [None])[0]   # the accent asked for
                with stub._lock:
                    status = stub.statuses.pop(0) if stub.statuses else 200
                    stub.requests.append({"path": url.path, "tld": tld, "text": text, "lang": lang,
                                          "status": status})
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                if url.path != RPC_PATH:
                    status = 404
                data = batchexecute_body(stub.mp3) if status == 200 else b"error"
                self.send_bytes(status, data, "application/json; charset=utf-8")

        super().__init__(Handler)
        self.url = f"http://127.0.0.1:{self.port}"
