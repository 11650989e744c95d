"""CLI, import hygiene and speed of the number engine."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.numbers import compare, extract, lint, spell_out
from pipeline.numbers.cli import main

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "whisper", "faster_whisper", "piper", "num2words", "text2num", "yaml")
SAMPLE_FR = ("Les investissements ont atteint 49,2 milliards de dollars au premier semestre 2025, "
             "soit 95 % de plus ; entre 350 et 400 milliards de dollars le 18 août 2025. ")


def run(argv, stdin: str = "", monkeypatch=None, capsys=None):
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_is_light():
    code = f"import sys, pipeline.numbers; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_extract_2kb_is_fast():
    text = (SAMPLE_FR * 20)[:2048]
    extract(text, "fr")
    began = time.perf_counter()
    extract(text, "fr")
    compare(text, text, "fr")
    lint(text, "fr")
    assert time.perf_counter() - began < 1.0


def test_cli_extract(capsys):
    code, out, _ = run(["extract", "--lang", "fr", "Soit 95 % en 2025."], capsys=capsys)
    assert code == 0
    assert json.loads(out) == [
        {"value": "95", "kind": "percent", "unit": "%", "text": "95 %", "start": 5, "end": 9},
        {"value": "2025", "kind": "number", "unit": None, "text": "2025", "start": 13, "end": 17},
    ]


def test_cli_new_kinds(capsys):
    code, out, _ = run(["extract", "--lang", "en", "Up 10pp, 3x, 1/3, at 3:45 pm, \u221215 %."], capsys=capsys)
    assert code == 0
    assert [(m["kind"], m["value"], m["unit"]) for m in json.loads(out)] == [
        ("points", "10", "pp"), ("multiplier", "3", "x"), ("fraction", "1/3", None), ("time", "15:45", "pm"),
        ("percent", "-15", "%")]
    code, out, _ = run(["compare", "--lang", "fr", "--script", "à 14h30, 900 000 deux ans plus tôt",
                        "--heard", "à quatorze heures trente, neuf cent mille deux ans plus tôt"], capsys=capsys)
    assert code == 0 and [n["status"] for n in json.loads(out)["numbers"]] == ["ok", "ok", "ok"]
    code, out, _ = run(["speak", "--lang", "fr", "+19 €, 14h30, 3×"], capsys=capsys)
    assert code == 0 and out.strip() == "plus dix-neuf euros, quatorze heures trente, trois fois"


def test_cli_extract_stdin_keeps_non_ascii(capsys, monkeypatch):
    code, out, _ = run(["extract", "--lang", "fr", "-"], "le 1er août", monkeypatch, capsys)
    assert code == 0 and '"le 1er août"' in out


def test_cli_compare(capsys):
    code, out, _ = run(["compare", "--lang", "en", "--script", "It hit $49.2 billion.",
                        "--heard", "It hit 49.2 billion."], capsys=capsys)
    assert code == 0
    assert json.loads(out) == {"numbers": [{"text": "$49.2 billion", "value": "49200000000", "kind": "currency",
                                            "unit": "USD", "status": "unit-missing", "heard": "49.2 billion"}]}


def test_cli_compare_exits_1_when_a_number_is_lost_or_changed(capsys):
    """Like diff: scripts can tell a changed number without reading the JSON."""
    code, out, _ = run(["compare", "--lang", "en", "--script", "We sold 412 units.",
                        "--heard", "We sold 413 units."], capsys=capsys)
    assert code == 1 and json.loads(out)["numbers"][0]["status"] == "changed"
    code, out, _ = run(["compare", "--lang", "en", "--script", "We sold 412 units in 2024.",
                        "--heard", "We sold units in 2024."], capsys=capsys)
    assert code == 1 and [n["status"] for n in json.loads(out)["numbers"]] == ["lost", "ok"]


def test_cli_lint(tmp_path, capsys):
    post = tmp_path / "post.txt"
    post.write_text("Le marché dépassera 2024 milliards de dollars d'ici 130 (étude).", encoding="utf-8")
    code, out, _ = run(["lint", "--lang", "fr", str(post)], capsys=capsys)
    assert code == 0
    assert [f["text"] for f in json.loads(out)["flags"]] == ["2024 milliards de dollars", "d'ici 130"]


def test_cli_speak(capsys):
    code, out, _ = run(["speak", "--lang", "en", "Up 95% to $3 million."], capsys=capsys)
    assert code == 0 and out == "Up ninety-five percent to three million dollars.\n"


@pytest.mark.parametrize("lang,text,spoken", [
    ("en", "Speed 130 km/h.", "Speed 130 kilometers per hour."),
    ("en", "It cost £236bn.", "It cost 236 billion pounds."),
    ("fr", "Un pic de 2,5 GW.", "Un pic de 2,5 gigawatts."),
    ("fr", "Au T3 2025, 5 000 kWh/an.", "Au troisième trimestre 2025, 5\u202f000 kilowattheures par an."),
])
def test_cli_speak_symbols(capsys, lang, text, spoken):
    code, out, _ = run(["speak", "--symbols", "--lang", lang, text], capsys=capsys)
    assert code == 0 and out == spoken + "\n"
    assert all(m.status == "ok" for m in compare(text, spoken, lang))


@pytest.mark.parametrize("argv", [
    ["lint", "--lang", "fr", "/nonexistent/post.txt"],
    ["extract", "--lang", "de", "1"],
    ["extract", "1"],
    ["frobnicate"],
    [],
])
def test_cli_errors_exit_2(argv, capsys):
    code, out, err = run(argv, capsys=capsys)
    assert code == 2 and out == "" and err.strip()


def test_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "pipeline.numbers", "speak", "--lang", "fr", "95 %"],
                         cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == "quatre-vingt-quinze pour cent\n"


PIECES = list("0123456789 ,.-%$€£'’\u00a0\u202fhHQer\n/:") + [
    " et ", " and ", " milliards ", " billion ", " pour cent ", " août ", " August ", " le ", " the ", " un ",
    " one ", " vingt ", " twenty ", "-cinq", " point ", " virgule ", " de ", " dollars ", " et demi ", " a half ",
    "1er", "8th", " M€", "bn", " en ", " d'ici ", " premier semestre ", " des ", " quatre-vingt", " oh "]


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=40).map("".join), lang=st.sampled_from(["fr", "en"]))
def test_never_crashes_and_spans_hold(text, lang):
    for mention in extract(text, lang, include_codes=True):
        assert text[mention.start:mention.end] == mention.text
    for flag in lint(text, lang):
        assert text[flag.start:flag.end] == flag.text
    spell_out(text, lang)
    compare(text, text, lang)


def test_numbers_output_into_a_closed_pipe_is_no_traceback():
    """`pipeline numbers extract ... | head -1` ends quietly, as every other command does."""
    text = " ".join(f"{i}%" for i in range(3000))        # JSON far larger than a pipe's buffer
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "numbers", "extract", "--lang", "en", text],
                            cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and "Traceback" not in err, err
