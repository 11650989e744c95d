"""What Whisper heard in a stretch of the episode: the words whose middle lies in a
window, joined as text, with each word's character span and times (verify, its second
hearing, the word diff and the captions read words this way)."""

from dataclasses import dataclass

from ..contracts import Transcript, Word

# Words heard up to this far outside a segment's audio still belong to it
# (Whisper's word times drift by a few hundred milliseconds).
EDGE_S = 0.25


@dataclass
class HeardText:
    text: str
    spans: list[tuple[int, int, float, float]]   # char start, char end, t start, t end

    def times(self, start: int, end: int) -> tuple[float, float] | None:
        hit = [(ts, te) for cs, ce, ts, te in self.spans if cs < end and ce > start]
        return (hit[0][0], hit[-1][1]) if hit else None


def transcript_words(transcript: Transcript) -> list[Word]:
    return [w for seg in transcript["segments"] for w in seg.get("words") or []]


def words_in(words: list[Word], lo: float, hi: float) -> list[Word]:
    """The words heard in a window: their middle inside it, or EDGE_S before it."""
    return [w for w in words if lo - EDGE_S <= (w["start"] + w["end"]) / 2 < hi]


def heard_in(words: list[Word], lo: float, hi: float) -> HeardText:
    parts: list[str] = []
    spans: list = []
    pos = 0
    for w in words_in(words, lo, hi):
        token = w["word"] if parts else w["word"].lstrip()
        start = pos + (len(token) - len(token.lstrip()))
        parts.append(token)
        pos += len(token)
        spans.append((start, pos, w["start"], w["end"]))
    return HeardText("".join(parts), spans)
