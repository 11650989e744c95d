"""Command line: `python -m pipeline COMMAND ...`.

Exit codes: 0 done (and verified), 1 built but a number was lost or changed,
2 bad input, usage or set-up. Heavy modules (torch, whisper, piper) are only
imported by the commands that speak or listen, so `numbers` answers fast.
"""

import argparse
import os
import sys
from pathlib import Path

from .errors import PipelineError

EXIT_OK, EXIT_UNVERIFIED, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def make_parser() -> argparse.ArgumentParser:
    from .build import DEFAULT_ASR, DEFAULT_TTS
    p = Parser(prog="python -m pipeline",
               description="Blog post -> key-points podcast episode, every number checked by Whisper.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    b = sub.add_parser("build", help="build an episode folder from a post (all stages)")
    b.add_argument("source", type=Path, help="the post: .md, .txt or .html")
    b.add_argument("--out", type=Path, required=True, help="episode folder to write")
    add_engine_args(b)
    b.add_argument("--lang", help="fr or en (detected when omitted)")
    b.add_argument("--condenser", default="extractive",
                   help="extractive (default, offline) or llm (OpenAI-compatible endpoint)")
    b.add_argument("--allow-unverified", action="store_true",
                   help="exit 0 even when numbers were lost (the report still says so)")
    b.add_argument("--heal-rounds", type=int, default=None,
                   help="rounds of re-speaking failing segments, one heal strategy each (default 6; 0 = off)")

    s = sub.add_parser("ingest", help="post -> post.json")
    s.add_argument("source", type=Path)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--lang")

    s = sub.add_parser("condense", help="post.json -> script.yaml")
    s.add_argument("post", type=Path)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--condenser", default="extractive")

    s = sub.add_parser("synthesize", help="episode folder: script.yaml -> episode.mp3 + timeline.json")
    s.add_argument("episode", type=Path)
    s.add_argument("--tts", default=None, help=f"default: the post's settings, else {DEFAULT_TTS}")

    s = sub.add_parser("transcribe", help="episode.mp3 -> transcript.json")
    s.add_argument("audio", type=Path)
    s.add_argument("--out", type=Path, required=True)
    lang = s.add_mutually_exclusive_group(required=True)
    lang.add_argument("--lang", help="language to force: fr or en")
    lang.add_argument("--script", type=Path, help="take the language from this script.yaml")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)

    s = sub.add_parser("verify", help="episode folder: script + transcript -> verify.json")
    s.add_argument("episode", type=Path)
    s.add_argument("--heal-rounds", type=int, default=0,
                   help="re-speak segments whose numbers were lost, up to N rounds (default 0)")
    s.add_argument("--tts", default=None, help="engine for healing (default: as built)")
    s.add_argument("--asr", default=DEFAULT_ASR)
    add_model_arg(s)

    s = sub.add_parser("check", help="print an episode's number table; exit 1 if not verified")
    s.add_argument("episode", type=Path)
    s.add_argument("--allow-unverified", action="store_true")
    s.add_argument("--brief", action="store_true", help="verdict only, no table")

    s = sub.add_parser("diff", help="word diff of script vs transcript; also writes diff.html")
    s.add_argument("episode", type=Path)

    s = sub.add_parser("package", help="episode folder -> shownotes.md")
    s.add_argument("episode", type=Path)

    s = sub.add_parser("publish", help="episode folder -> captions, chapters.json, shownotes.html")
    s.add_argument("episode", type=Path)
    s.add_argument("--config", type=Path, default=Path("podcast.yaml"))

    s = sub.add_parser("feed", help="every built episode -> episodes/feed.xml")
    s.add_argument("--episodes", type=Path, default=Path("episodes"))
    s.add_argument("--config", type=Path, default=Path("podcast.yaml"))
    s.add_argument("--out", type=Path, default=None)

    s = sub.add_parser("serve", help="serve episodes/ on http://127.0.0.1:PORT/")
    s.add_argument("directory", type=Path, nargs="?", default=Path("episodes"))
    s.add_argument("--port", type=int, default=8000)

    sub.add_parser("setup", help="provision the offline Whisper and Kokoro weights (checks SHA-256)")
    sub.add_parser("engines", help="list the TTS and ASR engines and which work on this machine")
    sub.add_parser("numbers", help="number tools: extract, compare, lint, speak (see numbers -h)",
                   add_help=False)
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


def episode_files(ep: Path) -> dict[str, Path]:
    from . import build as b
    names = dict(post=b.POST, script=b.SCRIPT, audio=b.AUDIO, timeline=b.TIMELINE,
                 transcript=b.TRANSCRIPT, report=b.REPORT, notes=b.NOTES)
    return {k: ep / v for k, v in names.items()}


def exit_for(report: dict, allow_unverified: bool) -> int:
    return EXIT_OK if report["verified"] or allow_unverified else EXIT_UNVERIFIED


def run(args) -> int:
    from . import fsio, report as report_mod
    cmd = args.command
    if cmd == "build":
        from .build import DEFAULT_HEAL_ROUNDS, build
        rounds = DEFAULT_HEAL_ROUNDS if args.heal_rounds is None else args.heal_rounds
        report = build(args.source, args.out, tts=args.tts, asr=args.asr, lang=args.lang,
                       condenser=args.condenser, heal_rounds=rounds, asr_model=args.asr_model)
        report_mod.print_report(report, with_table=False)
        return exit_for(report, args.allow_unverified)
    if cmd == "ingest":
        from .ingest import ingest
        ingest(args.source, args.out, args.lang)
    elif cmd == "condense":
        from .condense import condense
        condense(args.post, args.out, args.condenser)
    elif cmd == "synthesize":
        from . import build as b
        settings = b.settings_for(args.episode)
        tts = args.tts or settings.tts or b.DEFAULT_TTS
        b.check_engines(tts, b.DEFAULT_ASR)
        b.synthesize(args.episode, tts, settings)
    elif cmd == "transcribe":
        from .condense import load_script
        from .transcribe import transcribe, transcribe_episode
        lang = args.lang or load_script(args.script)["language"]
        timeline = args.audio.parent / "timeline.json"
        if timeline.exists():   # an episode: re-transcribe only the segments that changed
            transcribe_episode(args.audio, timeline, args.out, lang, engine=args.asr,
                               model=args.asr_model)
        else:
            transcribe(args.audio, args.out, lang, engine=args.asr, model=args.asr_model)
    elif cmd == "verify":
        from . import build as b
        settings = b.settings_for(args.episode)
        tts = args.tts or settings.tts or b.DEFAULT_TTS
        b.verify_and_heal(args.episode, tts, args.asr, settings, args.heal_rounds, args.asr_model)
    elif cmd == "check":
        f = episode_files(args.episode)
        if not f["report"].exists():
            raise_missing(f["report"])
        report = fsio.read_json(f["report"])
        report_mod.print_report(report, with_table=not args.brief)
        return exit_for(report, args.allow_unverified)
    elif cmd == "package":
        from .build import package
        package(args.episode)
    elif cmd == "diff":
        from .diff import write_diff
        for name in ("script.yaml", "timeline.json", "transcript.json"):
            if not (args.episode / name).exists():
                raise_missing(args.episode / name)
        path = write_diff(args.episode, sys.stdout)
        print(f"\nwritten: {path}", file=sys.stderr)
    elif cmd == "publish":
        from .publish import publish_episode
        publish_episode(args.episode, args.config)
    elif cmd == "feed":
        from .feed import write_feed
        print(f"written: {write_feed(args.episodes, args.config, args.out)}", file=sys.stderr)
    elif cmd == "serve":
        from .publish import serve
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


def raise_missing(path: Path):
    from .errors import InputError
    raise InputError(f"{path} does not exist yet", "build the episode first (make episode SRC=...)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "numbers":
        from .numbers.cli import main as numbers_main   # light: no speech engines
        return numbers_main(argv[1:])
    args = make_parser().parse_args(argv)
    try:
        return run(args)
    except PipelineError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:   # `... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted: finished files are intact, unfinished ones were not written",
              file=sys.stderr)
        return 130
