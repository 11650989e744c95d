"""A stand-in for Google Translate's TTS endpoint, on 127.0.0.1, for tests.

gTTS POSTs `f.req=<json>` to /_/TranslateWebserverUi/data/batchexecute and
looks, line by line, for `jQ1olc","[\\"<base64 mp3>\\"]`. This server answers
that way with a real MP3, records what it was asked, and can misbehave on
demand (status codes, delays) to exercise retries and timeouts.

    with GttsStub(mp3_bytes) as stub:
        monkeypatch.setenv("PIPELINE_GTTS_URL", stub.url)
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"


def make_mp3(out_mp3: Path, text: str = "Testing one two three.") -> Path:
    """A real short MP3: piper speaks `text`, ffmpeg encodes it (24 kHz mono, like Google's)."""
    from pipeline.audio import ffmpeg_exe
    from pipeline.tts import get_engine

    wav = out_mp3.with_suffix(".wav")
    get_engine("piper").synthesize(text, "en", wav)
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(wav), "-ar", "24000", "-ac", "1",
         "-c:a", "libmp3lame", "-b:a", "32k", str(out_mp3)],
        check=True,
    )
    return out_mp3


def free_closed_port() -> int:
    """A loopback port nobody listens on (connecting to it is refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def batchexecute_body(mp3: bytes) -> bytes:
    b64 = base64.b64encode(mp3).decode("ascii")
    inner = json.dumps([b64], separators=(",", ":"))  # ["...."]
    envelope = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]], separators=(",", ":"))
    payload = ")]}'\n\n" + str(len(envelope)) + "\n" + envelope + "\n"
    return payload.encode("ascii")


class GttsStub:
    def __init__(self, mp3: bytes, statuses: list[int] | None = None, delay_s: float = 0.0):
        """`statuses`: HTTP status for the 1st, 2nd... request (then 200)."""
        self.mp3 = mp3
        self.statuses = list(statuses or [])
        self.delay_s = delay_s
        self.requests: list[dict] = []  # {"path", "text", "lang", "status"}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                text = lang = None
                try:
                    freq = urllib.parse.parse_qs(body)["f.req"][0]
                    params = json.loads(json.loads(freq)[0][0][1])
                    text, lang = params[0], params[1]
                except (KeyError, IndexError, ValueError):
                    pass
                with stub._lock:
                    status = stub.statuses.pop(0) if stub.statuses else 200
                    stub.requests.append({"path": self.path, "text": text, "lang": lang, "status": status})
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                if self.path != RPC_PATH:
                    status = 404
                data = batchexecute_body(stub.mp3) if status == 200 else b"error"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "GttsStub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
