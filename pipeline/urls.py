"""The one test of "is this a safe http(s) link": show notes (HTML and
Markdown), the feed's content:encoded, podcast.yaml's base_url, link and artwork.

Links come from posts, so they are untrusted: a javascript:, data: or
scheme-relative URL, or one carrying a space, a double quote, a backtick or an
angle bracket (which would end an href or a Markdown <autolink>), is not a link.
The same test tells a post's address from a file path (pipeline.ingest.fetch.is_url).
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from typing import TypeGuard

SCHEMES = ("http", "https")
# controls, space, and what would end an attribute or a Markdown <link>; an apostrophe
# is fine (a real URL may have one, and every href is double-quoted and escaped)
_UNSAFE_RE = re.compile(r"[\x00-\x20\x7f<>\"`\\]")


def http_url(url) -> str | None:
    """`url` stripped when it is an absolute http(s) URL safe to put in an href, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if _UNSAFE_RE.search(url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:           # e.g. an unclosed [IPv6 host
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return None
    return url


def is_http_url(url: object) -> TypeGuard[str]:
    """http_url's test for anything: a str, a Path (never a URL) or None."""
    return isinstance(url, str) and http_url(url) is not None


def is_url(source) -> bool:
    """An http(s) address (a post to fetch), not a file path."""
    return is_http_url(str(source)) if source is not None else False


SLUG_MAX = 60
PAGE_SUFFIX_RE = re.compile(r"\.(html?|md|markdown|txt|php|aspx?)$", re.I)


def slugify(text: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only (no path escapes).
    The one rule for every name the pipeline makes from a post (episode folders, a
    fetched post's name)."""
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:SLUG_MAX].strip("-")


def slug_of_url(url: str) -> str:
    """The slug of a URL's last path segment without its page suffix, else of its host."""
    parts = urllib.parse.urlsplit(url)
    segments = [p for p in parts.path.split("/") if p]
    last = PAGE_SUFFIX_RE.sub("", urllib.parse.unquote(segments[-1])) if segments else ""
    return slugify(last) or slugify(parts.hostname or "") or "post"
