"""Stage 1, ingest: a post (.md, .txt, .html) -> post.json.

post.json holds the title, language, date/author when the post gives them,
sections of paragraphs, numbered sentences (ids the script refers to), and the
post's own sources (which go to the show notes, never into speech).
"""

import dataclasses
import html
import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import fsio, numbers, text as textmod
from .errors import InputError, yaml_problem
from .settings import publish_source

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
MAX_BYTES = 5_000_000

# Lines that are page furniture, not content (audio-player prompts, share
# buttons, reading times). Matched against a whole cleaned line, lowercase.
NON_CONTENT_RES = [re.compile(p, re.I) for p in (
    r"^(🎧\s*)?(écouter|listen to)( l'| the | this )?(audio|article|episode|podcast)?\b.{0,40}$",
    r"^(📝\s*)?(lire|read) (dans le|the|in) text.{0,20}$",
    r"^si vous (n'avez pas le temps|souhaitez le lire).*(audio|ci-dessous)\.?$",
    r"^if you (don't have time|prefer to read|want to read).{0,80}$",
    r"^(share|partager)( (this|on|sur|cet article))?\b.{0,40}$",
    r"^(tweet|pin it|email|print|imprimer)$",
    r"^\d+\s*(min|minutes?)\s*(read|de lecture)$",
    r"^(temps de lecture|reading time)\s*:.{0,20}$",
    r"^(subscribe|abonnez-vous|sign up|inscrivez-vous)\b.{0,60}$",
    r"^(accept|accepter|nous utilisons des cookies|we use cookies).{0,200}$",
)]
SOURCES_HEADING_RE = re.compile(
    r"^(sources?|references?|références|further reading|bibliograph\w*|liens|links)\s*:?$"
    r"|informations suivantes|following (public )?(sources|information)", re.I)
META_RE = re.compile(r"^(date|published|publié le|author|auteur|by|par)\s*:\s*(.+)$", re.I)


@dataclass
class Block:
    kind: str            # "heading" | "p" | "li"
    text: str
    level: int = 0       # heading level
    links: list = field(default_factory=list)   # [(text, url)]


# ---------------------------------------------------------------- decoding

def read_text(path: Path) -> str:
    """Decode a post: UTF-8 first, then a detected common encoding; binary is an error."""
    if not path.exists():
        raise InputError(f"post not found: {path}", "check the path (make episode SRC=path/to/post.md)")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a post", "pass a .md, .txt or .html file")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise InputError(f"{path} is {len(data)} bytes; posts over {MAX_BYTES} are refused",
                         "pass the article itself, not an archive or a dump")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path} looks binary (NUL bytes), not a text post",
                         "pass a .md, .txt or .html file saved as text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode_legacy(path, data)


def _decode_legacy(path: Path, data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    text = str(best) if best is not None else ""
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if best is None or not text or printable / len(text) < 0.97:
        raise InputError(f"{path} is neither UTF-8 nor text in a common encoding",
                         "re-save the post as UTF-8 text")
    return text


# ---------------------------------------------------------------- parsers

def parse_markdown(src: str) -> tuple[dict, list[Block]]:
    meta, src = _front_matter(src)
    blocks: list[Block] = []
    para: list[str] = []
    in_code = False

    def flush():
        if para:
            blocks.append(_md_block("p", " ".join(para)))
            para.clear()

    for line in src.splitlines():
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_code = not in_code
            flush()
            continue
        if in_code:
            continue
        if not stripped:
            flush()
            continue
        if m := re.match(r"^(#{1,6})\s+(.*?)\s*#*$", stripped):
            flush()
            blocks.append(_md_block("heading", m.group(2), level=len(m.group(1))))
        elif m := re.match(r"^([-*+]|\d+[.)])\s+(.*)$", stripped):
            flush()
            blocks.append(_md_block("li", m.group(2)))
        elif re.match(r"^(-{3,}|\*{3,}|_{3,})$", stripped):
            flush()
        else:
            para.append(stripped.lstrip("> "))
    flush()
    return meta, blocks


def _front_matter(src: str) -> tuple[dict, str]:
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", src, re.S)
    if not m:
        return {}, src
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        raise InputError(f"the post's front matter is not valid YAML ({yaml_problem(e, 2)})",
                         "fix the block between the two '---' lines") from None
    if not isinstance(meta, dict):
        meta = {}
    return {k: str(v) for k, v in meta.items() if k in ("title", "date", "author")}, src[m.end():]


def _md_block(kind: str, raw: str, level: int = 0) -> Block:
    links = [(t, u) for t, u in re.findall(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)[^)]*\)", raw)]
    txt = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", raw)          # images
    txt = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", txt)       # links -> their text
    txt = re.sub(r"<https?://[^>]+>", "", txt)
    txt = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", txt)
    txt = re.sub(r"<[^>]+>", "", txt)
    return Block(kind, html.unescape(txt), level, links)


def parse_text(src: str) -> tuple[dict, list[Block]]:
    blocks = []
    for line in src.splitlines():
        s = line.strip()
        if not s:
            continue
        if m := re.match(r"^[-*•]\s+(.*)$", s):
            blocks.append(Block("li", m.group(1)))
        elif _looks_like_heading(s):
            blocks.append(Block("heading", s, level=2))
        else:
            blocks.append(Block("p", s))
    return {}, blocks


def _looks_like_heading(line: str) -> bool:
    return len(line.split()) <= 16 and not re.search(r"[.!:;,]$", line) and line[:1].isupper()


class _HtmlArticle(html.parser.HTMLParser):
    """Collects headings, paragraphs and list items, skipping page furniture."""

    SKIP_TAGS = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
                 "button", "svg", "iframe", "template", "select", "figure"}
    SKIP_ATTR_RE = re.compile(r"cookie|consent|comment|share|social|menu|navbar|sidebar|"
                              r"footer|newsletter|related|advert|promo|breadcrumb|banner", re.I)
    BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "dd", "dt"}
    VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.meta: dict = {}
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self.cur: list[str] | None = None
        self.cur_tag = ""
        self.cur_links: list = []
        self.href: str | None = None
        self.link_text: list[str] = []
        self.in_title = False
        self.title_parts: list[str] = []
        self.article_depth = 0
        self.saw_article = False

    @property
    def skipping(self) -> bool:
        return any(s for _, s in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self._meta(attrs)
        if tag in self.VOID_TAGS:
            if tag == "br" and self.cur is not None:
                self.cur.append(" ")
            return
        ident = " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("role"))))
        skip = tag in self.SKIP_TAGS or bool(ident and self.SKIP_ATTR_RE.search(ident))
        if tag in ("article", "main"):
            skip = False
            self.saw_article = True
            self.article_depth += 1
        self.stack.append((tag, skip))
        if tag == "title":
            self.in_title = True
        if self.skipping:
            return
        if tag in self.BLOCK_TAGS:
            self._flush()
            self.cur, self.cur_tag, self.cur_links = [], tag, []
        elif tag == "a":
            self.href, self.link_text = attrs.get("href"), []
        elif tag == "time" and "date" not in self.meta and attrs.get("datetime"):
            self.meta["date"] = attrs["datetime"]

    def handle_endtag(self, tag):
        if tag in self.VOID_TAGS:
            return
        if tag == "a" and self.href and self.cur is not None and not self.skipping:
            self.cur_links.append(("".join(self.link_text).strip(), self.href))
            self.href = None
        if tag in self.BLOCK_TAGS and not self.skipping:
            self._flush()
        if tag == "title":
            self.in_title = False
        while self.stack:
            t, _ = self.stack.pop()
            if t in ("article", "main"):
                self.article_depth -= 1
            if t == tag:
                break

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        if self.skipping or self.cur is None:
            return
        self.cur.append(data)
        if self.href is not None:
            self.link_text.append(data)

    def _meta(self, attrs):
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        content = attrs.get("content")
        if not content:
            return
        if key in ("article:published_time", "date", "dc.date", "pubdate"):
            self.meta.setdefault("date", content)
        elif key in ("author", "article:author"):
            self.meta.setdefault("author", content)
        elif key == "og:title":
            self.meta.setdefault("title", content)

    def _flush(self):
        if self.cur is None:
            return
        txt = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        if txt:
            tag = self.cur_tag
            kind = "heading" if tag.startswith("h") and len(tag) == 2 else "li" if tag == "li" else "p"
            level = int(tag[1]) if kind == "heading" else 0
            block = Block(kind, txt, level, list(self.cur_links))
            block.in_article = self.article_depth > 0
            self.blocks.append(block)
        self.cur = None


def parse_html(src: str) -> tuple[dict, list[Block]]:
    parser = _HtmlArticle()
    parser.feed(src)
    parser.close()
    parser._flush()
    blocks = parser.blocks
    if parser.saw_article:
        blocks = [b for b in blocks if getattr(b, "in_article", False)] or blocks
    meta = dict(parser.meta)
    title = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip()
    if title:
        meta.setdefault("title", title)
    return meta, blocks


PARSERS = {".md": parse_markdown, ".markdown": parse_markdown, ".txt": parse_text,
           ".html": parse_html, ".htm": parse_html}


# ---------------------------------------------------------------- assembly

def is_non_content(line: str) -> bool:
    low = line.strip().lower()
    if not re.search(r"[^\W\d_]", low):
        return True
    return any(r.search(low) for r in NON_CONTENT_RES)


def clean_blocks(blocks: list[Block]) -> list[Block]:
    out = []
    for b in blocks:
        b.mangled = bool(textmod.STRAY_SCRIPT_RE.search(b.text) or textmod.HASHTAG_RE.search(b.text))
        b.text = textmod.clean(b.text)
        if b.text and not is_non_content(b.text):
            out.append(b)
    return out


def build_post(meta: dict, blocks: list[Block], lang: str | None) -> dict:
    blocks = clean_blocks(blocks)
    if not blocks:
        raise InputError("the post has no readable text", "pass a post with at least a paragraph")
    title = textmod.clean(meta.get("title", "")) or _title_from(blocks)
    meta_found = _meta_lines(blocks)
    body_text = " ".join(b.text for b in blocks)
    language = textmod.check_language(lang) if lang else textmod.detect_language(body_text)
    sections, sources = _sections(blocks, title)
    sentences = []
    for si, sec in enumerate(sections):
        for para in sec["paragraphs"]:
            for s in textmod.split_sentences(para, language):
                sentences.append({"id": f"s{len(sentences) + 1}", "section": si, "text": s})
    if not sentences:
        raise InputError("the post has a title but no sentences to condense",
                         "pass a post with body text")
    return {
        "title": title,
        "language": language,
        "date": meta.get("date") or meta_found.get("date"),
        "author": meta.get("author") or meta_found.get("author"),
        "sections": sections,
        "sentences": sentences,
        "sources": sources,
        "words": len(textmod.words(body_text)),
    }


def _title_from(blocks: list[Block]) -> str:
    """The first heading or short unpunctuated line is the title; else the first words."""
    first = blocks[0]
    if getattr(first, "mangled", False) and len(blocks) > 1:
        # A site banner left by machine translation (hashtags, another script):
        # not the post's title, and not content either.
        blocks.pop(0)
        first = blocks[0]
    if first.kind == "heading" or (len(first.text.split()) <= 15 and first.text[-1:] not in ".!?"):
        blocks.pop(0)
        return first.text.strip(" :.-")
    words = first.text.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def _meta_lines(blocks: list[Block]) -> dict:
    found = {}
    for b in list(blocks[:5]):
        m = META_RE.match(b.text)
        if m and len(b.text) < 80:
            key = "date" if m.group(1).lower() in ("date", "published", "publié le") else "author"
            found[key] = m.group(2).strip()
            blocks.remove(b)
    return found


def _sections(blocks: list[Block], title: str) -> tuple[list[dict], list[dict]]:
    sections = [{"heading": None, "paragraphs": []}]
    sources, in_sources = [], False
    for b in blocks:
        if b.kind == "heading":
            if b.text.strip(" :.-") == title:
                continue
            in_sources = bool(SOURCES_HEADING_RE.search(b.text))
            if not in_sources:
                sections.append({"heading": b.text, "paragraphs": []})
            continue
        if b.kind == "p" and SOURCES_HEADING_RE.search(b.text) and len(b.text) < 200:
            in_sources = True
            continue
        if in_sources:
            sources.extend(_source_entries(b))
            continue
        sources.extend({"title": t or u, "url": u} for t, u in b.links if _is_url(u))
        text = b.text if b.text[-1:] in ".!?…:;»\"" else b.text + "."
        sections[-1]["paragraphs"].append(text)
    return [s for s in sections if s["paragraphs"]], _dedupe(sources)


def _source_entries(b: Block) -> list[dict]:
    if b.links:
        return [{"title": t or b.text, "url": u} for t, u in b.links if _is_url(u)]
    return [{"title": b.text, "url": None}]


def _is_url(u: str) -> bool:
    return bool(re.match(r"^https?://", u or ""))


def _dedupe(sources: list[dict]) -> list[dict]:
    seen, out = set(), []
    for s in sources:
        key = (s["title"], s["url"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def ingest(source: Path, out_path: Path, lang: str | None = None) -> dict:
    """Read `source`, write post.json to `out_path`, return the post."""
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in PARSERS:
        raise InputError(f"unsupported post type {suffix or '(none)'!r} for {source}",
                         f"use one of: {', '.join(SUPPORTED_SUFFIXES)}")
    raw = read_text(source)
    if not raw.strip():
        raise InputError(f"{source} is empty", "write the post first")
    meta, blocks = PARSERS[suffix](raw)
    post = build_post(meta, blocks, lang)
    post["source"] = publish_source(out_path, source)   # a name, never a local path
    lint_text = raw if suffix in (".md", ".markdown", ".txt") else body_text(post)
    post["lint"] = [dataclasses.asdict(f) for f in numbers.lint(lint_text, post["language"])]
    fsio.write_json(out_path, post)
    return post


def body_text(post: dict) -> str:
    return "\n\n".join(p for sec in post["sections"] for p in sec["paragraphs"])
