"""scripts/tn_check.py reads written~spoken files and judges them with compare() (our own pairs)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("tn_check", Path(__file__).resolve().parents[1] / "scripts" / "tn_check.py")
assert _SPEC and _SPEC.loader
tn_check = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("tn_check", tn_check)  # its dataclass looks its module up
_SPEC.loader.exec_module(tn_check)


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"test_cases_{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pairs_are_judged_skipped_and_mutated(tmp_path):
    path = _write(tmp_path / "en" / "data_text_normalization", "time", [
        "Doors open at 3:30.~Doors open at half past three.",   # right
        "Doors open at 3:30.~Doors open at half past four.",    # misjudged (a changed hearing)
        "Hello there.~Hello there.",                            # no number: skipped
        "Doors open at 3:30.~Doors open at half past three.",   # repeated: counted once
    ])
    tally = tn_check.measure([path], "en")["time"]
    assert (tally.pairs, tally.right, tally.skipped) == (2, 1, 1)
    assert tally.mutants == 1 and tally.wrong_ok == 0
    assert "half past four" in tally.misjudged[0]


def test_inverse_files_are_read_spoken_first_and_apart_classes_marked(tmp_path):
    path = _write(tmp_path / "fr" / "data_inverse_text_normalization", "telephone",
                  ["deux mille vingt-cinq~2025"])
    assert tn_check.read_pairs(path) == [("2025", "deux mille vingt-cinq")]
    assert tn_check.class_of(path) == "apart:telephone"


def test_a_mutant_changes_the_matched_number_only(tmp_path):
    assert tn_check.mutate("It costs $5.", "It costs five dollars.", "en") == "It costs six dollars."
    assert tn_check.mutate("Il a 21 ans.", "Il a vingt et un ans.", "fr") == "Il a trente et un ans."  # "un" may be an article: not mutated
    assert tn_check.mutate("It costs $5.", "It costs 5 dollars.", "en") == "It costs 6 dollars."
    assert tn_check.mutate("Hello.", "Hello.", "en") is None
