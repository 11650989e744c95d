"""openai-whisper engine on the converted checkpoint: fp32 on CPU, 2 torch threads.

Audio is decoded by pipeline.asr.audio (imageio-ffmpeg), never by whisper's
load_audio, which needs ffmpeg on PATH.

Not `concurrent`: whisper's transcribe installs forward hooks on the shared
model (the kv cache, and the cross-attention capture for word timestamps), so
two threads decoding at once would mix each other's tensors; its torch thread
count is process-wide too. pipeline.overlap hears one piece at a time with it.
"""

from __future__ import annotations

from pathlib import Path

from .. import progress
from ..contracts import Transcript
from ..errors import EngineError, SetupError, UnsupportedLanguage
from ..provision import whisper as models
from ..threads import build_threads
from . import (
    CPU_THREADS,
    DECODE_SETTINGS,
    DEFAULT_MODEL,
    build_transcript,
    check_audio,
    loaded_once,
    normalize_language,
)
from .audio import SAMPLE_RATE, load_audio


@loaded_once(maxsize=2)
def load_model(checkpoint: str, alignment_heads: str | None = None, threads: int = CPU_THREADS):
    """Like whisper.load_model(path), plus the alignment heads stored by pipeline.provision.whisper.

    whisper.load_model(path) ignores alignment heads for a file (it only knows
    them for its own named downloads) and falls back to "all heads of the
    second half of the decoder", which makes word timestamps worse.
    """
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.set_num_threads(threads)
    try:
        ckpt = torch.load(checkpoint, map_location="cpu", weights_only=True)
        model = Whisper(ModelDimensions(**ckpt["dims"]))
        model.load_state_dict(ckpt["model_state_dict"])
    except (RuntimeError, KeyError, TypeError, OSError, EOFError) as e:
        raise SetupError(
            f"openai-whisper cannot load the checkpoint {checkpoint}: {type(e).__name__}: {e}",
            "run `make setup` (it re-checks and reconverts the provisioned model)",
        ) from e
    heads = alignment_heads or ckpt.get("alignment_heads")
    if heads:
        model.set_alignment_heads(heads.encode("ascii") if isinstance(heads, str) else heads)
    return model.float().eval()


class OpenAIWhisperEngine:
    name = "whisper"
    concurrent = False

    def __init__(self, model: str = DEFAULT_MODEL):
        self.model = model
        self._resolved: tuple[Path, str | None] | None = None

    def _resolve(self) -> tuple[Path, str | None]:
        """(checkpoint path, alignment heads), resolved once without loading."""
        if self._resolved is None:
            self._resolved = models.resolve_whisper_model(self.model)
        return self._resolved

    @property
    def model_path(self) -> Path:
        return self._resolve()[0]

    def transcribe(self, audio: Path, language: str) -> Transcript:
        from whisper.tokenizer import LANGUAGES

        audio = check_audio(audio)
        lang = normalize_language(language, LANGUAGES)
        path, heads = self._resolve()
        whisper_model = load_model(str(path), heads, build_threads())
        if lang != "en" and not whisper_model.is_multilingual:
            raise UnsupportedLanguage(f"model {self.model!r} is English-only; cannot transcribe {lang!r}",
                                      "use a multilingual model such as base")
        samples = load_audio(audio)
        bar = progress.current()
        bar.add_total(len(samples) / SAMPLE_RATE)   # whisper reports nothing until the end
        try:
            result = whisper_model.transcribe(
                samples,
                verbose=None,  # silent: whisper's own tqdm bar would tear pipeline.progress's
                language=lang,  # forced: never detected
                **DECODE_SETTINGS,
                initial_prompt=None,  # never: the verifier must not be told the answer
                fp16=False,
            )
        except Exception as e:
            raise EngineError(f"openai-whisper failed on {audio}: {type(e).__name__}: {e}") from e
        bar.advance(len(samples) / SAMPLE_RATE)
        return build_transcript(self.name, self.model, lang, len(samples) / SAMPLE_RATE, result["segments"])
