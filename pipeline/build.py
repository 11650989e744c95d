"""The whole pipeline, stage after stage, into one episode folder.

Each stage is also its own CLI command (used by the Makefile so make rebuilds
only what changed); this module chains them for `python -m pipeline build`.
"""

import functools
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from . import condense as condense_stage
from . import fsio, progress
from . import ingest as ingest_stage
from . import verify as verify_stage
from .config.episode import EpisodeSettings, length_seconds, load_settings
from .config.show import ShowConfig, find_config, show_config
from .contracts import Post, Report, Script, Timeline
from .episode import POST, SCRIPT, Episode
from .errors import InputError
from .heal import DEFAULT_ROUNDS
from .publish import package as package_stage
from .urls import is_url

DEFAULT_TTS = "gtts"
DEFAULT_ASR = "faster-whisper"
DEFAULT_ASR_MODEL = "base"     # provisioned offline; other sizes need the user's own cache
DEFAULT_CONDENSER = "extractive"
DEFAULT_HEAL_ROUNDS = DEFAULT_ROUNDS    # one round per heal strategy (pipeline.heal.STRATEGIES)
ADJUST_PASSES = 2     # at most: each one re-speaks the changed points and hears them again
STEPS = ("ingest", "condense", "synthesize", "transcribe", "verify", "package")

log = logging.getLogger(__name__).info


@dataclass(frozen=True)
class BuildOptions:
    """How to build an episode: build()'s one argument besides the post and the folder,
    and the payload of a batch job (plain values: it pickles for local workers and Ray,
    and batch.json records it as is). Every default is written here and only here."""
    tts: str | None = None          # None: the post's settings' tts, else DEFAULT_TTS
    asr: str = DEFAULT_ASR
    asr_model: str = DEFAULT_ASR_MODEL
    condenser: str = DEFAULT_CONDENSER
    lang: str | None = None         # None: detected by ingest
    heal_rounds: int = DEFAULT_HEAL_ROUNDS
    config: str | None = None       # the show's podcast.yaml (None: find_config's choice)
    minutes: str | float | None = None  # the length asked for (short, default, long, minutes); None: settings
    fmt: str | None = None          # narration | conversation; None: the post's settings, else podcast.yaml
    adjust_passes: int = ADJUST_PASSES  # times an episode off its length may be adjusted and spoken again

    def speaking(self, settings: EpisodeSettings) -> "BuildOptions":
        """These options with the engine that speaks resolved: asked for, else the post's, else the default."""
        return replace(self, tts=self.tts or settings.tts or DEFAULT_TTS)

    @property
    def voice(self) -> str:
        """The TTS engine asked for (after speaking(): never None)."""
        return self.tts or DEFAULT_TTS

    @property
    def config_path(self) -> Path | None:
        return Path(self.config) if self.config else None


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
    """"6 key points", and when the post has less to say than asked, by how much."""
    note = counted(len(script["points"]), "key point")
    if short := script.get("short_of_seconds"):
        note += f"; the post has less to say than the {script.get('target_seconds'):g} s asked: about {short} s short"
    return note


def spoken_by(timeline: Timeline, tts: str) -> str:
    """What the synthesize line says spoke, not only what was asked (`tts`): "(tts=piper,
    gtts unavailable)" when gtts fell back to piper; "(tts=piper+espeak)" when two
    engines shared the segments."""
    engines = timeline.get("engines") or {timeline.get("tts_engine") or tts: 1}
    spoke = "+".join(sorted(engines, key=lambda name: (-engines[name], name)))
    if timeline.get("fallback_reason"):
        return f"(tts={spoke}, {timeline.get('requested_engine') or tts} unavailable)"
    return f"(tts={spoke})"


def synthesize(out: Path, options: BuildOptions, settings: EpisodeSettings, show: ShowConfig | None = None) -> Timeline:
    from . import synthesize as synth_stage
    from .heal import load_overrides

    files = Episode(out)
    script = files.approved_script()
    tts = options.voice
    speaking = step("synthesize")     # numbered before its stage opens (inside, it would not be)
    with progress.stage("synthesize", unit="segments", label=f"{speaking} (tts={tts})") as bar:
        timeline = synth_stage.synthesize(files.script_path, out, engine=tts, settings=settings, script=script,
                                          overrides=load_overrides(out, script),
                                          config_path=show_of(options, show))
        bar.label = f"{speaking} {spoken_by(timeline, tts)}"
    fsio.remove_stale_temps(out)    # a killed synthesis left its .tmp behind
    return timeline


def synthesize_and_transcribe(out: Path, options: BuildOptions, settings: EpisodeSettings,
                              overrides: dict[str, dict] | None = None, show: ShowConfig | None = None) -> dict:
    """Stages 3 and 4 at once (pipeline.overlap): each segment's piece of the MP3 is
    transcribed while the next one is spoken; returns each engine's busy seconds.
    `overrides`: heal's ways of speaking segments (None: those kept in the folder);
    `show`: the show config build parsed (None: read from options.config)."""
    from . import overlap
    from .heal import load_overrides

    script = Episode(out).approved_script()     # read afresh: heal and adjust rewrite the folder
    if overrides is None:
        overrides = load_overrides(out, script)
    tts, asr, model = options.voice, options.asr, options.asr_model
    speaking, hearing = step("synthesize"), step("transcribe", f"(asr={asr}, model={model})")
    # named for both engines: the build summary must not credit synthesis with transcription's time
    with progress.stage("synthesize+transcribe", unit="segments",
                        label=f"{speaking} (tts={tts}) + {hearing}") as bar:
        timeline, _, seconds = overlap.synthesize_and_transcribe(
            out, script["language"], tts, asr, model,
            {"settings": settings, "overrides": overrides, "config_path": show_of(options, show), "script": script})
        bar.label = f"{speaking} {spoken_by(timeline, tts)} + {hearing}"
        bar.note(f"synthesis {seconds['synthesize']:.1f} s and transcription {seconds['transcribe']:.1f} s "
                 f"in {seconds['wall']:.1f} s")
    fsio.remove_stale_temps(out)    # a killed synthesis left its .tmp behind
    return seconds


def adjust_length(out: Path, options: BuildOptions, settings: EpisodeSettings,
                  show: ShowConfig | None = None, respeak: Callable[[], object] | None = None) -> None:
    """An episode outside the tolerance of its length: its script adjusted by whole sentences
    (pipeline.condense.adjust) and only the points that changed spoken again (and heard
    again: `respeak` is the build's synthesize+transcribe unless the caller, the
    `synthesize` stage that make runs, gives its own)."""
    from .condense.adjust import adjust

    if respeak is None:
        respeak = functools.partial(synthesize_and_transcribe, out, options, settings, show=show)

    for n in range(1, options.adjust_passes + 1):
        files = Episode(out)        # each pass reads what the last one spoke
        timeline, before = files.timeline(), files.script()
        asked = f"length: {timeline['duration']:.1f} s for {before.get('target_seconds'):g} s asked"
        why_not = functools.partial(_not_adjusted, asked)
        if adjust(files.script_path, files.post_path, timeline, before, files.post(), why_not) is None:
            return
        log(f"{asked}: script adjusted by whole sentences (pass {n} of {options.adjust_passes})")
        respeak()


def _not_adjusted(asked: str, reason: str) -> None:
    log(f"{asked}: not adjusted, {reason}")


def show_of(options: BuildOptions, show: ShowConfig | None) -> Path | ShowConfig | None:
    """The show config for a stage: as build parsed it, else where the options say it is."""
    return show if show is not None else options.config_path


def verify(out: Path) -> Report:
    return verify_stage.verify_episode(out)


def verify_and_heal(out: Path, options: BuildOptions, settings: EpisodeSettings,
                    show: ShowConfig | None = None) -> Report:
    """Verify; while numbers are lost, re-speak only their segments (pipeline.heal)."""
    from . import heal

    report = verify(out)
    if report["verified"] or options.heal_rounds <= 0:
        return report

    def rebuild(overrides: dict) -> Report:
        synthesize_and_transcribe(out, options, settings, overrides, show)
        return verify(out)

    return heal.heal(out, rebuild, options.heal_rounds, log=log)


def package(out: Path, config: Path | ShowConfig | None = None) -> None:
    """Show notes and what the feed links to; `config`: the show config, parsed or a path."""
    from .publish.shownotes import publish_episode

    files = Episode(out)     # the files package and publish both read, read once
    package_stage.package(files)
    publish_episode(files, config)
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


def build(source, out_dir: Path, options: BuildOptions = BuildOptions()) -> Report:
    """Build an episode from a post file or an http(s) URL (settings only apply to files).

    options.config: podcast.yaml (None: pipeline.config.show.find_config), found once for every stage.
    options.minutes: the length asked for (short, default, long or minutes), over the settings' own.
    options.fmt: narration | conversation (None: the post's settings, else podcast.yaml's)."""
    config = find_config(options.config_path)
    show = show_config(config)                # parsed once for every stage; a broken one fails now
    settings = load_settings(None if is_url(source) else Path(source))
    target = length_seconds(options.minutes) if options.minutes is not None else None
    options = replace(options.speaking(settings), config=str(config) if config else None)
    check_engines(options.voice, options.asr, options.asr_model)
    out = Path(out_dir)
    progress.clear_timings()
    with removed_on_bad_input(out):
        with progress.stage("ingest", label=step("ingest", str(source))) as bar:
            bar.note(ingested(ingest_stage.ingest(source, out / POST, options.lang)))
        with progress.stage("condense", label=step("condense", f"({options.condenser})")) as bar:
            bar.note(condensed(condense_stage.condense(out / POST, out / SCRIPT, options.condenser,
                                                       target, options.voice, fmt=options.fmt, config=config)))
    synthesize_and_transcribe(out, options, settings, show=show)
    adjust_length(out, options, settings, show)
    with progress.stage("verify", label=step("verify")):
        report = verify_and_heal(out, options, settings, show)
    with progress.stage("package", label=step("package")):
        package(out, show)
    log(progress.summary(f"built {out}"))
    return report
