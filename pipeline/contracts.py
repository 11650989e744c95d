"""The stage contracts: the shape of each file an episode folder holds.

    post.json        Post         ingest     -> condense, verify, package
    script.yaml      Script       condense   -> synthesize, verify, package
    timeline.json    Timeline     synthesize -> transcribe, verify, package
    transcript.json  Transcript   transcribe -> verify, package
    verify.json      Report       verify     -> check, package, publish, feed

They are TypedDicts, not classes: the files stay plain JSON/YAML (a person
may edit script.yaml), the stages keep passing dicts, and mypy checks every
key a stage reads or writes against the one place that names it. A key that
only some files have (a hand-added `approved:` list, a healed segment's
`override`) is in the `total=False` half of its TypedDict.
"""

from __future__ import annotations

from typing import Any, TypedDict

# The name of each stage's file in an episode folder, named once (the Makefile uses the
# same names; pipeline.episode reads them).
# the stages' files, in the order they are made
POST = "post.json"
SCRIPT = "script.yaml"
AUDIO = "episode.mp3"
TIMELINE = "timeline.json"
TRANSCRIPT = "transcript.json"
REPORT = "verify.json"
NOTES = "shownotes.md"
# what verify's healing keeps, and what package and publish write for listeners
OVERRIDES = "overrides.json"
NOTES_PAGE = "shownotes.html"
DIFF_PAGE = "diff.html"
CAPTIONS_VTT = "captions.vtt"
CAPTIONS_SRT = "captions.srt"
PODCAST_TRANSCRIPT = "transcript.podcast.json"
CHAPTERS = "chapters.json"
# condense's record of the script it wrote (a later hand edit is kept, not overwritten)
SCRIPT_META = ".script.meta.json"

# ------------------------------------------------------------------ post.json (ingest)


class NumberRef(TypedDict):
    """A number as the script and the post carry it (pipeline.numbers.Mention, in part)."""
    text: str
    value: str
    kind: str
    unit: str | None


class LintFlag(TypedDict):
    """A figure the source lint says cannot be right where it stands (numbers.Flag)."""
    text: str
    start: int
    end: int
    reason: str


class Section(TypedDict):
    heading: str | None
    paragraphs: list[str]


class _Block(TypedDict):
    type: str           # paragraph, heading, list, table, code, quote, figure


class PostBlock(_Block, total=False):
    level: int          # heading
    items: list[str]    # list
    rows: list[list[str]]   # table
    text: str           # every other kind
    section: int | None     # always in post.json (added last); None for a heading


class _Sentence(TypedDict):
    id: str             # "s1", "s2", ...: what a key point's `sources` name
    section: int
    block: int
    kind: str
    text: str


class Sentence(_Sentence, total=False):
    lead: int           # condense marks the post's opening sentences (never written)
    dropped: str        # condense: the clauses it left out for a flagged figure (never written)
    names_handle: bool  # condense: it names someone by a user handle or a repository (never written)


class PostSource(TypedDict):
    title: str
    url: str | None


class _Post(TypedDict):
    title: str
    language: str
    date: str | None
    author: str | None
    sections: list[Section]
    blocks: list[PostBlock]
    sentences: list[Sentence]
    sources: list[PostSource]
    words: int


class Post(_Post, total=False):
    source: str         # the post's file name or URL, never a local path
    lint: list[LintFlag]
    lint_chars: int     # how much of the post the lint read


# ------------------------------------------------------------------ script.yaml (condense)


class _Point(TypedDict):
    title: str
    text: str


class Point(_Point, total=False):
    turns: list[dict[str, str]]   # conversation: [{speaker, text}], what is spoken
    sources: list[str]          # ids of the post's sentences
    numbers: list[NumberRef]
    unsourced: list[str]        # texts of numbers not traced to the post
    approved: Any               # a person's list of texts or values (hand-written YAML)


class _Script(TypedDict):
    language: str
    points: list[Point]


class Script(_Script, total=False):
    title: str | None
    source: str | None
    condenser: str
    intro: str
    outro: str
    target_seconds: float     # the length asked for (verify measures the episode against it)
    short_of_seconds: int     # the post has this much less to say than the length asked for
    #                           (estimated by condense, or measured by the adjust step when nothing is left)
    format: str                 # conversation (absent: narration)
    hosts: list[dict[str, str]]   # conversation: [{name, voice, offline?}], the lead first


class _Segment(TypedDict):
    id: str
    title: str
    text: str


class Segment(_Segment, total=False):
    """One spoken part of the script: intro, point-1..N, outro; in a conversation each
    turn (point-N, point-N.2, ...) with its host (pipeline.condense.conversation)."""
    speaker: str        # the host's name
    voice: str          # the host's voice (pipeline.tts.voices)
    offline: str        # when that voice is online: the host's voice without the network
    chapter: str        # the point it belongs to (chapters are one per point)


class SpokenSegment(Segment):
    """A script segment with the time the timeline gives it (what verify judges)."""
    start: float
    end: float


# ------------------------------------------------------------------ timeline.json (synthesize)


class _TimedSegment(TypedDict):
    id: str
    title: str
    text: str
    spoken: str         # what the engine was given (numbers written for the voice)
    engine: str
    start: float
    end: float
    cache_hit: bool
    audio_key: str      # SHA-256 of the segment's raw speech


class TimedSegment(_TimedSegment, total=False):
    override: dict[str, Any]    # how heal had it spoken
    speaker: str                # conversation: the host who spoke it
    voice: str                  # and in which voice (pipeline.tts.voices)


class Chapter(TypedDict):
    id: str
    title: str
    start_ms: int
    end_ms: int


class Timeline(TypedDict):
    language: str
    tts_engine: str
    requested_engine: str
    fallback_reason: str | None
    engines: dict[str, int]
    rate: float
    pause_ms: int
    duration: float
    audio: str
    segments: list[TimedSegment]
    resynthesized: int
    reassembled: bool
    mastering: dict[str, Any]
    loudness: dict[str, Any]
    music: dict[str, Any]
    music_files: dict[str, str | None]
    chapters: list[Chapter]
    tags: dict[str, Any]
    assembly_key: str
    audio_sha256: str
    pieces: list[dict[str, Any]] | None   # pipeline.audio.pieces: where each lies in the MP3 (None: mastered whole)


# ------------------------------------------------------------------ transcript.json (transcribe)


class Word(TypedDict):
    word: str
    start: float
    end: float
    probability: float


class _HeardSegment(TypedDict):
    start: float
    end: float
    text: str
    words: list[Word]


class HeardSegment(_HeardSegment, total=False):
    # the engine gave no word times for this text (a failed alignment): they are
    # spread over the segment by length, so its numbers are still checked
    words_estimated: bool


class _Incremental(TypedDict):
    reused: list[str]           # segment ids whose words were kept
    transcribed: list[str]      # segment ids heard again
    episode_cache: bool


class Incremental(_Incremental, total=False):
    pieces: bool                # heard piece by piece (pipeline.audio.pieces)


class _Transcript(TypedDict):
    language: str
    engine: str
    model: str
    duration: float
    text: str
    segments: list[HeardSegment]


class Transcript(_Transcript, total=False):
    audio_sha256: str
    incremental: Incremental
    cached: bool        # returned by the transcribe stage (no engine ran), never written


# ------------------------------------------------------------------ verify.json (verify)


class Origin(TypedDict):
    status: str         # sourced, added, unsourced
    text: str | None
    start: int | None
    end: int | None


class _NumberRow(TypedDict):
    text: str
    value: str
    kind: str
    unit: str | None
    segment: str
    status: str         # ok, changed, lost, unit-missing (numbers.compare)
    heard: str | None
    start: float
    end: float
    source: Origin


class NumberRow(_NumberRow, total=False):
    healing: list[str]  # the strategies tried on its segment
    speaker: str        # conversation: the host who said it
    note: str           # a changed quantity: the unit heard, and the conversion when it is one
    # lost or changed at first: its sentence heard again alone (pipeline.verify.second_hearing):
    # start, end (the sentence's window), text (all that hearing wrote), heard, status,
    # counted (the exact value inside the window: then the row is ok), first (status, heard)
    second_hearing: dict[str, Any]


class Problem(TypedDict):
    segment: str | None
    cause: str


class _Report(TypedDict):
    language: str
    tts_engine: str | None
    asr_engine: str | None
    asr_model: str | None
    survival: float
    verified: bool
    counts: dict[str, int]
    unsourced: int
    problems: list[Problem]
    numbers: list[NumberRow]
    lint: list[LintFlag]
    inputs: dict[str, str | None]   # file name (and "settings") -> SHA-256 judged


class Loop(TypedDict):
    """A Whisper segment whose text is a repetition loop ("400,000,000,000,..."): shown to
    the reader beside the numbers of the script segment it lies in; never in the verdict."""
    segment: str            # the script segment's id
    start: float
    end: float
    chars: int              # the length of Whisper's text (in full in transcript.json)
    compression_ratio: float


class Report(_Report, total=False):
    healing: list[dict[str, Any]]
    length: dict[str, Any]  # target_seconds, measured_seconds, deviation_percent, within_tolerance
    #                         (short_of_seconds: measured short, when the script says its post has less to say)
    loops: list[Loop]       # absent in a report written before loops were marked
    second_hearing: dict[str, Any]  # sentences heard again, cached, counted, cpu_seconds (error)
