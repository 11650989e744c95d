"""HTML pages from Jinja2 templates (templates/ beside this module).

One stylesheet (templates/style.css) serves every page; it is inlined at render
time so that each page stands alone (opened from disk, mailed, mirrored).

Escaping: autoescape is on, and every {{ value }} also goes through `e`
(sanitize, then html.escape(quote=True)) as the template's finalize step, so
text from a post, a script or a transcript is inert wherever it lands, attribute
or element. Only Markup passes as it is: our own stylesheet and script.
A key missing from the episode's JSON renders as nothing (jinja2.Undefined),
as dict.get did before the templates.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..text import sanitize

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEET = "style.css"


def clock(seconds: float) -> str:
    """m:ss, as the show notes (HTML and Markdown) print a time."""
    s = int(seconds)
    return f"{s // 60:d}:{s % 60:02d}"


def e(value) -> Markup:
    """Untrusted text, sanitized and escaped for an element or a quoted attribute."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(sanitize(value), quote=True))


def asset(name: str) -> str:
    """A file of templates/ as text (the stylesheet, the page's script), no final newline."""
    return (TEMPLATES / name).read_text(encoding="utf-8").rstrip("\n")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             finalize=e, trim_blocks=True, lstrip_blocks=True)
    env.filters["clock"] = clock
    return env


def fragment(template: str, **context) -> str:
    """`template` rendered with `context`: a piece of HTML (the feed's content:encoded)."""
    return environment().get_template(template).render(**context).strip()


def render(template: str, **context) -> str:
    """The page `template` with `context`, the shared stylesheet inlined as `css`."""
    return fragment(template, css=Markup(asset(STYLESHEET)), **context) + "\n"
