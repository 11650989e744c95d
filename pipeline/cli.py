"""Command line: `python -m pipeline COMMAND ...`.

Exit codes: 0 done (and verified), 1 built but a number was lost or changed
(or, for check, the episode is stale: a file changed since it was verified),
2 bad input, usage or set-up, 3 a system fault (disk full, permission denied,
port taken), 130 interrupted (Ctrl-C). Heavy modules (torch, whisper, piper) are only
imported by the commands that speak or listen, so `numbers` answers fast.
"""

import argparse
import os
import sys
from pathlib import Path

from .errors import InputError, PipelineError, os_error
from .text import sanitize

EXIT_OK, EXIT_UNVERIFIED, EXIT_USAGE, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_PORT = 65535
MAX_HEAL_ROUNDS = 20
# Folders an --out must never be (or, for the system ones, be inside): a build
# writes and replaces files in its folder, so a slip of the keyboard must not
# aim it at the home folder or the system.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin",
                "/sys", "/usr")
NOT_AN_OUT = ("/", "/home", "/opt", "/root", "/srv", "/tmp", "/mnt", "/media", "/var")


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
                                         f"(e.g. {path / 'post.json'})")
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


def prog_name() -> str:
    """How the user called us: `podcast-pipeline` (entry point) or `python -m pipeline`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python -m pipeline" if name in ("", "__main__.py", "-c") else name


def fill_help(sub) -> None:
    """Give every argument without its own help the shared one (OPTION_HELP)."""
    for parser in sub.choices.values():
        for action in parser._actions:
            if action.help is None and action.dest in OPTION_HELP:
                action.help = OPTION_HELP[action.dest]


def make_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .build import DEFAULT_ASR, DEFAULT_TTS
    p = Parser(prog=prog_name(),
               description="Blog post -> key-points podcast episode, every number checked by Whisper.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    sub.add_parser("init", help="write a commented podcast.yaml (the show's settings) here")

    b = sub.add_parser("build", help="build an episode folder from a post (all stages)")
    b.add_argument("source", type=str, help="the post: .md, .txt or .html file, or an https:// URL")
    b.add_argument("--out", type=out_folder, required=True, help="episode folder to write")
    add_engine_args(b)
    b.add_argument("--lang", help="fr or en (detected when omitted)")
    b.add_argument("--condenser", default="extractive",
                   help="extractive (default, offline) or llm (OpenAI-compatible endpoint)")
    b.add_argument("--allow-unverified", action="store_true",
                   help="exit 0 even when numbers were lost (the report still says so)")
    b.add_argument("--heal-rounds", type=int_in(0, MAX_HEAL_ROUNDS), default=None,
                   help="rounds of re-speaking failing segments, one heal strategy each (default 6; 0 = off)")
    b.add_argument("--config", type=Path, default=None)

    s = sub.add_parser("batch", help="many posts (files, folders, URLs, RSS/Atom feeds) -> "
                                     "verified episodes + feed.xml; skips what is current")
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
    s.add_argument("--condenser", default="extractive",
                   help="extractive (default, offline) or llm (OpenAI-compatible endpoint)")
    s.add_argument("--heal-rounds", type=int_in(0, MAX_HEAL_ROUNDS), default=None,
                   help="as for build (default 6)")
    s.add_argument("--config", type=Path, default=None,
                   help="show settings for the feed (default: $PIPELINE_CONFIG, else ./podcast.yaml)")

    s = sub.add_parser("ingest", help="post (file or https:// URL) -> post.json")
    s.add_argument("source", type=str, help="the post: .md, .txt or .html file, or an https:// URL")
    s.add_argument("--out", type=out_file, required=True)
    s.add_argument("--lang")

    s = sub.add_parser("condense", help="post.json -> script.yaml")
    s.add_argument("post", type=Path)
    s.add_argument("--out", type=out_file, required=True)
    s.add_argument("--condenser", default="extractive")

    s = sub.add_parser("synthesize", help="episode folder: script.yaml -> episode.mp3 + timeline.json")
    s.add_argument("episode", type=Path)
    s.add_argument("--tts", default=None, help=f"default: the post's settings, else {DEFAULT_TTS}")

    s = sub.add_parser("transcribe", help="episode.mp3 -> transcript.json")
    s.add_argument("audio", type=Path)
    s.add_argument("--out", type=out_file, required=True)
    lang = s.add_mutually_exclusive_group(required=True)
    lang.add_argument("--lang", help="language to force: fr or en")
    lang.add_argument("--script", type=Path, help="take the language from this script.yaml")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)

    s = sub.add_parser("verify", help="episode folder: script + transcript -> verify.json")
    s.add_argument("episode", type=Path)
    s.add_argument("--heal-rounds", type=int_in(0, MAX_HEAL_ROUNDS), default=0,
                   help="re-speak segments whose numbers were lost, up to N rounds (default 0)")
    s.add_argument("--tts", default=None, help="engine for healing (default: as built)")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)

    s = sub.add_parser("check", help="print an episode's number table; exit 1 if not verified "
                                     "or stale (a file changed since verify)")
    s.add_argument("episode", type=Path)
    s.add_argument("--allow-unverified", action="store_true",
                   help="exit 0 when numbers were lost (a stale episode still exits 1)")
    s.add_argument("--brief", action="store_true", help="verdict only, no table")

    s = sub.add_parser("diff", help="word diff of script vs transcript; also writes diff.html")
    s.add_argument("episode", type=Path)

    s = sub.add_parser("package", help="episode folder -> shownotes.md")
    s.add_argument("episode", type=Path)
    s.add_argument("--config", type=Path, default=None)

    s = sub.add_parser("publish", help="episode folder -> captions, chapters.json, shownotes.html, "
                                       "diff.html (a stale episode: only its shownotes.html, marked stale)")
    s.add_argument("episode", type=Path)
    s.add_argument("--config", type=Path, default=None)

    s = sub.add_parser("feed", help="every built episode -> episodes/feed.xml (stale ones left out)")
    s.add_argument("--episodes", type=Path, default=Path("episodes"))
    s.add_argument("--config", type=Path, default=None)
    s.add_argument("--out", type=out_file, default=None, help="the feed file (default: EPISODES/feed.xml)")

    s = sub.add_parser("serve", help="serve episodes/ on http://127.0.0.1:PORT/ (a stale "
                                     "episode's show notes answer 409)")
    s.add_argument("directory", type=Path, nargs="?", default=Path("episodes"))
    s.add_argument("--port", type=int_in(0, MAX_PORT), default=8000,
                   help="TCP port on 127.0.0.1 (0: any free port; default 8000)")

    sub.add_parser("setup", help="provision the offline Whisper and Kokoro weights (checks SHA-256)")
    sub.add_parser("engines", help="list the TTS and ASR engines and which work on this machine")
    sub.add_parser("numbers", help="number tools: extract, compare, lint, speak (see numbers -h)",
                   add_help=False)
    fill_help(sub)
    return p


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


def exit_for(report: dict, allow_unverified: bool) -> int:
    return EXIT_OK if report["verified"] or allow_unverified else EXIT_UNVERIFIED


def run(args) -> int:
    from . import report as report_mod
    cmd = args.command
    if cmd == "build":
        from .build import DEFAULT_HEAL_ROUNDS, build
        rounds = DEFAULT_HEAL_ROUNDS if args.heal_rounds is None else args.heal_rounds
        report = build(args.source, args.out, tts=args.tts, asr=args.asr, lang=args.lang,
                       condenser=args.condenser, heal_rounds=rounds, asr_model=args.asr_model,
                       config=args.config)
        report_mod.print_report(report, with_table=False)
        return exit_for(report, args.allow_unverified)
    if cmd == "batch":
        from .batch import Options, run_batch
        from .build import DEFAULT_HEAL_ROUNDS
        rounds = DEFAULT_HEAL_ROUNDS if args.heal_rounds is None else args.heal_rounds
        options = Options(tts=args.tts, asr=args.asr, asr_model=args.asr_model,
                          condenser=args.condenser, lang=args.lang, heal_rounds=rounds)
        return run_batch(args.sources, args.out, options, jobs=args.jobs, engine=args.engine,
                         config=args.config)
    if cmd == "init":
        from .config import write_template
        print(f"written: {write_template()} (edit it: every key is described)", file=sys.stderr)
    elif cmd == "ingest":
        from .ingest import ingest
        ingest(args.source, args.out, args.lang)
    elif cmd == "condense":
        from .condense import condense
        condense(args.post, args.out, args.condenser)
    elif cmd == "synthesize":
        from . import build as b
        from .settings import for_episode
        settings = for_episode(args.episode)
        tts = args.tts or settings.tts or b.DEFAULT_TTS
        b.check_engines(tts, b.DEFAULT_ASR)
        b.synthesize(args.episode, tts, settings)
    elif cmd == "transcribe":
        from .condense import load_script
        from .transcribe import transcribe, transcribe_episode
        lang = args.lang or load_script(args.script)["language"]
        from .episode import TIMELINE
        timeline = args.audio.parent / TIMELINE
        if timeline.exists():   # an episode: re-transcribe only the segments that changed
            transcribe_episode(args.audio, timeline, args.out, lang, engine=args.asr,
                               model=args.asr_model)
        else:
            transcribe(args.audio, args.out, lang, engine=args.asr, model=args.asr_model)
    elif cmd == "verify":
        from . import build as b
        from .settings import for_episode
        settings = for_episode(args.episode)
        tts = args.tts or settings.tts or b.DEFAULT_TTS
        b.verify_and_heal(args.episode, tts, args.asr, settings, args.heal_rounds, args.asr_model)
    elif cmd == "check":
        return check(args.episode, args.brief, args.allow_unverified)
    elif cmd == "package":
        from .build import package
        package(args.episode, args.config)
    elif cmd == "diff":
        from .diff import write_diff
        from .episode import SCRIPT, TIMELINE, TRANSCRIPT
        for name in (SCRIPT, TIMELINE, TRANSCRIPT):
            if not (args.episode / name).exists():
                raise_missing(args.episode / name)
        path = write_diff(args.episode, sys.stdout)
        print(f"\nwritten: {path}", file=sys.stderr)
    elif cmd == "publish":
        from .publish.shownotes import publish_episode
        publish_episode(args.episode, args.config)
    elif cmd == "feed":
        from .publish.feed import write_feed
        print(f"written: {write_feed(args.episodes, args.config, args.out)}", file=sys.stderr)
    elif cmd == "serve":
        from .publish.server import serve
        serve(args.directory, args.port)
    elif cmd == "setup":
        from . import kokoro_assets
        from .models import provision
        provision()
        kokoro_assets.main([])
    elif cmd == "engines":
        from .asr import REGISTRY as ASR
        from .tts import CHECKED_LANGS, REGISTRY as TTS, describe, fallback_chain
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
    from . import report as report_mod
    from .episode import Episode
    from .verify import binding_status, read_report
    ep = Episode(ep_dir)
    if not ep.report.exists():
        raise_missing(ep.report)
    report = read_report(ep.report)
    binding = binding_status(ep.dir, report)
    report_mod.print_report(report, with_table=not brief, binding=binding)
    return EXIT_UNVERIFIED if binding.stale else exit_for(report, allow_unverified)


def raise_missing(path: Path):
    raise InputError(f"{path} does not exist yet", "build the episode first (make episode SRC=...)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "numbers":
        from .numbers.cli import main as numbers_main   # light: no speech engines
        try:
            return numbers_main(argv[1:])
        except BrokenPipeError:      # `numbers extract ... | head`, as for every command
            return quiet_broken_pipe()
    args = make_parser().parse_args(argv)
    try:
        return run(args)
    except PipelineError as e:
        print(f"error: {sanitize(e.message)}", file=sys.stderr)
        return e.exit_code
    except OSError as e:   # disk full, permission denied...: the machine's fault, not the post's
        if isinstance(e, BrokenPipeError):
            return quiet_broken_pipe()
        fault = os_error(e)
        print(f"error: {sanitize(fault.message)}", file=sys.stderr)
        return fault.exit_code
    except KeyboardInterrupt:
        print("interrupted: finished files are intact, unfinished ones were not written",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def quiet_broken_pipe() -> int:
    """`... | head`: the reader left; not an error of ours."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
