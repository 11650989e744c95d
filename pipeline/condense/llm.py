"""The optional LLM condenser: any OpenAI-compatible chat-completions endpoint.

    PIPELINE_LLM_BASE_URL   default http://localhost:11434/v1 (Ollama)
    PIPELINE_LLM_MODEL      required, e.g. llama3.1
    PIPELINE_LLM_API_KEY    or OPENAI_API_KEY; sent as a bearer token when set
    PIPELINE_LLM_TIMEOUT    seconds, default 120

The model is asked for 4 to 8 key points as JSON, citing the post's sentence
ids. It is told to keep every figure as written, but nothing here trusts it:
the condense stage traces every number of the script back to the post and the
build refuses to speak one it cannot find unless a person approves it
(condense.unapproved_numbers / condense.require_approved).

Standard library only (urllib): no SDK, nothing to install.
"""

from __future__ import annotations

import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import EngineError, EngineUnavailable
from . import MAX_POINTS, MIN_POINTS, TARGET_SECONDS, word_budget

DEFAULT_BASE_URL = "http://localhost:11434/v1"
DEFAULT_TIMEOUT = 120.0
MODEL_FIX = "set PIPELINE_LLM_MODEL, e.g. llama3.1"
SNIPPET = 300
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None
    timeout: float

    def __repr__(self) -> str:   # never show the key
        key = "set" if self.api_key else "none"
        return (f"LLMConfig(base_url={self.base_url!r}, model={self.model!r}, "
                f"api_key={key}, timeout={self.timeout:g})")


def config_from_env(env: Mapping[str, str] | None = None) -> LLMConfig:
    env = os.environ if env is None else env
    model = (env.get("PIPELINE_LLM_MODEL") or "").strip()
    if not model:
        raise EngineError("the llm condenser needs a model name and PIPELINE_LLM_MODEL is not set",
                          MODEL_FIX)
    base_url = (env.get("PIPELINE_LLM_BASE_URL") or "").strip() or DEFAULT_BASE_URL
    api_key = (env.get("PIPELINE_LLM_API_KEY") or env.get("OPENAI_API_KEY") or "").strip() or None
    raw_timeout = (env.get("PIPELINE_LLM_TIMEOUT") or "").strip()
    try:
        timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
        if not timeout > 0:
            raise ValueError
    except ValueError:
        raise EngineError(f"PIPELINE_LLM_TIMEOUT={raw_timeout!r} is not a positive number of seconds",
                          "set it to e.g. 120, or unset it") from None
    return LLMConfig(base_url, model, api_key, timeout)


# ---------------------------------------------------------------- client

def endpoint(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EngineError(f"PIPELINE_LLM_BASE_URL={base_url!r} is not an http(s) URL",
                          f"set it to an OpenAI-compatible base URL, e.g. {DEFAULT_BASE_URL}")
    return url + "/chat/completions"


def _opener(url: str) -> urllib.request.OpenerDirector:
    """A local server is reached directly, never through an http_proxy from the environment."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def chat(messages: list[dict], *, base_url: str, model: str, api_key: str | None = None,
         timeout: float = DEFAULT_TIMEOUT, json_mode: bool = True) -> str:
    """POST {base_url}/chat/completions; return the first choice's message content.

    With json_mode the request asks for `response_format: {"type": "json_object"}`;
    a server that rejects that field (HTTP 400/422) is asked once more without it.
    """
    url = endpoint(base_url)
    body = {"model": model, "messages": messages, "temperature": 0, "stream": False}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    try:
        raw = _post(url, body, api_key, timeout, model)
    except _Rejected as e:
        if not json_mode or e.status not in (400, 422):
            raise e.error from None
        body.pop("response_format")
        try:
            raw = _post(url, body, api_key, timeout, model)
        except _Rejected as e2:
            raise e2.error from None
    return _content(raw, url)


class _Rejected(Exception):
    def __init__(self, status: int, error: EngineError):
        self.status, self.error = status, error


def _post(url: str, body: dict, api_key: str | None, timeout: float, model: str) -> bytes:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers,
                                 method="POST")
    try:
        with _opener(url).open(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        raise _Rejected(e.code, _http_error(e, url, model, api_key)) from None
    except urllib.error.URLError as e:
        raise _unreachable(e.reason, url, timeout, model) from None
    except (TimeoutError, socket.timeout, OSError) as e:   # a timeout while reading the answer
        raise _unreachable(e, url, timeout, model) from None


def _unreachable(reason, url: str, timeout: float, model: str) -> EngineUnavailable:
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return EngineUnavailable(
            f"the LLM server at {url} did not answer within {timeout:g} s",
            "raise PIPELINE_LLM_TIMEOUT, use a smaller model, or check that the server is not stuck")
    if isinstance(reason, ConnectionRefusedError):
        return EngineUnavailable(
            f"no LLM server is listening at {url} (connection refused)",
            f"start one (for Ollama: `ollama serve` and `ollama pull {model}`), or point "
            f"PIPELINE_LLM_BASE_URL at a running OpenAI-compatible server; "
            f"or use --condenser extractive")
    return EngineUnavailable(
        f"cannot reach the LLM server at {url}: {reason}",
        "check PIPELINE_LLM_BASE_URL and the network; or use --condenser extractive")


def _http_error(e: urllib.error.HTTPError, url: str, model: str,
                api_key: str | None) -> EngineError:
    try:
        detail = e.read().decode("utf-8", "replace")
    except OSError:
        detail = ""
    try:
        err = json.loads(detail).get("error", detail)
        detail = err.get("message", str(err)) if isinstance(err, dict) else str(err)
    except (ValueError, AttributeError):
        pass
    detail = " ".join(detail.split())[:SNIPPET]
    if api_key:
        detail = detail.replace(api_key, "***")
    cause = f"the LLM server at {url} answered HTTP {e.code}" + (f": {detail}" if detail else "")
    if e.code in (401, 403):
        return EngineError(cause, "set PIPELINE_LLM_API_KEY (or OPENAI_API_KEY) to a key this "
                                  "server accepts")
    if e.code == 404:
        return EngineError(cause, f"check that PIPELINE_LLM_BASE_URL ends in /v1 and that the "
                                  f"server has model {model!r} (Ollama: `ollama pull {model}`)")
    if e.code == 429 or e.code >= 500:
        return EngineUnavailable(cause, "wait and try again, or check the server's logs")
    return EngineError(cause, f"check PIPELINE_LLM_MODEL={model!r} and that the server speaks "
                              f"the OpenAI chat-completions API")


def _content(raw: bytes, url: str) -> str:
    fix = "point PIPELINE_LLM_BASE_URL at an OpenAI-compatible /v1 endpoint"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EngineError(f"the LLM server at {url} did not answer JSON: {_snippet(raw)!r}",
                          fix) from None
    try:
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise EngineError(f"the LLM server at {url} answered without choices[0].message.content: "
                          f"{_snippet(raw)!r}", fix) from None
    if not isinstance(content, str) or not content.strip():
        raise EngineError(f"the LLM server at {url} answered an empty message "
                          f"(finish_reason={choice.get('finish_reason')!r})",
                          "try again, or use another model")
    return content


def _snippet(raw: bytes | str) -> str:
    s = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    s = " ".join(s.split())
    return s if len(s) <= SNIPPET else s[:SNIPPET] + "…"


# ---------------------------------------------------------------- prompt

PROMPTS = {
    "en": {
        "system": "You condense blog posts into the script of a short audio episode: key points "
                  "a host reads aloud. You answer with JSON only.",
        "task": (
            "Condense the post below into {min} to {max} key points that cover the whole post, "
            "in English, about {budget} words in total across all points.\n"
            "Rules:\n"
            "- Each point has a short title and a text of one to four complete sentences written "
            "to be heard: no lists, no markdown, no links.\n"
            "- Keep every figure exactly as written in the post: same digits, units, percentages, "
            "currencies and dates. Never round, convert, compute or add a number that is not in "
            "the post.\n"
            "- In \"sources\", list the ids of the post's sentences each point comes from "
            "(for example \"s3\").\n"
            "Answer with this JSON and nothing else:\n"
            "{shape}\n\n"
            "Post title: {title}\n\n"
            "Post sentences (id: text):\n{sentences}"
        ),
    },
    "fr": {
        "system": "Tu condenses des articles de blog en script d'un court épisode audio : des "
                  "points clés lus à voix haute par un animateur. Tu réponds uniquement en JSON.",
        "task": (
            "Condense l'article ci-dessous en {min} à {max} points clés qui couvrent tout "
            "l'article, en français, environ {budget} mots au total pour l'ensemble des points.\n"
            "Règles :\n"
            "- Chaque point a un titre court et un texte de une à quatre phrases complètes, "
            "écrites pour être entendues : pas de listes, pas de markdown, pas de liens.\n"
            "- Garde chaque chiffre exactement tel qu'il est écrit dans l'article : mêmes "
            "chiffres, unités, pourcentages, devises et dates. N'arrondis pas, ne convertis pas, "
            "ne calcule pas et n'ajoute aucun nombre absent de l'article.\n"
            "- Dans \"sources\", donne les identifiants des phrases de l'article dont vient "
            "chaque point (par exemple \"s3\").\n"
            "Réponds avec ce JSON et rien d'autre :\n"
            "{shape}\n\n"
            "Titre de l'article : {title}\n\n"
            "Phrases de l'article (id : texte) :\n{sentences}"
        ),
    },
}
SHAPE = '{"points": [{"title": "...", "text": "...", "sources": ["s3", "s4"]}]}'


def numbered_sentences(post: dict) -> str:
    """`id: text` lines, with the section headings as `## heading` lines between them."""
    lines, section = [], None
    headings = [s.get("heading") for s in post.get("sections") or []]
    for s in post["sentences"]:
        if s.get("section") != section:
            section = s.get("section")
            heading = headings[section] if isinstance(section, int) and section < len(headings) else None
            if heading:
                lines.append(f"## {heading}")
        lines.append(f"{s['id']}: {s['text']}")
    return "\n".join(lines)


def build_messages(post: dict, target_seconds: float = TARGET_SECONDS) -> list[dict]:
    lang = post["language"]
    p = PROMPTS[lang]
    task = p["task"].format(min=MIN_POINTS, max=MAX_POINTS, budget=word_budget(lang, target_seconds),
                            shape=SHAPE, title=post.get("title") or "",
                            sentences=numbered_sentences(post))
    return [{"role": "system", "content": p["system"]}, {"role": "user", "content": task}]


# ---------------------------------------------------------------- answer

FENCE_RE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.S)
PARSE_FIX = "run it again, or use a model that follows JSON instructions well (e.g. llama3.1, qwen2.5)"


def parse_points(content: str, post: dict) -> list[dict]:
    """The model's answer -> [{title, text, sources}], at most MAX_POINTS, known ids only."""
    data = _json_of(content)
    if isinstance(data, dict):
        points = data.get("points")
        if "points" in data and not isinstance(points, list):
            raise EngineError(f"the LLM's \"points\" is a {type(points).__name__}, not a list "
                              f"of points like {SHAPE}", PARSE_FIX)
        if not isinstance(points, list):
            keys = ", ".join(map(str, data)) or "none"
            raise EngineError(f"the LLM's JSON has no \"points\" list (its keys: {keys})", PARSE_FIX)
    elif isinstance(data, list):
        points = data
    else:
        raise EngineError(f"the LLM's JSON is a {type(data).__name__}, not an object with "
                          f"\"points\"", PARSE_FIX)
    if not points:
        raise EngineError("the LLM answered an empty \"points\" list", PARSE_FIX)
    known = {s["id"] for s in post["sentences"]}
    out = []
    for i, p in enumerate(points[:MAX_POINTS], 1):
        if not isinstance(p, dict):
            raise EngineError(f"the LLM's point {i} is a {type(p).__name__}, not an object with "
                              f"\"title\", \"text\" and \"sources\"", PARSE_FIX)
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise EngineError(f"the LLM's point {i} has no \"text\"", PARSE_FIX)
        text = " ".join(text.split())
        title = p.get("title")
        title = " ".join(str(title).split()) if isinstance(title, (str, int, float)) else ""
        if not title:
            words = text.split()
            title = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        out.append({"title": title, "text": text, "sources": _sources(p.get("sources"), known)})
    return out


def _json_of(content: str):
    s = content.strip()
    if m := FENCE_RE.search(s):
        s = m.group(1).strip()
    try:
        return json.loads(s)
    except ValueError as first:
        # Prose around the object ("Here is the JSON: {...} Hope it helps").
        start, end = s.find("{"), s.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(s[start:end + 1])
            except ValueError:
                pass
        where = f" ({first.msg}, line {first.lineno} column {first.colno})" \
            if isinstance(first, json.JSONDecodeError) else ""
        raise EngineError(f"the LLM's answer is not valid JSON{where}: {_snippet(content)!r}",
                          PARSE_FIX) from None


def _sources(raw, known: set[str]) -> list[str]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            continue
        sid = str(item).strip().lower()
        if sid.isdigit():
            sid = f"s{int(sid)}"
        if sid in known and sid not in out:
            out.append(sid)
    return out


# ---------------------------------------------------------------- condenser

def llm_condense(post: dict, target_seconds: float = TARGET_SECONDS) -> dict:
    """The "llm" condenser: (post, target_seconds) -> {"points": [...]}."""
    cfg = config_from_env()
    content = chat(build_messages(post, target_seconds), base_url=cfg.base_url, model=cfg.model,
                   api_key=cfg.api_key, timeout=cfg.timeout)
    return {"points": parse_points(content, post)}
