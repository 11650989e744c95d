"""scripts/length_matrix.py: one build per post, voice and length, measured after the
adjust step; posts with less to say counted apart (fake engines: the matrix's own
figures come from the real voices, docs/script.md)."""

import importlib.util
import json

import pytest

from .conftest import ROOT

POST = """# Ferries

The harbor ferry carried 1,250 passengers a day in 2024. Crossings took 35 minutes on average.
The city added two boats in March. Tickets cost 4 dollars. Ridership rose 12% in a year.
Night crossings began in June and carried 300 people a night. The port plans 3 new routes.

## Next year

The council will vote on a budget of 8 million dollars in May. A new pier would open in 2027.
Fares for students would fall to 2 dollars. The old terminal, built in 1961, will be repaired.
Two more crews will be hired before the summer season. Weekend service will run until midnight.
Each boat will carry 40 bicycles instead of 25.
"""


@pytest.fixture
def matrix():
    spec = importlib.util.spec_from_file_location("length_matrix", ROOT / "scripts" / "length_matrix.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_post_voice_and_length_is_measured_and_a_short_post_said_apart(matrix, tmp_path, fake_engines,
                                                                           isolated_cache, capsys):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "ferries.md").write_text(POST)
    out = tmp_path / "out"
    assert matrix.main([str(out), "--posts", str(posts), "--only", "ferries.md", "--engines", "fake",
                        "--minutes", "0.5", "3"]) == 0
    rows = json.loads((out / "matrix.json").read_text())
    assert [(r["engine"], r["minutes"], r["target_s"]) for r in rows] == [("fake", 0.5, 30.0), ("fake", 3.0, 180.0)]
    # the whole post takes about 50 s: 30 s leaves some of it out, 3 min cannot be filled
    assert not rows[0]["short_of_seconds"]
    assert rows[1]["short_of_seconds"] and rows[1]["deviation_percent"] < -7     # 7 sentences cannot fill 3 min
    printed = capsys.readouterr().out
    assert "| ferries.md | fake |" in printed and "(short)" in printed
    assert "with less to say than asked" in printed


def test_the_table_marks_a_build_outside_the_tolerance(matrix):
    rows = [{"post": "p.md", "engine": "piper", "minutes": 1.0, "deviation_percent": 9.2, "short_of_seconds": None},
            {"post": "p.md", "engine": "piper", "minutes": 3.0, "deviation_percent": -2.0, "short_of_seconds": None}]
    text = matrix.table(rows, [1.0, 3.0])
    assert "| p.md | piper | **+9.2 %** | -2.0 % |" in text
    assert "1 of 2 builds with enough to say within ±7 %" in text and "worst +9.2 %" in text
