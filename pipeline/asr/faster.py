"""faster-whisper (CTranslate2) engine: the default. int8 on CPU, 2 threads.

Several threads may transcribe at once (pipeline.overlap's hearers): the model is
loaded with one CTranslate2 worker per calling thread (num_workers, its
inter_threads) of cpu_threads each, so their encode/generate/align calls run in
parallel instead of queueing for one worker. WhisperModel.transcribe keeps its
state in locals (faster-whisper 1.2.1), so sharing the model is safe.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from .. import progress
from ..contracts import Transcript
from ..errors import EngineError, InputError, SetupError, UnsupportedLanguage
from ..provision import whisper as models
from ..threads import build_threads, callers
from .base import (
    CPU_THREADS,
    DECODE_SETTINGS,
    DEFAULT_MODEL,
    build_transcript,
    check_audio,
    loaded_once,
    normalize_language,
)

COMPUTE_TYPE = "int8"

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _model_class():
    from faster_whisper import WhisperModel

    class SafeAlignModel(WhisperModel):
        """faster-whisper 1.2.1's find_alignment raises IndexError when CTranslate2
        returns no alignment for a window's tokens (seen on a piece whose last
        window held a few frames): the whole build failed. Such a window keeps its
        text and gets no word times (pipeline.asr.estimated_words fills them)."""

        def find_alignment(self, tokenizer, text_tokens, *args, **kwargs):
            try:
                return super().find_alignment(tokenizer, text_tokens, *args, **kwargs)
            except IndexError as e:
                log.warning("faster-whisper found no word times for %d token run(s) (%s); "
                            "their words are spread over their segment", len(text_tokens), e)
                return [[] for _ in text_tokens]

    return SafeAlignModel


@loaded_once(maxsize=2)
def load_model(model_dir: str, compute_type: str = COMPUTE_TYPE, cpu_threads: int = CPU_THREADS,
               num_workers: int = 1):
    """One WhisperModel per directory (and threads) per process; `num_workers` threads
    may call it at once, each running on `cpu_threads` threads."""
    try:
        return _model_class()(
            model_dir,
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            num_workers=num_workers,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as e:
        raise SetupError(
            f"faster-whisper cannot load the model in {model_dir}: {e}",
            "run `make setup` (it re-checks and rebuilds the provisioned model)",
        ) from e


class FasterWhisperEngine:
    name = "faster-whisper"
    concurrent = True

    def __init__(self, model: str = DEFAULT_MODEL):
        self.model = model
        self._path: Path | None = None

    @property
    def model_path(self) -> Path:
        if self._path is None:
            self._path = models.resolve_ct2_model(self.model)
        return self._path

    def warm(self) -> None:
        """Load the model as transcribe() will (in the calling thread's share), before
        there is anything to hear: pipeline.overlap does it on the core synthesis leaves idle."""
        load_model(str(self.model_path), cpu_threads=build_threads(), num_workers=callers())

    def transcribe(self, audio: Path, language: str) -> Transcript:
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        audio = check_audio(audio)
        lang = normalize_language(language, _LANGUAGE_CODES)
        whisper_model = load_model(str(self.model_path), cpu_threads=build_threads(), num_workers=callers())
        if lang != "en" and not whisper_model.model.is_multilingual:
            raise UnsupportedLanguage(f"model {self.model!r} is English-only; cannot transcribe {lang!r}",
                                      "use a multilingual model such as base")
        try:
            segments, info = whisper_model.transcribe(
                str(audio),
                language=lang,  # forced: never detected
                **DECODE_SETTINGS,
                log_progress=False,  # our own bar (pipeline.progress), not tqdm's
                initial_prompt=None,  # never: the verifier must not be told the answer
                prefix=None,
                hotwords=None,
                vad_filter=False,
            )
            segs = [_segment(seg) for seg in _advancing(segments, info.duration)]
        except Exception as e:
            if type(e).__module__.startswith("av"):  # PyAV could not read the file
                raise InputError(f"cannot decode audio {audio}: {e}",
                                 "check that the file is a complete audio file") from e
            raise EngineError(f"faster-whisper failed on {audio}: {type(e).__name__}: {e}") from e
        return build_transcript(self.name, self.model, lang, info.duration, segs)


def _segment(seg) -> dict:
    return {
        "start": seg.start,
        "end": seg.end,
        "text": seg.text,
        "words": [{"word": w.word, "start": w.start, "end": w.end, "probability": w.probability}
                  for w in seg.words or []],
    }


def _advancing(segments, duration: float):
    """The segments (a generator: decoding happens as it is read), advancing the
    open progress stage by the audio seconds each one covers."""
    bar = progress.current()
    bar.add_total(duration)
    done = 0.0
    for seg in segments:
        bar.advance(min(seg.end, duration) - done)
        done = max(done, min(seg.end, duration))
        yield seg
    bar.advance(duration - done)    # trailing silence: no segment reaches the end
