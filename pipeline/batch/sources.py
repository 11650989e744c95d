"""What `pipeline batch` builds: SOURCE arguments -> a list of posts, each with a slug.

A SOURCE is a post file, a folder of posts (its .md/.txt/.html files, not
recursive), a post URL, or an RSS/Atom feed (a file or a URL). Each feed item
is a post: its content:encoded (RSS) or content (Atom) when the feed carries
the text, else the page at its link. Posts that arrive over the network, and
feed items, are written to `<out>/<slug>/source.html` (atomically, and only
when their bytes changed, so an unchanged post stays current).

Feeds are untrusted XML: a document declaring a DTD or entities is refused
before parsing (no entity expansion, no external fetches), and fetches are
bounded (pipeline.ingest.fetch).
"""

from __future__ import annotations

import email.utils
import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .. import fsio
from ..errors import InputError
from ..ingest import SUPPORTED_SUFFIXES
from ..ingest.fetch import fetch, fetch_raw
from ..urls import is_url

FEED_SUFFIXES = (".xml", ".rss", ".atom")
FETCHED_NAME = "source.html"
SLUG_MAX = 60
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"
DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True)
class Post:
    slug: str
    source: Path      # the file the build reads
    origin: str       # what the user named: a path, a URL, or a feed item's link


@dataclass
class FeedItem:
    title: str
    link: str
    date: str | None
    content: str | None   # HTML


def slugify(text: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only (no path escapes)."""
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:SLUG_MAX].strip("-")


def slug_of_url(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    last = re.sub(r"\.(html?|php|aspx?)$", "", parts[-1], flags=re.I) if parts else ""
    return slugify(last) or slugify(urlsplit(url).netloc)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(data: bytes, origin: str) -> ET.Element:
    if DTD_RE.search(data[:200_000]):
        raise InputError(f"{origin}: feed declares a DTD or entities (refused: untrusted XML)",
                         "serve the feed without a DOCTYPE")
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise InputError(f"{origin} is not well-formed XML: {e}", "check the feed") from None


def is_feed(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:2000]
    if not head.startswith(b"<"):
        return False
    return bool(re.search(rb"<(rss|feed|rdf:RDF)[\s>]", head))


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _iso_date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:   # RSS: RFC 822
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return value   # Atom: already ISO 8601


def _rss_item(item: ET.Element, base: str) -> FeedItem:
    content = item.find(f"{{{CONTENT_NS}}}encoded")
    link = _text(item.find("link")) or _text(item.find("guid"))
    return FeedItem(title=_text(item.find("title")), link=urljoin(base, link) if link else "",
                    date=_iso_date(_text(item.find("pubDate"))),
                    content=content.text if content is not None and (content.text or "").strip() else None)


def _atom_link(entry: ET.Element) -> str:
    for link in entry.findall(f"{{{ATOM_NS}}}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""


def _atom_content(entry: ET.Element) -> str | None:
    el = entry.find(f"{{{ATOM_NS}}}content")
    if el is None or el.get("src"):
        return None
    kind = el.get("type", "text")
    if kind == "xhtml":
        body = "".join(ET.tostring(child, encoding="unicode") for child in el)
    elif kind in ("html", "text/html"):
        body = el.text or ""
    else:
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in (el.text or "").split("\n\n"))
    return body if body.strip() else None


def _atom_entry(entry: ET.Element, base: str) -> FeedItem:
    date = _text(entry.find(f"{{{ATOM_NS}}}published")) or _text(entry.find(f"{{{ATOM_NS}}}updated"))
    link = _atom_link(entry)
    return FeedItem(title=_text(entry.find(f"{{{ATOM_NS}}}title")),
                    link=urljoin(base, link) if link else "", date=_iso_date(date),
                    content=_atom_content(entry))


def feed_items(data: bytes, origin: str) -> list[FeedItem]:
    """Items of an RSS 2.0 or Atom feed, in feed order."""
    root = parse_xml(data, origin)
    base = origin if is_url(origin) else ""
    if _local(root.tag) == "feed":
        return [_atom_entry(e, base) for e in root.findall(f"{{{ATOM_NS}}}entry")]
    items = root.findall("./channel/item") or root.findall(".//item")
    return [_rss_item(i, base) for i in items]


def item_page(item: FeedItem) -> bytes:
    """A feed item's content as an HTML page ingest reads (title, date, article)."""
    title = html.escape(item.title or "Untitled")
    date = f'<meta name="date" content="{html.escape(item.date)}">' if item.date else ""
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{title}</title>{date}</head>\n'
            f"<body><article><h1>{title}</h1>\n{item.content}\n</article></body></html>\n").encode("utf-8")


def _write_if_changed(path: Path, data: bytes) -> Path:
    if not (path.is_file() and path.read_bytes() == data):
        fsio.write_bytes(path, data)
    return path


class Collector:
    """Collects posts from SOURCE arguments, giving each a unique slug."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.posts: list[Post] = []
        self.failed: list[tuple[str, str, InputError]] = []   # (slug, origin, error)
        self._slugs: set[str] = set()
        self._origins: set[str] = set()   # a post named twice (a URL and a feed's link) is built once

    def unique(self, base: str) -> str:
        base = base or "post"
        slug, n = base, 2
        while slug in self._slugs:
            slug, n = f"{base}-{n}", n + 1
        self._slugs.add(slug)
        return slug

    def seen(self, origin: str) -> bool:
        if origin in self._origins:
            return True
        self._origins.add(origin)
        return False

    def add_file(self, path: Path) -> None:
        if not self.seen(str(path.resolve())):
            self.posts.append(Post(self.unique(slugify(path.stem)), path, str(path)))

    def add_page(self, base_slug: str, origin: str, data: bytes) -> None:
        if self.seen(origin):
            return
        slug = self.unique(base_slug)
        dest = _write_if_changed(self.out / slug / FETCHED_NAME, data)
        self.posts.append(Post(slug, dest, origin))

    def add_feed(self, data: bytes, origin: str) -> None:
        for i, item in enumerate(feed_items(data, origin), 1):
            base = slug_of_url(item.link) if item.link else slugify(item.title) or f"item-{i}"
            where = item.link or f"{origin}#item-{i}"
            try:
                if item.content is not None:
                    page = item_page(item)
                elif is_url(item.link):
                    page = fetch(item.link).data
                else:
                    raise InputError(f"feed item {i} of {origin} has neither content nor a link",
                                     "give the item content:encoded or a link")
            except InputError as e:   # one bad item never stops the others
                self.failed.append((self.unique(base), where, e))
                continue
            self.add_page(base, where, page)

    def add(self, source: str) -> None:
        if is_url(source):
            data = fetch_raw(source).data     # a feed or a page: told apart by content
            if is_feed(data):   # by content: an XHTML post is served as XML too
                return self.add_feed(data, source)
            return self.add_page(slug_of_url(source), source, data)
        path = Path(source)
        if path.is_dir():
            for p in sorted(path.iterdir()):
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES:
                    self.add_file(p)
            return None
        if not path.is_file():
            raise InputError(f"source not found: {source}", "give a post file, a folder, a feed or a URL")
        if path.suffix.lower() in FEED_SUFFIXES:
            return self.add_feed(path.read_bytes(), str(path))
        return self.add_file(path)


def collect(sources: list[str], out: Path) -> Collector:
    """Every post named by `sources` (a SOURCE that cannot be read at all is an error)."""
    c = Collector(out)
    for s in sources:
        c.add(str(s))
    return c
