"""The one test of "is this a safe http(s) link": show notes (HTML and
Markdown), the feed's content:encoded, podcast.yaml's base_url, link and artwork.

Links come from posts, so they are untrusted: a javascript:, data: or
scheme-relative URL, or one carrying a space, a double quote, a backtick or an
angle bracket (which would end an href or a Markdown <autolink>), is not a link.
The same test tells a post's address from a file path (pipeline.ingest.fetch.is_url).
"""

from __future__ import annotations

import re
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
