"""Numbers heard on the first pass, and median pitch, per candidate host voice.

    .venv/bin/python scripts/measure_voices.py fr 40 kokoro:ff_siwis pico "kokoro:ff_siwis*0.3+am_michael*0.7"

Speaks the first N sentences with numbers of the shared number vectors in that
language with each voice (pipeline.tts.voices), as the pipeline would
(spoken_text, no heal), joins them with 0.5 s pauses, transcribes them in one
pass with Whisper base and compares each sentence's numbers. How the second
French voice was chosen: docs/conversation.md.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PAUSE = 0.5


def measure(spec: str, sentences: list[str], lang: str, tmp: Path, hearer) -> dict:
    import bench

    from pipeline import numbers
    from pipeline.asr.audio import load_audio
    from pipeline.audio.speakers import median_pitch
    from pipeline.tts.speech import spoken_text
    from pipeline.tts.voices import voice_engine
    from pipeline.verify import heard_in, segment_windows

    eng = voice_engine(spec, lang)
    pieces, segs, pitch, cursor, t0 = [], [], [], 0.0, time.perf_counter()
    for i, text in enumerate(sentences):
        wav = tmp / f"{i}.wav"
        eng.synthesize(spoken_text(text, eng.name, lang), lang, wav)
        audio = load_audio(wav)
        pitch.append(median_pitch(audio, 16000))
        if pieces:
            pieces.append(np.zeros(int(PAUSE * 16000), np.float32))
            cursor += PAUSE
        pieces.append(audio)
        segs.append({"start": cursor, "end": cursor + len(audio) / 16000})
        cursor += len(audio) / 16000
    synth = time.perf_counter() - t0
    heard = hearer.transcribe(bench._write_wav16(tmp / "all.wav", np.concatenate(pieces)), lang)
    words = [w for s in heard["segments"] for w in s["words"]]
    ok = total = 0
    misses = []
    for text, (lo, hi) in zip(sentences, segment_windows({"segments": segs})):
        found = numbers.compare(text, heard_in(words, lo, hi).text, lang)
        ok += sum(m.status == "ok" for m in found)
        total += len(found)
        misses += [m.script.text for m in found if m.status != "ok"]
    return {"ok": ok, "total": total, "share": round(ok / total, 3) if total else None,
            "median_pitch_hz": round(float(np.median([p for p in pitch if p])), 1),
            "synth_s": round(synth, 1), "misses": misses}


def main(argv: list[str]) -> int:
    import bench

    from pipeline import asr, numbers

    lang, count, specs = argv[0], int(argv[1]), argv[2:]
    sentences = [s for s in bench.vector_sentences(bench.shared_dir())[lang] if numbers.extract(s, lang)][:count]
    hearer = asr.get_engine("faster-whisper", "base")
    out = {}
    for spec in specs:
        with tempfile.TemporaryDirectory() as tmp:
            out[spec] = measure(spec, sentences, lang, Path(tmp), hearer)
        print(spec, json.dumps(out[spec], ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
