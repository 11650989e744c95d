"""The episode folder: its file names, named once (the Makefile uses the same names).

    ep = Episode(Path("episodes/demo"))
    ep.script          # episodes/demo/script.yaml

The stages between these files are in their own modules; this one only says
where each file lives.
"""

from dataclasses import dataclass
from pathlib import Path

POST = "post.json"
SCRIPT = "script.yaml"
AUDIO = "episode.mp3"
TIMELINE = "timeline.json"
TRANSCRIPT = "transcript.json"
REPORT = "verify.json"
NOTES = "shownotes.md"


def _file(name: str) -> property:
    return property(lambda self: self.dir / name, doc=f"the episode's {name}")


@dataclass(frozen=True)
class Episode:
    dir: Path

    def __post_init__(self):
        object.__setattr__(self, "dir", Path(self.dir))

    post = _file(POST)
    script = _file(SCRIPT)
    audio = _file(AUDIO)
    timeline = _file(TIMELINE)
    transcript = _file(TRANSCRIPT)
    report = _file(REPORT)
    notes = _file(NOTES)
