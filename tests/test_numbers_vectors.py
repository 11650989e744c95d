"""Every line of the shared number test vectors is one case.

The vectors are vendored in tests/data/ (copied from the team's shared folder,
tests/data/README.md): a missing file fails collection instead of skipping.
"""

from __future__ import annotations

import pytest

from pipeline.numbers import compare, extract

from .conftest import DATA


def _rows(name: str) -> list:
    path = DATA / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            rows.append(pytest.param(line.split("\t"), id=f"{name}:{number}"))
    return rows


def _describe(mention) -> str:
    unit = f":{mention.unit}" if mention.kind == "currency" else ""
    return f"{mention.kind}:{mention.value}{unit}"


@pytest.mark.parametrize("row", _rows("number_extract.tsv"))
def test_extract_vector(row):
    lang, text, expected = row
    got = " ; ".join(_describe(m) for m in extract(text, lang)) or "-"
    assert got == expected.strip()


@pytest.mark.parametrize("row", _rows("number_compare.tsv"))
def test_compare_vector(row):
    lang, script, heard, expected = row
    statuses = [m.status for m in compare(script, heard, lang)]
    if expected.strip() == "fail":
        assert statuses and any(s != "ok" for s in statuses), statuses
    else:
        assert statuses == expected.strip().split(","), statuses
