"""script.yaml, the model every stage after condense reads: loading it safely,
its spoken segments, and the guard that no number is spoken unless it is in the
post or a person approved it.

Condense writes the script; synthesize, verify, heal and publish read it. It
lives below all of them so no stage imports condense (stage 2) for it.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import yaml

from . import fsio, numbers, turns
from . import text as textmod
from .contracts import POST, SCRIPT_META, Post, Script, Segment
from .errors import InputError, yaml_problem
from .fsio import sha256_file


def source_text(post: Post, ids: Iterable[str] | None = None) -> str:
    """The post's sentences (or those with the given ids) as one text, the way verify traces them."""
    wanted = set(ids) if ids is not None else None
    return " ".join(s["text"] for s in post["sentences"] if wanted is None or s["id"] in wanted)


def source_mentions(post: Post, ids: Iterable[str] | None = None) -> list[numbers.Mention]:
    return numbers.extract(source_text(post, ids), post["language"])


def untraced(text: str, found: list[numbers.Mention], lang: str) -> list[numbers.Mention]:
    """The numbers of `text` that numbers.trace cannot find among the post's mentions."""
    said = numbers.extract(text, lang)
    if not said:
        return []
    return [m for m, origin in zip(said, numbers.trace(said, found, lang)) if origin is None]


def unsourced_numbers(text: str, found: list[numbers.Mention], lang: str) -> list[str]:
    """The texts of a point's numbers that are not in the post (each once, in order)."""
    return list(dict.fromkeys(m.text for m in untraced(text, found, lang)))


def is_approved(m: numbers.Mention, approved: Any, lang: str) -> bool:
    """A person approved `m` by listing its text ("42 %") or its value (42) under `approved:`."""
    items = approved if isinstance(approved, list) else [] if approved is None else [approved]
    for item in items:
        if item is None or isinstance(item, (bool, dict, list)):
            continue
        raw = item.isoformat() if hasattr(item, "isoformat") else str(item)
        if " ".join(raw.split()).casefold() in (" ".join(m.text.split()).casefold(), m.value.casefold()):
            return True
        if any(a.value == m.value and a.kind == m.kind for a in numbers.extract(raw, lang)):
            return True
    return False


def unapproved_numbers(script: Script, post: Post) -> list[dict[str, Any]]:
    """Numbers of the key points (as they read now) not in the post and not approved.

    Traced afresh on the current text, since a person may have edited it; the
    intro and outro are the pipeline's own words and are exempt.
    """
    lang = script.get("language") or post["language"]
    found = source_mentions(post)
    out = []
    for i, p in enumerate(script.get("points") or [], 1):
        for m in untraced(turns.spoken_text_of(p), found, lang):
            if not is_approved(m, p.get("approved"), lang):
                out.append({"point": i, "title": p.get("title"), "text": m.text,
                            "value": m.value, "kind": m.kind, "unit": m.unit})
    return out


def require_approved(script_path: Path, post_path: Path | None = None) -> Script:
    """The script at `script_path` read once and checked by approved() against the post
    (`post_path`, default the post.json beside the script): the on-disk form, for a
    script that is not in an episode folder (pipeline.episode.Episode.approved_script)."""
    script_path = Path(script_path)
    post_path = Path(post_path) if post_path else script_path.with_name(POST)
    if not post_path.exists():
        raise no_post(script_path, post_path)
    return approved(load_script(script_path), fsio.read_json(post_path), script_path)


def no_post(script_path: Path, post_path: Path) -> InputError:
    return InputError(f"{post_path} not found: the numbers of {script_path} cannot be checked "
                      f"against their post", "run the ingest stage first (or pass the post.json)")


def approved(script: Script, post: Post, script_path: Path) -> Script:
    """`script`, refused while it has a number that is neither in the post nor approved."""
    left = unapproved_numbers(script, post)
    if left:
        listed = ", ".join(dict.fromkeys(f'"{n["text"]}" (point {n["point"]})' for n in left))
        raise InputError(f"{Path(script_path).name} has numbers that are not in the post: {listed}",
                         "check them against the post; to speak them anyway add them under that "
                         "point's `approved:` list in script.yaml")
    return script


def meta_path(script_path: Path) -> Path:
    return Path(script_path).with_name(SCRIPT_META)


def check_not_edited(script_path: Path, post_path: Path) -> bool:
    """True when script.yaml may be (re)generated; False when it is a kept hand edit.

    A hand-edited script is never overwritten: if its source changed too, stop
    and say what to do.
    """
    if not script_path.exists() or not meta_path(script_path).exists():
        return True
    meta = fsio.read_json(meta_path(script_path))
    if sha256_file(script_path) == meta.get("script_sha256"):
        return True
    if sha256_file(post_path) != meta.get("post_sha256"):
        raise InputError(
            f"{script_path} was edited by hand and its post changed since",
            f"keep your edits: `touch {script_path}` to build from it as is; "
            f"or start over from the new post: delete {script_path}",
        )
    return False


def load_script(path: Path) -> Script:
    """Read a (possibly hand-edited) script.yaml safely and check its shape."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML ({yaml_problem(e)})",
                         "fix the line it names") from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise InputError(f"{path} has no 'points' list", "see README: script.yaml format")
    for i, p in enumerate(data["points"], 1):
        if not isinstance(p, dict) or not turns.spoken_text_of(p).strip():
            raise InputError(f"{path}: key point {i} has no text", "give every point a 'text'")
    if turns.is_conversation(data):
        turns.check_turns(data, path)
    textmod.check_language(str(data.get("language")))
    return cast(Script, data)      # the keys every stage reads are checked above


def segments(script: Script) -> list[Segment]:
    """The spoken segments in order: intro, point-1..N, outro (empty ones skipped);
    a conversation's turns each (pipeline.turns.turn_segments)."""
    if turns.is_conversation(script):
        return turns.turn_segments(script)
    segs: list[Segment] = [{"id": "intro", "title": "Intro", "text": script.get("intro") or ""}]
    for i, p in enumerate(script["points"], 1):
        segs.append({"id": f"point-{i}", "title": p.get("title") or f"Point {i}", "text": p["text"]})
    segs.append({"id": "outro", "title": "Outro", "text": script.get("outro") or ""})
    return [s for s in segs if str(s["text"]).strip()]
