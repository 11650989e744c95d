"""The typed blocks a post is made of, shared by the Markdown and HTML readers.

Only prose kinds are ever spoken; tables, code and figures go to post.json
(and tables to the show notes) but never into speech.
"""

import re
from dataclasses import dataclass, field

from ..contracts import PostBlock
from ..urls import is_url  # noqa: F401  (re-exported for the readers)

SPOKEN_KINDS = ("paragraph", "list", "quote")
KINDS = ("paragraph", "heading", "list", "table", "code", "quote", "figure")

# Template and shortcode residue a static-site generator would have replaced:
# Hugo {{< toc >}} / {{% note %}}, Liquid {% level 2 %} / {{ page.x }}, kramdown {: .class}.
SHORTCODE_RE = re.compile(r"\{\{[<%][^{}]{0,400}?[%>]\}\}|\{%[^{}]{0,400}?%\}|\{\{[^{}]{0,400}?\}\}"
                          r"|\{:[^{}\n]{0,200}\}")
SPACES_RE = re.compile(r"\s+")


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
        """The texts a host may read from this block (never tables, code or figures)."""
        if self.kind == "list":
            return list(self.items)
        return [self.text] if self.kind in ("paragraph", "quote") else []

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
    return SPACES_RE.sub(" ", SHORTCODE_RE.sub(" ", text)).strip()


def link_residue(text: str, links: list) -> bool:
    """True when the text is nothing but its links (a link list, "[PNG] [SVG]", "Docs")."""
    if not links:
        return False
    rest = text
    for label, _ in links:
        rest = rest.replace(label, " ", 1) if label else rest
    # At most a short label left ("Docs:", "Translations:") around the links.
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= (2 if len(links) > 1 else 0)
