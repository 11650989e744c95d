"""Command line: python -m pipeline numbers {extract,compare,lint,speak} ...

Exit codes: 0 done, 2 bad usage, unsupported language or unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import PipelineError
from . import langs
from .align import FAILING, compare
from .extract import extract
from .lint import lint
from .speak import spell_out, spell_symbols

EXIT_DIFFERENT = 1     # compare: a number lost or changed
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 by itself; keep it, but no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    from .. import prog_name  # as called: podcast-pipeline or python -m pipeline
    parser = _Parser(prog=f"{prog_name()} numbers", description="Find, compare, lint and speak the numbers of a text.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("extract", help="print the numbers of TEXT as JSON")
    _lang(p)
    p.add_argument("text", metavar="TEXT", help='the text, or "-" for stdin')
    p = sub.add_parser("compare", help="check that every script number was heard (exit 1 if one was lost or changed)")
    _lang(p)
    p.add_argument("--script", required=True, metavar="TEXT", help='script text or "-"')
    p.add_argument("--heard", required=True, metavar="TEXT", help='transcript text or "-"')
    p = sub.add_parser("lint", help="flag numbers that cannot be right where they stand")
    _lang(p)
    p.add_argument("file", metavar="FILE", help="UTF-8 text file")
    p = sub.add_parser("speak", help="print TEXT with every number spelled out")
    _lang(p)
    p.add_argument("--symbols", action="store_true",
                   help="keep the digits, say only the unit, currency and period symbols in words")
    p.add_argument("text", metavar="TEXT", help='the text, or "-" for stdin')
    return parser


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", required=True, metavar="L", help="language code (en, fr)")


def _read(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def run(args: argparse.Namespace) -> int:
    langs.get(args.lang)
    if args.command == "extract":
        _print_json([m.to_dict() for m in extract(_read(args.text), args.lang)])
    elif args.command == "compare":
        if args.script == "-" and args.heard == "-":
            raise PipelineError("compare: only one of --script and --heard can be read from stdin")
        matches = compare(_read(args.script), _read(args.heard), args.lang)
        _print_json({"numbers": [m.to_dict() for m in matches]})
        # like diff: 1 when a number was lost or changed (what fails an episode's verdict)
        return EXIT_DIFFERENT if any(m.status in FAILING for m in matches) else 0
    elif args.command == "lint":
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PipelineError(f"lint: cannot read {path}: {exc}", "pass a UTF-8 text file") from None
        _print_json({"flags": [f.to_dict() for f in lint(text, args.lang)]})
    elif args.symbols:
        print(spell_symbols(_read(args.text), args.lang))
    else:
        print(spell_out(_read(args.text), args.lang))
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
        return run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except PipelineError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
