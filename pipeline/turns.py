"""A conversation script read back: its hosts, its turns, the segments they are spoken as.

The script model (pipeline.script) and synthesis read these; the condenser that writes
turns (pipeline.condense.conversation) is a stage, so they live below it.
"""

from __future__ import annotations

from typing import Any

from .contracts import Script, Segment
from .errors import InputError


def is_conversation(script: Any) -> bool:
    return isinstance(script, dict) and script.get("format") == "conversation"


def voices_of(script: Script) -> dict[str, str]:
    """{host name: voice spec} of a conversation script."""
    return {str(h.get("name")): str(h.get("voice")) for h in script.get("hosts") or [] if isinstance(h, dict)}


def offline_of(script: Script) -> dict[str, str]:
    """{host name: offline voice spec} of the hosts whose voice is online (gtts:co.uk)."""
    return {str(h.get("name")): str(h["offline"]) for h in script.get("hosts") or []
            if isinstance(h, dict) and h.get("offline")}


def spoken_text_of(point: Any) -> str:
    """What a point says: its turns when it has them (a person may have edited one), else its text."""
    turns = point.get("turns") if isinstance(point, dict) else None
    if isinstance(turns, list) and turns:
        return " ".join(str(t.get("text") or "") for t in turns if isinstance(t, dict))
    return str(point.get("text") or "") if isinstance(point, dict) else ""


def check_turns(script: dict, path: object) -> None:
    """A conversation script's shape: two named hosts, each turn a known speaker and a text."""
    hosts = voices_of(script)      # type: ignore[arg-type]
    if len(hosts) != 2:
        raise InputError(f"{path}: a conversation needs `hosts:` with two hosts (name and voice)",
                         "restore the hosts list condense wrote")
    for i, p in enumerate(script.get("points") or [], 1):
        turns = p.get("turns") if isinstance(p, dict) else None
        if not isinstance(turns, list) or not turns:
            raise InputError(f"{path}: key point {i} has no turns", "give every point a `turns:` list")
        for t in turns:
            if not isinstance(t, dict) or str(t.get("speaker")) not in hosts or not str(t.get("text") or "").strip():
                raise InputError(f"{path}: key point {i} has a turn without a host or a text",
                                 f"each turn is {{speaker: one of {', '.join(hosts)}, text: ...}}")


def turn_segments(script: Script) -> list[Segment]:
    """The spoken segments of a conversation: the intro (lead host), each turn of each point
    (point-N.K, chapter point-N), the outro (co-host); empty ones skipped. Each names its
    host's voice, and the offline voice spoken when that one is online and unreachable."""
    voices, offline = voices_of(script), offline_of(script)
    names = list(voices)
    segs: list[dict] = [{"id": "intro", "title": "Intro", "text": script.get("intro") or "",
                         "speaker": names[0], "chapter": "intro"}]
    for i, p in enumerate(script["points"], 1):
        for k, t in enumerate(p.get("turns") or [], 1):
            segs.append({"id": f"point-{i}" if k == 1 else f"point-{i}.{k}",
                         "title": p.get("title") or f"Point {i}", "text": str(t["text"]),
                         "speaker": str(t["speaker"]), "chapter": f"point-{i}"})
    segs.append({"id": "outro", "title": "Outro", "text": script.get("outro") or "",
                 "speaker": names[-1], "chapter": "outro"})
    for s in segs:
        s["voice"] = voices[s["speaker"]]
        if s["speaker"] in offline:
            s["offline"] = offline[s["speaker"]]
    return [s for s in segs if str(s["text"]).strip()]   # type: ignore[misc]
