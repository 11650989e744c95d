"""The whole pipeline, stage after stage, into one episode folder.

Each stage is also its own CLI command (used by the Makefile so make rebuilds
only what changed); this module chains them for `python -m pipeline build`.
"""

import sys
import time
from pathlib import Path

from . import condense as condense_stage
from . import ingest as ingest_stage
from . import package as package_stage
from . import verify as verify_stage

DEFAULT_TTS = "gtts"
DEFAULT_ASR = "faster-whisper"

# File names inside an episode folder; the Makefile uses the same names.
POST, SCRIPT, AUDIO, TIMELINE, TRANSCRIPT, REPORT, NOTES = (
    "post.json", "script.yaml", "episode.mp3", "timeline.json", "transcript.json",
    "verify.json", "shownotes.md")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build(source: Path, out_dir: Path, tts: str = DEFAULT_TTS, asr: str = DEFAULT_ASR,
          lang: str | None = None, condenser: str = "extractive") -> dict:
    from . import synthesize as synth_stage      # heavy imports only when speaking
    from . import transcribe as asr_stage
    from .asr import REGISTRY as ASR_REGISTRY
    from .tts import REGISTRY as TTS_REGISTRY

    TTS_REGISTRY.check(tts)   # fail on a typo before any work
    ASR_REGISTRY.check(asr)
    out = Path(out_dir)
    t0 = time.monotonic()
    log(f"[1/6] ingest {source}")
    post = ingest_stage.ingest(Path(source), out / POST, lang)
    log(f"      {post['language']}, {post['words']} words, {len(post['sentences'])} sentences, "
        f"{len(post['lint'])} lint flag(s)")
    log("[2/6] condense")
    script = condense_stage.condense(out / POST, out / SCRIPT, condenser)
    log(f"      {len(script['points'])} key points")
    log(f"[3/6] synthesize (tts={tts})")
    synth_stage.synthesize(out / SCRIPT, out, engine=tts)
    log(f"[4/6] transcribe (asr={asr})")
    asr_stage.transcribe(out / AUDIO, out / TRANSCRIPT, script["language"], engine=asr)
    log("[5/6] verify")
    report = verify_stage.verify(out / SCRIPT, out / TIMELINE, out / TRANSCRIPT, out / REPORT,
                                 out / POST)
    log("[6/6] package")
    package_stage.package(out / SCRIPT, out / TIMELINE, out / REPORT, out / NOTES, out / POST)
    log(f"built {out} in {time.monotonic() - t0:.1f}s")
    return report
