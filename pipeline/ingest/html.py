"""HTML post -> (metadata, typed blocks).

The main content comes from trafilatura (see docs/inputs.md, "Why trafilatura", for
why it was chosen over readability-lxml); its XML keeps headings, paragraphs,
lists, tables, quotes, code and figures apart. Metadata (title, author, date,
`<html lang>`) and the post's "Sources" links are read from the page itself
with lxml.
"""

import re

import lxml.etree
import lxml.html
import trafilatura

from ..errors import InputError
from .blocks import Block, is_url, link_residue, tidy

DROPPED_TAGS = ("script", "style", "noscript", "svg", "template", "iframe", "object", "canvas")
PROSE_TAGS = {"p": "paragraph", "blockquote": "quote", "h1": "heading", "h2": "heading",
              "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading"}
TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—·•»]{1,2}\s+")   # not ":": "Vélos : le bilan"
MARKUP_IN_TEXT_RE = re.compile(r"<(script|style|noscript|svg)\b.*?(</\1\s*>|$)|<[^>]{0,500}>", re.I | re.S)
FOOTNOTE_BACKREF_RE = re.compile(r"^#fnref", re.I)
SOURCES_HEADING_RE = re.compile(
    r"^(sources?|references?|références|further reading|bibliograph\w*|liens|links)\s*:?$", re.I)


def clean_title(raw: str | None, site: str | None = None, heading: str | None = None,
                split: bool = True) -> str:
    """A page title as a listener should hear it: no markup, no site name.

    "Post title | Site" is the common order: the part after the last separator
    goes, unless the page's first heading says the post's title is that part.
    """
    text = tidy(MARKUP_IN_TEXT_RE.sub(" ", raw or ""))
    seps = list(TITLE_SEPARATORS_RE.finditer(text)) if split else []
    if not seps:
        return text
    left, right = text[:seps[-1].start()].strip(), text[seps[-1].end():].strip()
    is_site = bool(site and site.casefold() == right.casefold())
    if heading and heading.casefold() == right.casefold() and not is_site:
        return right
    return left or right


def _page(src: str):
    try:
        return lxml.html.document_fromstring(src)
    except (lxml.etree.ParserError, ValueError) as e:
        raise InputError(f"the page could not be read as HTML ({e})",
                         "pass the saved page as .html") from None


def page_meta(root) -> dict:
    """Author, date, title and language as the page declares them."""
    meta: dict = {}
    lang = (root.get("lang") or root.get("xml:lang") or "").strip().lower()
    if lang:
        meta["lang"] = lang.split("-")[0].split("_")[0]
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        content = tidy(el.get("content") or "")
        if not content:
            continue
        if key in ("article:published_time", "date", "dc.date", "pubdate", "dcterms.issued"):
            meta.setdefault("date", content)
        elif key in ("author", "article:author", "dc.creator") and not is_url(content):
            meta.setdefault("author", content)
        elif key == "og:title":
            meta.setdefault("og_title", content)
        elif key == "og:site_name":
            meta.setdefault("site", content)
    title = root.find(".//title")
    if title is not None:
        meta["page_title"] = title.text_content()
    return meta


def sources_from_page(root) -> list:
    """Links listed under a "Sources"/"References" heading anywhere on the page."""
    links = []
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if not SOURCES_HEADING_RE.match(tidy(heading.text_content())):
            continue
        for sib in heading.itersiblings():
            if sib.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                break
            links += [(tidy(a.text_content()), a.get("href")) for a in sib.iter("a")
                      if is_url(a.get("href"))]
    return links


def _inline(el) -> tuple[str, list]:
    """Text of a trafilatura XML element; links kept aside, footnote markers dropped."""
    parts, links = [el.text or ""], []
    for child in el:
        target = child.get("target") or ""
        if child.tag == "ref" and (target.startswith("#") or FOOTNOTE_BACKREF_RE.match(target)):
            pass                                    # footnote call or back-reference
        else:
            text, sub = _inline(child)
            parts.append(text)
            links += sub
            if child.tag == "ref" and is_url(target):
                links.append((tidy(text), target))
        parts.append(child.tail or "")
    return tidy("".join(parts)), links


def _is_footnote(item) -> bool:
    return any(FOOTNOTE_BACKREF_RE.match(r.get("target") or "") for r in item.iter("ref"))


def xml_blocks(main) -> tuple[list[Block], list]:
    """trafilatura's <main> -> typed blocks, and the links of its footnotes."""
    blocks, notes = [], []
    for el in main:
        tag = el.tag
        if tag == "head":
            text, links = _inline(el)
            rend = el.get("rend") or ""
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            blocks.append(Block("heading", text, level=level, links=links))
        elif tag in ("p", "quote"):
            text, links = _inline(el)
            if text and link_residue(text, links):
                blocks.append(Block("list", links=links))      # a line of links: sources only
            elif text:
                blocks.append(Block("paragraph" if tag == "p" else "quote", text, links=links))
        elif tag == "list":
            block = Block("list")
            for item in el.iter("item"):
                text, links = _inline(item)
                if _is_footnote(item):
                    notes += links
                else:
                    block.links += links
                    if text and not link_residue(text, links):
                        block.items.append(text)
            if block.items or block.links:
                blocks.append(block)
        elif tag == "table":
            rows = [[_inline(cell)[0] for cell in row.iter("cell")] for row in el.iter("row")]
            blocks.append(Block("table", rows=[r for r in rows if any(r)]))
        elif tag == "code":
            blocks.append(Block("code", "".join(el.itertext())))
        elif tag == "graphic":
            blocks.append(Block("figure", tidy(el.get("alt") or el.get("title") or "")))
    return blocks, notes


def parse_html(src: str) -> tuple[dict, list[Block]]:
    root = _page(src)
    meta = page_meta(root)
    xml = trafilatura.extract(src, output_format="xml", include_tables=True, include_links=True,
                              include_images=True, include_comments=False, with_metadata=True)
    if not xml:
        raise InputError("the page has no article text that could be found",
                         "pass the article's own page (not a home page or a listing)")
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    blocks, notes = xml_blocks(main if main is not None else doc)
    first_heading = next((b.text for b in blocks if b.kind == "heading"), None)
    og = meta.get("og_title")
    title = (clean_title(og, split=bool(meta.get("site")) and meta["site"] in og) if og else
             clean_title(meta.get("page_title") or doc.get("title"), meta.get("site"), first_heading))
    meta["title"] = title
    meta.setdefault("date", doc.get("date"))
    meta["notes"] = notes + sources_from_page(root)
    return meta, blocks


def fragment_blocks(fragment: str) -> list[Block]:
    """Raw HTML met inside Markdown: its prose elements only (no widgets, styles, scripts)."""
    if not re.search(r"<(p|h[1-6]|li|blockquote|table)\b", fragment, re.I):
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    for bad in root.xpath("|".join(f".//{t}" for t in DROPPED_TAGS)):
        bad.drop_tree()
    blocks = []
    for el in root.iter("p", "blockquote", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"):
        if el.tag == "table":
            rows = [[tidy(c.text_content()) for c in tr.iter("td", "th")] for tr in el.iter("tr")]
            blocks.append(Block("table", rows=rows))
        elif el.tag == "li":
            blocks.append(Block("list", items=[tidy(el.text_content())]))
        elif not any(a.tag in ("p", "li", "table") for a in el.iterancestors()):
            kind = PROSE_TAGS[el.tag]
            level = int(el.tag[1]) if kind == "heading" else 0
            blocks.append(Block(kind, tidy(el.text_content()), level=level))
    return [b for b in blocks if b.text or b.items or b.rows]
