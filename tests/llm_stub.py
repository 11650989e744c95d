"""A stand-in OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

It records every request (path, headers, JSON body) and answers from a list of
canned replies, the last one repeating. A reply is either a string (the
assistant message's content, wrapped in a chat.completion envelope) or a
`Raw(status, body, delay_s)` for misbehaving on purpose.

    with LlmStub(['{"points": [...]}']) as stub:
        monkeypatch.setenv("PIPELINE_LLM_BASE_URL", stub.base_url)
        ...
        stub.requests[0]["body"]["model"]
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from .stub_server import LoopbackServer, QuietHandler

CHAT_PATH = "/v1/chat/completions"


@dataclass
class Raw:
    status: int = 200
    body: bytes | str = b""
    delay_s: float = 0.0


def envelope(content: str, model: str = "stub") -> dict:
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class LlmStub(LoopbackServer):
    def __init__(self, replies: list[str | Raw]):
        self.replies = list(replies)
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(QuietHandler):
            def do_POST(self):
                raw = self.read_body()
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with stub._lock:
                    stub.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                    n = len(stub.requests) - 1
                    reply = stub.replies[min(n, len(stub.replies) - 1)]
                if self.path != CHAT_PATH:
                    return self._send(404, {"error": {"message": f"no route {self.path}"}})
                if isinstance(reply, Raw):
                    time.sleep(reply.delay_s)
                    data = reply.body.encode() if isinstance(reply.body, str) else reply.body
                    return self._send(reply.status, data)
                model = (body or {}).get("model", "stub")
                return self._send(200, envelope(reply, model))

            def _send(self, status: int, payload):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_bytes(status, data, "application/json")

        super().__init__(Handler)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
