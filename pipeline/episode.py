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


@dataclass(frozen=True)
class Episode:
    dir: Path

    def __post_init__(self):
        object.__setattr__(self, "dir", Path(self.dir))

    @property
    def name(self) -> str:
        return self.dir.name

    @property
    def post(self) -> Path:
        return self.dir / POST

    @property
    def script(self) -> Path:
        return self.dir / SCRIPT

    @property
    def audio(self) -> Path:
        return self.dir / AUDIO

    @property
    def timeline(self) -> Path:
        return self.dir / TIMELINE

    @property
    def transcript(self) -> Path:
        return self.dir / TRANSCRIPT

    @property
    def report(self) -> Path:
        return self.dir / REPORT

    @property
    def notes(self) -> Path:
        return self.dir / NOTES
