"""Stage 1, ingest: a post (.md, .txt, .html, or a URL) -> post.json.

post.json holds the title, language, date/author when the post gives them, the
post's typed blocks (paragraphs, headings, lists, tables, code, quotes,
figures), sections of spoken paragraphs, numbered sentences (ids the script
refers to) and the post's own sources (which go to the show notes, never into
speech). Only prose becomes sentences: tables, code and figures never do.
"""

import json
import re
from pathlib import Path

from .. import fsio, numbers
from .. import text as textmod
from ..config.episode import locator_path, publish_source
from ..contracts import Post, PostSource, Section, Sentence
from ..errors import InputError, UnsupportedLanguage
from ..urls import slug_of_url
from . import fetch as fetchmod
from . import tables
from .blocks import Block, is_url, tidy
from .html import clean_title, parse_html
from .markdown import parse_markdown

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
MAX_BYTES = 5_000_000
LINT_MAX_CHARS = 200_000
LANGUAGE_SAMPLE_CHARS = 50_000
COMPACT_JSON_WORDS = 50_000       # past this, post.json is written without indentation (5x faster)
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

# Lines that are page furniture, not content: audio players, share buttons,
# reading times, bylines, rubrics, teasers, calls to action. Matched against a
# whole cleaned line, lowercase.
NON_CONTENT_RES = [re.compile(p, re.I) for p in (
    r"^(🎧\s*)?(écouter|listen to)( l'| the | this )?(audio|article|episode|podcast)?\b.{0,40}$",
    r"^(📝\s*)?(lire|read) (dans le|the|in) text.{0,20}$",
    r"^si vous (n'avez pas le temps|souhaitez le lire).*(audio|ci-dessous)\.?$",
    r"^if you (don't have time|prefer to read|want to read).{0,80}$",
    r"^(share|partager)( (this|on|sur|cet article))?\b.{0,40}$",
    r"^(tweet|pin it|email|print|imprimer)$",
    r"^\d+\s*(min|minutes?)\s*(read|de lecture)\b.{0,20}$",
    r"^(temps de lecture|reading time)\s*:.{0,20}$",
    r"^(subscribe|abonnez-vous|sign up|inscrivez-vous)\b.{0,60}$",
    r"^(accept|accepter|nous utilisons des cookies|we use cookies).{0,200}$",
    # A byline names people; "Par la DINSIC à hauteur de 150 000 €" (an article after "par") is content.
    r"^(by|par|written by|écrit par|posted by|publié par)\s+"
    r"(?!(?:la|le|les|un|une|des|du|ce|cette|ces|the|a|an|this|its)\s|l['’])[^.!?]{2,80}$",
    r"^\d{4}-\d{2}-\d{2}\s*[-–—|]\s*(written by|écrit par|by|par)\b.{0,160}$",
    r"^(publié|published|posted|mis à jour|updated|last (modified|updated)|dernière modification)"
    r"\b.{0,160}$",
    r"^(rubrique|catégorie|category|section|tags?|mots-clés)\s*[:：—-].{0,120}$",
    r"^(lire aussi|à lire aussi|a lire aussi|voir aussi|read also|read more|see also|related"
    r"( posts?| articles?| stories)?|also read|more from)\b.{0,200}$",
    r"^(to stay up to date|stay tuned|follow us|suivez-nous|pour ne rien manquer|join us on|"
    r"rejoignez-nous|download (the|our) app|téléchargez (l'|notre )app).{0,160}$",
    r"^([^\W\d_]+[ ,]*){1,4}:$",                      # "Quick links:", a lead-in to a link list
    r"^\w{3,9}\.? \d{1,2}, \d{4}$|^\d{1,2}(er)? \w{3,9}\.? \d{4}$|^\d{4}-\d{2}-\d{2}$",
)]
SOURCES_HEADING_RE = re.compile(
    r"^(sources?|references?|références|further reading|bibliograph\w*|liens|links|notes)\s*:?$"
    r"|informations suivantes|following (public )?(sources|information)", re.I)
META_RE = re.compile(r"^(date|published|publié le|author|auteur|by|par)\s*:\s*(.+)$", re.I)
# Web addresses are never read aloud (balanced brackets inside a URL are part of it).
# An address ends on a character of its own, never on the punctuation or bracket after it:
# "(standishgroup.com/CHAOSReport2015.pdf), les petits projets" keeps its ")," (then dropped whole).
_URL_TAIL = r"(?:[^\s()<>]|\([^\s()<>]*\))*(?:[^\s()<>.,;:!?\"'»]|\([^\s()<>]*\))"
URL_IN_TEXT_RE = re.compile(rf"(?:https?://|www\.){_URL_TAIL}"
                            rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|gov|edu|fr|ca|uk|de)/(?:{_URL_TAIL})?", re.I)
SENTENCE_END = ".!?…:;»\"”"
# Bullets and arrows typed as characters ("• item", "→ En conclusion", "a • b"): marks for the eye,
# read aloud as "flèche" or skipped unpredictably by TTS. Opening a text or a sentence they are
# dropped; between two words they are the pause a comma is.
MARKS = "•▪◦‣●→⇒⟶⟹➔➜➝➞➡➤▶►▸▹"
LEADING_BULLET_RE = re.compile(rf"^\s*[{MARKS}]+\s*|(?<=[.!?:;])\s+[{MARKS}]+\s*")
INLINE_BULLET_RE = re.compile(rf"\s+[{MARKS}]+\s+")
# Footnote marks typed after a word ("concertation nationale*", "rapport†", "étude¹", "2022.²"): the
# marked-up ones (Markdown [^1], HTML footnote calls) are dropped by the readers, these the same way.
# A superscript after a unit ("m²", "km³") is a unit's, not a footnote's: only after 3 letters or more.
FOOTNOTE_MARK_RE = re.compile(r"(?:(?<=[^\W\d_]{3})|(?<=[%)»”\"'.]))(?:[*†‡]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)(?=[\s,.;:!?)»”]|$)")


# ---------------------------------------------------------------- decoding

def decode(data: bytes, name: str, charset: str | None = None) -> str:
    """Bytes of a post -> text: a BOM or declared charset first, then UTF-8, then detection."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError:
                break
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks binary (NUL bytes), not a text post",
                         "pass a .md, .txt or .html file saved as text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode_legacy(name, data)


def check_post_file(path: Path) -> None:
    """A missing path, a folder or a device is said as such (before its suffix is judged:
    a folder has none, and "unsupported post type" would not tell what is wrong)."""
    if not path.exists():
        raise InputError(f"post not found: {path}", "check the path (make episode SRC=path/to/post.md)")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a post",
                         "pass a post file, or use `pipeline batch DIR` for a folder of posts")
    if not path.is_file():      # a FIFO would block, /dev/zero would never end
        raise InputError(f"{path} is not a regular file (a device, pipe or socket), not a post",
                         "save the post to a file and pass that file")


def read_text(path: Path) -> str:
    """Decode a post file; a missing file, a folder or an oversized file is an error."""
    check_post_file(path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path} is {path.stat().st_size} bytes; posts over {MAX_BYTES} are refused",
                         "pass the article itself, not an archive or a dump")
    return decode(path.read_bytes(), str(path))


def _decode_legacy(name: str, data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    text = str(best) if best is not None else ""
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if best is None or not text or printable / len(text) < 0.97:
        raise InputError(f"{name} is neither UTF-8 nor text in a common encoding",
                         "re-save the post as UTF-8 text")
    return text


# ---------------------------------------------------------------- plain text

def parse_text(src: str) -> tuple[dict, list[Block]]:
    blocks = []
    for line in src.splitlines():
        s = line.strip()
        if not s:
            continue
        if m := re.match(r"^[-*•]\s+(.*)$", s):
            blocks.append(Block("list", items=[m.group(1)]))
        elif _looks_like_heading(s):
            blocks.append(Block("heading", s, level=2))
        else:
            blocks.append(Block("paragraph", s))
    return {}, blocks


def _looks_like_heading(line: str) -> bool:
    return len(line.split()) <= 16 and not re.search(r"[.!:;,]$", line) and line[:1].isupper()


PARSERS = {".md": parse_markdown, ".markdown": parse_markdown, ".txt": parse_text,
           ".html": parse_html, ".htm": parse_html}


# ---------------------------------------------------------------- assembly

def is_non_content(line: str) -> bool:
    low = line.strip().lower()
    if not re.search(r"[^\W\d_]", low):
        return True
    return any(r.match(low) for r in NON_CONTENT_RES)


def speakable(text: str, lang: str | None = None) -> str:
    """Prose as it may be read: cleaned (in the post's language `lang`), web addresses removed."""
    text = FOOTNOTE_MARK_RE.sub(_footnote_mark, textmod.clean(text, lang))
    text = INLINE_BULLET_RE.sub(", ", LEADING_BULLET_RE.sub(_kept_stop, text))
    return tidy(URL_IN_TEXT_RE.sub(" ", text) if "/" in text or "www." in text else text)


def _footnote_mark(m: re.Match) -> str:
    """"" for a footnote mark; the closing star of "*emphasis*" in plain text stays with its opening one."""
    return m.group() if m.group() == "*" and re.search(r"\*[^\W\d_][^*]*$", m.string[:m.start()]) else ""


def _kept_stop(m: re.Match) -> str:
    """A mark opening a sentence goes; the stop before it and a space stay ("fin. → En" -> "fin. En")."""
    return " " if m.start() else ""


def clean_blocks(blocks: list[Block], lang: str | None = None) -> list[Block]:
    out = []
    for b in blocks:
        raw = b.text or " ".join(b.items)
        b.mangled = bool(textmod.STRAY_SCRIPT_RE.search(raw) or textmod.HASHTAG_RE.search(raw))
        labels = [label for label, _ in b.links]
        if b.kind in ("paragraph", "quote", "heading", "figure"):
            b.text = speakable(textmod.space_link_edges(b.text, labels), lang)
            # A figure stays with no text: the paragraph before or after it is its caption.
            if b.kind != "figure" and (not b.text or is_non_content(b.text)):
                continue
        elif b.kind == "list":
            b.items = [t for t in (speakable(textmod.space_link_edges(i, labels), lang) for i in b.items)
                       if t and not is_non_content(t)]
            if not b.items and not b.links:
                continue
        out.append(b)
    return out


PROSE_KINDS = ("paragraph", "quote", "heading", "figure", "list")


def unglue(blocks: list[Block], lang: str) -> list[Block]:
    """Prose blocks cleaned once more with the whole post's words in view (textmod.POST_CLEANERS)."""
    prose = [b for b in blocks if b.kind in PROSE_KINDS]
    cleaned = iter(textmod.clean_in_post([t for b in prose for t in [b.text, *b.items]], lang))
    for b in prose:
        b.text = next(cleaned)
        b.items = [next(cleaned) for _ in b.items]
    return blocks


def build_post(meta: dict, blocks: list[Block], lang: str | None, name: str = "post") -> Post:
    language = lang_of(meta, blocks, lang)
    blocks = unglue(clean_blocks(blocks, language), language)
    for i, b in enumerate(blocks):
        if b.kind == "table":
            before = blocks[i - 1] if i else None
            b.text = tables.headline(b.rows, language, before.text if before and before.kind == "paragraph" else "")
    if not any(b.spoken_texts() for b in blocks):
        raise InputError("the post has no readable text", "pass a post with at least a paragraph")
    title = choose_title(meta, blocks, name)
    meta_found = _meta_lines(blocks)
    sections, sources, kept = _sections(blocks, title)
    sentences: list[Sentence] = []
    for bi, block in enumerate(kept):
        for text in block.spoken_texts():
            text = text if text[-1:] in SENTENCE_END else text + "."
            for s in textmod.split_sentences(text, language):
                sentences.append({"id": f"s{len(sentences) + 1}", "section": block.section or 0,
                                  "block": bi, "kind": block.kind, "text": s})
    if not sentences:
        raise InputError("the post has a title but no sentences to condense",
                         "pass a post with body text")
    sources += [{"title": t or u, "url": u} for t, u in meta.get("notes") or [] if is_url(u)]
    return {
        "title": title,
        "language": language,
        "date": meta.get("date") or meta_found.get("date"),
        "author": meta.get("author") or meta_found.get("author"),
        "sections": sections,
        "blocks": [b.to_dict() for b in kept],
        "sentences": sentences,
        "sources": _dedupe(sources),
        "words": sum(len(textmod.words(s["text"])) for s in sentences),
    }


def lang_of(meta: dict, blocks: list[Block], lang: str | None) -> str:
    """--lang, else the post's declared language (front matter, <html lang>), else detection."""
    if lang:
        if lang not in textmod.SUPPORTED_LANGUAGES:    # the user's choice, not the post's language
            raise UnsupportedLanguage(f"--lang {lang} is not a language the pipeline speaks and checks",
                                      f"supported languages: {', '.join(textmod.SUPPORTED_LANGUAGES)} "
                                      "(or leave --lang out to detect it)")
        return lang
    declared = str(meta.get("lang") or "").split("-")[0].split("_")[0].lower()
    if declared in textmod.LANGUAGE_NAMES:
        return textmod.check_language(declared)
    paragraphs, size = [], 0
    for text in (t for b in blocks for t in (b.spoken_texts() or [b.text])):
        paragraphs.append(text)
        size += len(text)
        if size > LANGUAGE_SAMPLE_CHARS:      # plenty to tell; keeps huge posts linear and quick
            break
    return textmod.detect_language_of(paragraphs)


def choose_title(meta: dict, blocks: list[Block], name: str) -> str:
    """Front matter or page title, else the first heading, else the file's name; never a sentence."""
    title = tidy(textmod.clean(clean_title(meta["title"], split=False))) if meta.get("title") else ""
    first = next((b for b in blocks if b.kind != "figure"), None)
    if first is not None and first.mangled and len(blocks) > 1:
        # A site banner left by machine translation (hashtags, another script).
        blocks.remove(first)
    heading = next((b for b in blocks if b.kind == "heading"), None)
    # A page's headline (an h1 after chrome, or the post's first block), never a section heading
    # ("## Principes") that follows the lead paragraph.
    if not title and heading is not None and (heading.level <= 1 or blocks.index(heading) == 0) \
            and blocks.index(heading) <= 2:
        title = heading.text
    if not title:
        stem = re.sub(r"\.(fr|en)$", "", Path(name).stem)      # "budget.fr.md": the language tag is no word
        words = re.sub(r"[-_]+", " ", stem).strip()
        title = words[:1].upper() + words[1:] if words else "Untitled post"
    title = title.strip(" :.-")
    # The headline, repeated as the first heading or paragraph, is not content.
    for b in blocks[:3]:
        if b.kind in ("heading", "paragraph") and b.text.strip(" :.-").casefold() == title.casefold():
            blocks.remove(b)
            break
    return title


def _meta_lines(blocks: list[Block]) -> dict:
    found = {}
    for b in list(blocks[:5]):
        m = META_RE.match(b.text)
        if m and len(b.text) < 80:
            key = "date" if m.group(1).lower() in ("date", "published", "publié le") else "author"
            found[key] = m.group(2).strip()
            blocks.remove(b)
    return found


def _sections(blocks: list[Block], title: str) -> tuple[list[Section], list[PostSource], list[Block]]:
    """Sections of spoken paragraphs, the sources, and the blocks kept (each with its section)."""
    sections: list[Section] = []
    sources: list[PostSource] = []
    kept: list[Block] = []
    heading, opened, in_sources = None, False, False
    for b in blocks:
        if b.kind == "heading":
            in_sources = bool(SOURCES_HEADING_RE.search(b.text))
            heading, opened = (None if in_sources else b.text), False
            b.section = None
            kept.append(b)
            continue
        if b.kind == "paragraph" and SOURCES_HEADING_RE.search(b.text) and len(b.text) < 200:
            in_sources = True
            continue
        if in_sources:
            sources.extend(_source_entries(b))
            continue
        sources.extend({"title": t or u, "url": u} for t, u in b.links if is_url(u))
        texts = b.spoken_texts()
        if texts and not opened:
            sections.append({"heading": heading, "paragraphs": []})
            opened = True
        b.section = max(len(sections) - 1, 0)
        kept.append(b)
        if sections:
            sections[-1]["paragraphs"].extend(t if t[-1:] in SENTENCE_END else t + "." for t in texts)
    return sections, sources, kept


def _source_entries(b: Block) -> list[PostSource]:
    if b.links:
        return [{"title": t or b.text, "url": u} for t, u in b.links if is_url(u)]
    return [{"title": t, "url": None} for t in (b.items or [b.text]) if t]


def _dedupe(sources: list[PostSource]) -> list[PostSource]:
    seen: set[tuple[str, str | None]] = set()
    out: list[PostSource] = []
    for s in sources:
        key = (s["title"], s["url"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def load_source(source: str | Path) -> tuple[str, str, str]:
    """(text, parser suffix, source as recorded) for a post file or URL."""
    if fetchmod.is_url(source):
        got = fetchmod.fetch(str(source), MAX_BYTES)
        charset = got.charset or (fetchmod.html_charset(got.data) if got.suffix == ".html" else None)
        return decode(got.data, got.url, charset), got.suffix, got.url
    source = Path(source)
    check_post_file(source)
    suffix = source.suffix.lower()
    if suffix not in PARSERS:
        raise InputError(f"unsupported post type {suffix or '(none)'!r} for {source}",
                         f"use one of: {', '.join(SUPPORTED_SUFFIXES)} (or an https:// address)")
    return read_text(source), suffix, str(source)


def ingest(source: str | Path, out_path: Path, lang: str | None = None) -> Post:
    """Read `source` (a path or an http(s) URL), write post.json to `out_path`, return the post."""
    raw, suffix, origin = load_source(source)
    if not raw.strip():
        raise InputError(f"{origin} is empty", "write the post first")
    meta, blocks = PARSERS[suffix](raw)
    name = slug_of_url(origin) if fetchmod.is_url(origin) else Path(origin).name
    post = build_post(meta, blocks, lang, name)
    # a name or a URL, never a local path (where the post lives is kept beside post.json)
    if fetchmod.is_url(origin):
        post["source"] = origin
        locator_path(out_path).unlink(missing_ok=True)    # an earlier build's file post
    else:
        post["source"] = publish_source(out_path, Path(origin))
    lint_text = raw if suffix == ".txt" else body_text(post)
    # The number lint costs ~10 µs a character: a huge post is linted on its
    # first LINT_MAX_CHARS (where the key points come from), and says so.
    post["lint"] = [f.to_dict() for f in numbers.lint(lint_text[:LINT_MAX_CHARS], post["language"])]
    post["lint_chars"] = min(len(lint_text), LINT_MAX_CHARS)
    if post["words"] > COMPACT_JSON_WORDS:
        fsio.write_text(out_path, json.dumps(post, ensure_ascii=False) + "\n")
    else:
        fsio.write_json(out_path, post)
    return post


def body_text(post: Post) -> str:
    return "\n\n".join(p for sec in post["sections"] for p in sec["paragraphs"])
