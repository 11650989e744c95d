"""The transcription stage: audio file -> transcript.json.

Cached by audio content: the key is sha256 over (audio bytes' sha256, engine,
model, language, decode settings), and the transcript lives in
CACHE_DIR/transcripts/<key>.json. A valid cached transcript is reused without
loading any model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path

from . import paths
from .asr import DECODE_SETTINGS, DEFAULT_ENGINE, DEFAULT_MODEL, REGISTRY, check_audio, get_engine
from .fsio import read_json, write_json

log = logging.getLogger(__name__)

# Bump when the transcript format changes: old cache entries are then ignored.
CACHE_FORMAT = 1
REQUIRED_KEYS = {"language", "engine", "model", "duration", "text", "segments"}


def audio_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _model_identity(model: str) -> str:
    """A model name as is; a path made absolute (so cwd does not matter)."""
    p = Path(model).expanduser()
    return str(p.resolve()) if p.exists() else model


def cache_key(audio_sha: str, engine: str, model: str, language: str) -> str:
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "audio_sha256": audio_sha,
            "engine": engine,
            "model": _model_identity(model),
            "language": language.strip().lower(),
            "decode": DECODE_SETTINGS,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(key: str, cache_dir: Path | None = None) -> Path:
    return Path(cache_dir if cache_dir is not None else paths.CACHE_DIR) / "transcripts" / f"{key}.json"


def _load_cached(path: Path, engine: str) -> dict | None:
    try:
        data = read_json(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("ignoring unreadable cached transcript %s: %s", path, e)
        return None
    if not isinstance(data, dict) or not REQUIRED_KEYS <= data.keys() or data.get("engine") != engine:
        log.warning("ignoring malformed cached transcript %s", path)
        return None
    return data


def transcribe(
    audio_path: Path,
    out_path: Path,
    language: str,
    engine: str = DEFAULT_ENGINE,
    model: str = DEFAULT_MODEL,
    *,
    use_cache: bool = True,
    cache_dir: Path | None = None,
) -> dict:
    """Transcribe `audio_path` into `out_path` (written atomically); return the transcript.

    The written transcript is the engine's dict plus "audio_sha256". The
    returned dict has one more key, "cached": True when it came from the cache
    (no model was loaded), False when an engine ran. Progress goes to stderr
    only when stderr is a terminal.
    """
    audio_path = check_audio(Path(audio_path))
    REGISTRY.check(engine)  # unknown engine: EngineError listing the valid ones, before hashing
    progress = sys.stderr.isatty()
    sha = audio_sha256(audio_path)
    key = cache_key(sha, engine, model, language)
    cpath = cache_path(key, cache_dir)

    transcript = _load_cached(cpath, engine) if use_cache else None
    cached = transcript is not None
    if cached:
        log.info("transcript cache hit for %s (%s, %s, %s): %s", audio_path, engine, model, language, cpath)
        if progress:
            print(f"transcribe: {audio_path.name}: cached ({engine}, {model})", file=sys.stderr, flush=True)
    else:
        if progress:
            print(f"transcribe: {audio_path.name} with {engine} ({model}, {language})...", file=sys.stderr, flush=True)
        asr = get_engine(engine, model)
        transcript = asr.transcribe(audio_path, language, progress=progress)
        transcript["audio_sha256"] = sha
        if use_cache:
            write_json(cpath, transcript)
        log.info("transcribed %s with %s (%s): %d segments", audio_path, engine, model, len(transcript["segments"]))

    write_json(out_path, transcript)
    return {**transcript, "cached": cached}


def main(argv: list[str] | None = None) -> int:
    """`python -m pipeline.transcribe AUDIO OUT.json --language en [--engine E] [--model M]`."""
    import argparse

    from .errors import PipelineError

    parser = argparse.ArgumentParser(prog="python -m pipeline.transcribe")
    parser.add_argument("audio", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--language", required=True)
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help=f"one of {', '.join(REGISTRY.names())}")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    try:
        result = transcribe(args.audio, args.out, args.language, args.engine, args.model, use_cache=not args.no_cache)
    except PipelineError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    print(result["text"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
