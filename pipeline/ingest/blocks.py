"""The typed blocks a post is made of, shared by the Markdown and HTML readers.

Only prose kinds are ever spoken; tables, code and figures go to post.json
(and tables to the show notes) but never into speech, except one sentence
stating a table's total row (ingest.tables).
"""

import re
from dataclasses import dataclass, field

from ..contracts import PostBlock
from ..urls import is_url  # noqa: F401  (re-exported for the readers)

KINDS = ("paragraph", "heading", "list", "table", "code", "quote", "figure")

# Template and shortcode residue a static-site generator would have replaced:
# Hugo {{< toc >}} / {{% note %}}, Liquid {% level 2 %} / {{ page.x }}, kramdown {: .class}.
SHORTCODE_RE = re.compile(r"\{\{[<%][^{}]{0,400}?[%>]\}\}|\{%[^{}]{0,400}?%\}|\{\{[^{}]{0,400}?\}\}"
                          r"|\{:[^{}\n]{0,200}\}")
# A shortcode alone on its line that puts a table or a figure on the page
# ({% include table.html file="stats" %}, {{< figure src=… >}}): shown, never said.
SHOWN_SHORTCODE_RE = re.compile(r"^\s*(?:\{\{[<%]|\{%)[^{}]{0,400}?\b(?:table|figure|image|img|chart|graph|"
                                r"diagram)\b[^{}]{0,400}?(?:[%>]\}\}|%\})\s*$", re.I)
SPACES_RE = re.compile(r"\s+")
# Brackets left empty where a link or an image stood ("I-unsound issues ([#1234])").
EMPTY_BRACKETS_RE = re.compile(r"\s*\(\s*[,;]?\s*\)|\s*\[\s*\]")
# Link text that only points somewhere: an issue or PR number ("#1234", "lightningcss#479"),
# "here", a footnote mark.
# It leaves no word behind, nor the preposition that led to a number ("fixed in #1234").
BARE_REFERENCE_RE = re.compile(r"^\s*(?:[\w.-]+/)?[\w.-]*#\d+\s*$|^\s*\[?\^?\d{1,6}\]?\s*$|"
                               r"^\s*(?:here|ici|link|lien|this link|ce lien|↩)\s*$", re.I)
LEADING_PREPOSITION_RE = re.compile(r"\b(?:in|see|via|at|on|from|by|and|or|dans|voir|sur|par|et|ou)\s*$", re.I)
# Punctuation a dropped reference leaves dangling: ": In this PR", "fixes ,: see", "( , )".
DANGLING_RE = re.compile(r"^\s*[,:;]+\s*|(?<=[,:;])\s*[,:;]+|\s+(?=[,.;:!?](?:\s|$))")


@dataclass
class Block:
    kind: str                  # one of KINDS
    text: str = ""             # paragraph/heading/quote/code/figure text
    level: int = 0             # heading level
    items: list = field(default_factory=list)   # list items (text)
    rows: list = field(default_factory=list)    # table rows (lists of cell texts)
    links: list = field(default_factory=list)   # [(text, url)]
    mangled: bool = False      # machine-translation residue was cleaned out of it
    section: int | None = None # index of its section in post.json (None: a heading)

    def spoken_texts(self) -> list[str]:
        """The texts a host may read from this block: prose, and a table's total row as one sentence.

        Never a table's cells, code or figures; a table's `text` is its
        headline sentence (ingest.tables), set once the language is known.
        """
        if self.kind == "list":
            return list(self.items)
        return [self.text] if self.kind in ("paragraph", "quote") or (self.kind == "table" and self.text) else []

    def to_dict(self) -> PostBlock:
        """The block as post.json holds it."""
        out: PostBlock = {"type": self.kind}
        if self.kind == "heading":
            out["level"] = self.level
        if self.kind == "list":
            out["items"] = self.items
        elif self.kind == "table":
            out["rows"] = self.rows
        else:
            out["text"] = self.text
        out["section"] = self.section
        return out


def tidy(text: str) -> str:
    """Inline text as read: shortcodes gone, white space collapsed."""
    text = EMPTY_BRACKETS_RE.sub("", SPACES_RE.sub(" ", SHORTCODE_RE.sub(" ", text)))
    return DANGLING_RE.sub("", text).strip()


def is_bare_reference(label: str) -> bool:
    return bool(BARE_REFERENCE_RE.match(label))


def drop_bare_reference(before: str, label: str) -> str:
    """The text before a link whose label is a bare reference, less the preposition leading to it."""
    return LEADING_PREPOSITION_RE.sub("", before) if re.search(r"\d", label) else before


def link_residue(text: str, links: list) -> bool:
    """True when the text is nothing but its links (a link list, "[PNG] [SVG]", "Docs")."""
    if not links:
        return False
    rest = text
    for label, _ in links:
        rest = rest.replace(label, " ", 1) if label else rest
    # At most a short label left ("Docs:", "Translations:") around the links.
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= (2 if len(links) > 1 else 0)
