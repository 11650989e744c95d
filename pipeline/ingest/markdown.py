"""Markdown post -> (front matter, typed blocks), with markdown-it-py.

CommonMark plus GitHub tables, footnotes, definition lists and ::: containers
(VitePress, markdown-it-container); YAML (`---`) or TOML (`+++`, Hugo/Zola)
front matter. Raw HTML blocks keep only their prose elements (charts, widgets,
styles and scripts are dropped); Markdown prose wrapped in a bare styling tag is read.
"""

import datetime as dt
import re

import tomllib
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import InputError, yaml_problem
from .blocks import SHOWN_SHORTCODE_RE, Block, drop_bare_reference, is_bare_reference, is_url, link_residue, tidy

FRONT_MATTER_FENCES = {"---": "YAML", "+++": "TOML"}
META_KEYS = {"title": "title", "date": "date", "author": "author", "authors": "author",
             "lang": "lang", "language": "lang", "description": "description"}
# Containers whose body is not part of the article's prose.
NOT_SPOKEN_CONTAINERS = {"code-group", "raw"}
# Markdown paragraphs wrapped in a styling tag on lines of their own (`<span class="mytext">`,
# newline, prose, newline, `</span>`): CommonMark makes the whole paragraph one raw HTML block.
WRAPPED_PROSE_RE = re.compile(r"\A\s*<(span|div|section|article)\b[^>]*>[ \t]*\n(.*?)\n\s*</\1>\s*\Z",
                              re.S | re.I)


def _markdown() -> MarkdownIt:
    md = (MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
          .use(footnote_plugin).use(deflist_plugin))
    # One container rule for every ::: name (tip, info, warning, danger, details, note…).
    return md.use(container_plugin, "any", validate=lambda params, markup: True)


MD = _markdown()


def split_front_matter(src: str) -> tuple[dict, str]:
    """(metadata, body): YAML between '---' lines or TOML between '+++' lines, if any."""
    first, _, rest = src.lstrip("\ufeff").partition("\n")
    fence = first.strip()
    if fence not in FRONT_MATTER_FENCES:
        return {}, src
    end = re.compile(rf"^{re.escape(fence)}[ \t]*\r?$", re.M).search(rest)
    if not end:
        return {}, src
    raw, body = rest[:end.start()], rest[end.end():]
    return _load_front_matter(raw, FRONT_MATTER_FENCES[fence]), body


def _load_front_matter(raw: str, kind: str) -> dict:
    try:
        data = tomllib.loads(raw) if kind == "TOML" else yaml.safe_load(raw)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as e:
        # YAML: "line N, column M: problem" counted in the post's lines (the fence is line 1)
        first_line = (yaml_problem(e, 2) if isinstance(e, yaml.YAMLError) else
                      str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
        fence = "+++" if kind == "TOML" else "---"
        raise InputError(f"the post's front matter is not valid {kind}: {first_line}",
                         f"fix the block between the two '{fence}' lines") from None
    if not isinstance(data, dict):
        return {}
    meta = {}
    for key, name in META_KEYS.items():
        value = data.get(key)
        if value is None or name in meta:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)))
        elif isinstance(value, dict):
            value = value.get("name") or ""
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if str(value).strip():
            meta[name] = str(value).strip()
    return meta


# A code span that is an identifier, not a name written as code (`DuckDB`, `GPT-3`, `R (dbplyr)`): a
# member of a package ("mdurl.Parse", "markdown.normalizeLink"), an assignment ("GOEXPERIMENT=greenteagc"),
# a call or a pointer ("r.Read(b)", "*os.File", "Arc::make_mut()"), a command's flag ("top -cum",
# "-pgo"), a lower camelCase name ("nextFreeFast"). Read as prose it was "mdurl. Parse has …".
IDENTIFIER_CODE_RE = re.compile(r"[=*&]|\w\(|::|(?:^|\s)-{1,2}[a-z]|^\.\w|[a-z]\.[a-z]*[A-Z]|"
                                r"^[a-z]+[A-Z][a-z]+[A-Za-z]*$")


def render_inline(token) -> tuple[str, list, list]:
    """An inline token's text as read, its links [(text, url)] and image alt texts."""
    parts, links, alts = [], [], []
    href = None
    label: list[str] = []
    start = 0
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            text = child.content
            if kind == "code_inline" and IDENTIFIER_CODE_RE.search(text):
                text = f"`{text}`"      # kept marked: the condenser never says code (condense.unsayable)
            parts.append(text)
            if href is not None:
                label.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "link_open":
            href, label, start = child.attrGet("href"), [], len(parts)
        elif kind == "link_close" and href is not None:
            links.append((tidy("".join(label)), str(href)))
            if is_bare_reference("".join(label)):     # "[#1234](…)": nothing to say
                parts[start:] = []
                parts.append(drop_bare_reference(parts.pop() if parts else "", "".join(label)))
            href = None
        elif kind == "image":
            alts.append(child.content or str(child.attrGet("alt") or ""))
        elif kind == "html_inline" and re.match(r"<br\b", child.content, re.I):
            parts.append(" ")
    return tidy(LOST_STOP_RE.sub(_lost_stop, "".join(parts))), links, alts


# A line that ends on a word with no stop, the next opening on a subject ("… on the problem itself
# \nI believe we'll …", "… sur le sujet\nNous pensons …"): notes typed a sentence a line, and the
# stop was never written. A wrapped line ending on a function word ("published by\nThe Register")
# goes on as one sentence.
LINE_OPENERS = ("I We You It They He She There This These Those The Our My Its Their "
                "Je Nous Vous Il Elle Ils Elles On Ce Cette Ces Cet Les La Le Notre Nos").split()
LINE_LINKS = set("a an the of to in on at by for from with as and or but nor that which who what when where "
                 "if than so because into over under about via is are was were be "
                 "le la les l un une des du de d à au aux et ou mais que qui dont où par pour sur dans avec "
                 "selon entre vers chez sans sous est sont perhaps maybe then now also peut-être puis alors".split())
# Notes often open a line on a lower-case "we" ("… on the problem itself\nwe think a solution …", after
# a stop or not): a subject and its verb, not an object clause ("the tools\nwe use").
LOWER_LINE_OPENERS = (r"(?:we|nous) (?:have|had|think|thought|are|were|understand|could|would|will|do|did|need|"
                      r"made|want|plan|believe|expect|hope|know|avons|pensons|sommes|devons|allons|avions|"
                      r"pourrions|croyons|espérons)\b")
LOST_STOP_RE = re.compile(rf"(?<![\w'’-])([^\W\d_]+)(?P<stop>[.!?]?)[ \t]*\n[ \t]*(?:(?=(?:{'|'.join(LINE_OPENERS)})\b)"
                          rf"|(?P<lower>{LOWER_LINE_OPENERS}))")


def _lost_stop(m: re.Match) -> str:
    """The line's last word and a stop, unless the word leads on to the next line (LINE_LINKS)."""
    lower = m.group("lower") or ""
    if m.group(1).lower() in LINE_LINKS and not m.group("stop"):
        return f"{m.group(1)} {lower}"
    return f"{m.group(1)}{m.group('stop') or '.'} {lower[:1].upper()}{lower[1:]}"


class _Walker:
    """Turns the flat token stream into typed blocks, in one pass."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.notes: list[Block] = []        # footnote texts: their links are sources
        self.stack: list[str] = []          # open container token types
        self.list_block: Block | None = None
        self.table: Block | None = None
        self.row: list[str] | None = None
        self.heading_level = 0

    def inside(self, kind: str) -> bool:
        return kind in self.stack

    def walk(self, tokens) -> list[Block]:
        for tok in tokens:
            handler = getattr(self, "on_" + tok.type, None)
            if handler:
                handler(tok)
            elif tok.nesting == 1:
                self.stack.append(tok.type[:-5])
            elif tok.nesting == -1 and self.stack:
                self.stack.pop()
        return self.blocks

    def on_heading_open(self, tok):
        self.heading_level = int(tok.tag[1])
        self.stack.append("heading")

    def on_bullet_list_open(self, tok):
        self.stack.append("list")
        if self.list_block is None and not self.inside("footnote"):
            self.list_block = Block("list")

    on_ordered_list_open = on_bullet_list_open

    def on_bullet_list_close(self, tok):
        self.stack.pop()
        if "list" not in self.stack and self.list_block is not None:
            if self.list_block.items or self.list_block.links:
                self.blocks.append(self.list_block)
            self.list_block = None

    on_ordered_list_close = on_bullet_list_close

    def on_table_open(self, tok):
        self.table = Block("table")

    def on_table_close(self, tok):
        if self.table and self.table.rows:
            self.blocks.append(self.table)
        self.table = None

    def on_tr_open(self, tok):
        self.row = []

    def on_tr_close(self, tok):
        if self.table is not None and self.row is not None:
            self.table.rows.append(self.row)
        self.row = None

    def on_fence(self, tok):
        self.blocks.append(Block("code", tok.content.rstrip("\n")))

    on_code_block = on_fence

    def on_html_block(self, tok):
        from .html import fragment_blocks  # raw HTML inside Markdown

        found = fragment_blocks(tok.content)
        wrapped = WRAPPED_PROSE_RE.match(tok.content)
        if not found and wrapped and "<" not in wrapped.group(2):
            self.walk(MD.parse(wrapped.group(2)))      # the wrapped Markdown, links and emphasis read
        else:
            self.blocks.extend(found)

    def on_container_any_open(self, tok):
        name = (tok.info or "").strip().split(" ", 1)
        self.stack.append("container-skip" if name[0] in NOT_SPOKEN_CONTAINERS else "container")

    def on_inline(self, tok):
        text, links, alts = render_inline(tok)
        if self.row is not None:
            self.row.append(text)
        elif self.inside("footnote"):
            self.notes.append(Block("paragraph", text, links=links))
        elif self.inside("container-skip"):
            return
        elif self.inside("heading"):
            self.blocks.append(Block("heading", text, level=self.heading_level, links=links))
        elif self.list_block is not None:
            if text and not link_residue(text, links):
                self.list_block.items.append(text)
            self.list_block.links.extend(links)
        elif alts and not text or not text and SHOWN_SHORTCODE_RE.match(tok.content):
            self.blocks.append(Block("figure", tidy(" ".join(alts))))   # kept, alt or not: it has a caption
        elif text and link_residue(text, links):
            self.blocks.append(Block("list", links=links))      # a line of links: sources only
        elif text:
            kind = "quote" if self.inside("blockquote") else "paragraph"
            self.blocks.append(Block(kind, text, links=links))


def parse_markdown(src: str) -> tuple[dict, list[Block]]:
    meta, body = split_front_matter(src)
    walker = _Walker()
    blocks = walker.walk(MD.parse(body))
    meta["notes"] = [link for note in walker.notes for link in note.links if is_url(link[1])]
    return meta, blocks
