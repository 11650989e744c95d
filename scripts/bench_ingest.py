"""Ingest and condense timings on hostile and huge posts (issue 14, item 2).

    .venv/bin/python scripts/bench_ingest.py [--quick]

Prints one line per case: size, ingest seconds, condense seconds. The cases are
generated (nothing is downloaded): 10,000 unclosed <div><span> (~110 KB of
HTML), a ~4.5 MB Markdown post, a ~1.5 MB single-line post, a 20,000-word post.
"""

import sys
import tempfile
import time
from pathlib import Path

from pipeline.condense import condense
from pipeline.errors import InputError
from pipeline.ingest import ingest

SENTENCE = "In {city}, riders took {n} trips in {year}, up {p}% on the year before, said the council."
CITIES = "Lyon Lille Nantes Porto Ghent Turin Malmo Graz Bremen Leeds Cork Brno".split()


def sentence(i: int) -> str:
    return SENTENCE.format(city=CITIES[i % len(CITIES)], n=1000 + 37 * i, year=1990 + i % 35, p=i % 90)


def cases(quick: bool) -> dict[str, str]:
    scale = 10 if quick else 1
    return {
        "nested.html": "<html><body>" + "<div><span>word " * 10000,
        "huge.md": "# Huge\n\n" + "\n\n".join(" ".join(sentence(i * 3 + k) for k in range(3))
                                             for i in range(16000 // scale)),
        "one-line.md": "# One line\n\n" + " ".join(sentence(i) for i in range(17000 // scale)),
        "20k-words.md": "# Twenty thousand words\n\n" + "\n\n".join(
            (f"## Part {i // 20}\n\n" if i % 20 == 0 else "") + " ".join(sentence(i * 4 + k) for k in range(4))
            for i in range(330)),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in cases(quick).items():
            src = Path(tmp) / name
            src.write_text(body, encoding="utf-8")
            out = Path(tmp) / name.replace(".", "-")
            out.mkdir()
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                post = ingest(src, out / "post.json")
            except InputError as e:
                print(f"{name:14} {len(body) / 1e6:5.2f} MB  ingest {time.perf_counter() - t0:5.2f} s  "
                      f"refused: {e.cause}")
                continue
            t1, c1 = time.perf_counter(), time.process_time()
            condense(out / "post.json", out / "script.yaml")
            t2, c2 = time.perf_counter(), time.process_time()
            # CPU seconds too: on a shared machine the wall clock mostly measures the others.
            print(f"{name:14} {len(body) / 1e6:5.2f} MB  {post['words']:7} words  ingest {t1 - t0:5.2f} s "
                  f"(cpu {c1 - c0:5.2f})  condense {t2 - t1:5.2f} s (cpu {c2 - c1:5.2f})")


if __name__ == "__main__":
    main()
