"""The whole pipeline, stage after stage, into one episode folder.

Each stage is also its own CLI command (used by the Makefile so make rebuilds
only what changed); this module chains them for `python -m pipeline build`.
"""

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import condense as condense_stage
from . import fsio, progress
from . import ingest as ingest_stage
from . import verify as verify_stage
from .config.episode import EpisodeSettings, load_settings
from .config.show import find_config, show_config
from .contracts import Post, Report, Script, Timeline
from .episode import POST, SCRIPT
from .errors import InputError
from .publish import package as package_stage
from .urls import is_url

DEFAULT_TTS = "gtts"
DEFAULT_ASR = "faster-whisper"
DEFAULT_ASR_MODEL = "base"     # provisioned offline; other sizes need the user's own cache
DEFAULT_HEAL_ROUNDS = 8    # one round per heal strategy (pipeline.heal.STRATEGIES; a test holds them equal)
STEPS = ("ingest", "condense", "synthesize", "transcribe", "verify", "package")

log = logging.getLogger(__name__).info


def step(name: str, detail: str = "") -> str:
    """A stage's label: "[3/6] synthesize (tts=gtts)"; no number inside another stage (heal)."""
    head = name if progress.depth() else f"[{STEPS.index(name) + 1}/{len(STEPS)}] {name}"
    return f"{head} {detail}" if detail else head


def ingested(post: Post) -> str:
    """What the ingest line says (pipeline build and the ingest command alike)."""
    return (f"{post['language']}, {counted(post['words'], 'word')}, "
            f"{counted(len(post['sentences']), 'sentence')}, {len(post['lint'])} lint flag(s)")


def counted(n: int, noun: str) -> str:
    """"1 sentence", "39 sentences"."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


def condensed(script: Script) -> str:
    return counted(len(script["points"]), "key point")


def spoken_by(timeline: Timeline, tts: str) -> str:
    """What the synthesize line says spoke, not only what was asked (`tts`): "(tts=piper,
    gtts unavailable)" when gtts fell back to piper; "(tts=piper+espeak)" when two
    engines shared the segments."""
    engines = timeline.get("engines") or {timeline.get("tts_engine") or tts: 1}
    spoke = "+".join(sorted(engines, key=lambda name: (-engines[name], name)))
    if timeline.get("fallback_reason"):
        return f"(tts={spoke}, {timeline.get('requested_engine') or tts} unavailable)"
    return f"(tts={spoke})"


def synthesize(out: Path, tts: str, settings: EpisodeSettings, config: Path | None = None) -> Timeline:
    from . import synthesize as synth_stage
    from .heal import load_overrides

    condense_stage.require_approved(out / SCRIPT, out / POST)
    script = condense_stage.load_script(out / SCRIPT)
    speaking = step("synthesize")     # numbered before its stage opens (inside, it would not be)
    with progress.stage("synthesize", unit="segments", label=f"{speaking} (tts={tts})") as bar:
        timeline = synth_stage.synthesize(out / SCRIPT, out, engine=tts, settings=settings,
                                          overrides=load_overrides(out, script), config_path=config)
        bar.label = f"{speaking} {spoken_by(timeline, tts)}"
    fsio.remove_stale_temps(out)    # a killed synthesis left its .tmp behind
    return timeline


def synthesize_and_transcribe(out: Path, tts: str, asr: str, settings: EpisodeSettings,
                              config: Path | None = None, model: str = DEFAULT_ASR_MODEL) -> dict:
    """Stages 3 and 4 at once (pipeline.overlap): each segment's piece of the MP3 is
    transcribed while the next one is spoken; returns each engine's busy seconds."""
    from . import overlap
    from .heal import load_overrides

    condense_stage.require_approved(out / SCRIPT, out / POST)
    script = condense_stage.load_script(out / SCRIPT)
    speaking, hearing = step("synthesize"), step("transcribe", f"(asr={asr}, model={model})")
    # named for both engines: the build summary must not credit synthesis with transcription's time
    with progress.stage("synthesize+transcribe", unit="segments",
                        label=f"{speaking} (tts={tts}) + {hearing}") as bar:
        timeline, _, seconds = overlap.synthesize_and_transcribe(
            out, script["language"], tts, asr, model,
            {"settings": settings, "overrides": load_overrides(out, script), "config_path": config})
        bar.label = f"{speaking} {spoken_by(timeline, tts)} + {hearing}"
        bar.note(f"synthesis {seconds['synthesize']:.1f} s and transcription {seconds['transcribe']:.1f} s "
                 f"in {seconds['wall']:.1f} s")
    fsio.remove_stale_temps(out)    # a killed synthesis left its .tmp behind
    return seconds


def verify(out: Path) -> Report:
    return verify_stage.verify_episode(out)


def verify_and_heal(out: Path, tts: str, asr: str, settings: EpisodeSettings,
                    rounds: int = DEFAULT_HEAL_ROUNDS, asr_model: str = DEFAULT_ASR_MODEL,
                    config: Path | None = None) -> Report:
    """Verify; while numbers are lost, re-speak only their segments (pipeline.heal)."""
    from . import heal

    report = verify(out)
    if report["verified"] or rounds <= 0:
        return report

    def rebuild(overrides: dict) -> Report:
        synthesize_and_transcribe(out, tts, asr, settings, config, asr_model)
        return verify(out)

    return heal.heal(out, rebuild, rounds, log=log)


def package(out: Path, config: Path | None = None) -> None:
    from .publish.shownotes import publish_episode

    package_stage.package(out)
    publish_episode(out, config)
    fsio.remove_stale_temps(out)


def check_engines(tts: str, asr: str, asr_model: str | None = None) -> None:
    """Fail on a typo or a missing model before any work."""
    from .asr import REGISTRY as ASR_REGISTRY
    from .asr import get_engine
    from .tts import REGISTRY as TTS_REGISTRY

    TTS_REGISTRY.check(tts)
    ASR_REGISTRY.check(asr)
    if asr_model is not None:
        _ = get_engine(asr, asr_model).model_path   # resolves (never downloads) the weights


def outermost_missing(folder: Path) -> Path | None:
    """The outermost of `folder` and its parents that does not exist yet (None: it exists)."""
    missing = None
    for p in (folder, *folder.parents):
        if p.exists():
            break
        missing = p
    return missing


@contextmanager
def removed_on_bad_input(out: Path) -> Iterator[None]:
    """A post refused by ingest or condense leaves no folder the build made for it: nothing
    was built, and an episode folder holding only post.json looks like a build to resume.
    A folder that existed before keeps what it held: only the files this run added go
    (a file it replaced, post.json of an older episode, cannot be given back)."""
    made = outermost_missing(out.absolute())
    before = set(out.iterdir()) if made is None and out.is_dir() else set()
    try:
        yield
    except InputError:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        elif out.is_dir():
            for added in set(out.iterdir()) - before:
                if added.is_dir() and not added.is_symlink():
                    shutil.rmtree(added, ignore_errors=True)
                else:
                    added.unlink(missing_ok=True)
        raise


def build(source, out_dir: Path, tts: str | None = None, asr: str = DEFAULT_ASR,
          lang: str | None = None, condenser: str = "extractive",
          heal_rounds: int = DEFAULT_HEAL_ROUNDS, asr_model: str = DEFAULT_ASR_MODEL,
          config: Path | None = None, fmt: str | None = None) -> Report:
    """Build an episode from a post file or an http(s) URL (settings only apply to files).

    config: podcast.yaml (None: pipeline.config.show.find_config), found once for every stage.
    fmt: narration | conversation (None: the post's settings, else podcast.yaml's)."""
    config = find_config(config)
    show_config(config)                       # a broken podcast.yaml fails before any work
    settings = load_settings(None if is_url(source) else Path(source))
    tts = tts or settings.tts or DEFAULT_TTS
    check_engines(tts, asr, asr_model)
    out = Path(out_dir)
    progress.clear_timings()
    with removed_on_bad_input(out):
        with progress.stage("ingest", label=step("ingest", str(source))) as bar:
            bar.note(ingested(ingest_stage.ingest(source, out / POST, lang)))
        with progress.stage("condense", label=step("condense", f"({condenser})")) as bar:
            bar.note(condensed(condense_stage.condense(out / POST, out / SCRIPT, condenser, fmt=fmt,
                                                       config=config)))
    synthesize_and_transcribe(out, tts, asr, settings, config, asr_model)
    with progress.stage("verify", label=step("verify")):
        report = verify_and_heal(out, tts, asr, settings, heal_rounds, asr_model, config)
    with progress.stage("package", label=step("package")):
        package(out, config)
    log(progress.summary(f"built {out}"))
    return report
