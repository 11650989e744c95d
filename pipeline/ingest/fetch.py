"""A post by URL: fetch the page with urllib, safely and with clear failures.

Bounded in time (timeout), size (the ingest limit) and redirects; only http(s),
only text types a post can be; the charset comes from the answer's headers,
else from the page, else from detection (ingest.decode).
"""

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..errors import InputError
from ..urls import is_url

TIMEOUT_SECONDS = 20
MAX_BYTES = 5_000_000      # the largest post (or feed) read
MAX_REDIRECTS = 5
USER_AGENT = "podcast-pipeline/1 (+https://github.com/; fetches one post for a listener)"
# Content type -> the suffix of the parser that reads it.
CONTENT_TYPES = {
    "text/html": ".html", "application/xhtml+xml": ".html",
    "text/markdown": ".md", "text/x-markdown": ".md", "text/plain": ".txt",
}


@dataclass
class Fetched:
    url: str            # the final URL, after redirects
    suffix: str         # which parser reads it: .html, .md or .txt
    data: bytes
    charset: str | None


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_url(newurl):
            raise InputError(f"{req.full_url} redirects to {newurl!r}, which is not a web page",
                             "pass the final http(s) address of the post")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener():
    # No proxy handler surprises, no file:// or ftp:// ever: only http(s) handlers.
    return urllib.request.build_opener(_LimitedRedirects())


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """The post at `url` (a page or a text post), or an InputError that says what
    went wrong and what to do."""
    return fetch_raw(url, max_bytes, timeout, suffix_for=_suffix_for)


def fetch_raw(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS,
              suffix_for=lambda ctype, url: "") -> Fetched:
    """Any document at `url` (a feed too); `suffix_for(content_type, final_url)` may refuse it."""
    if not is_url(url):
        raise InputError(f"{url!r} is not an http(s) address", "pass a URL starting with https://")
    host = urllib.parse.urlsplit(url).hostname or url
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html, text/markdown;q=0.9, text/plain;q=0.8, */*;q=0.5"})
    try:
        with _opener().open(request, timeout=timeout) as answer:
            suffix = suffix_for(answer.headers.get_content_type(), answer.geturl())
            data = answer.read(max_bytes + 1)
            final_url, charset = answer.geturl(), answer.headers.get_content_charset()
    except urllib.error.HTTPError as e:
        fix = ("check the address" if e.code in (404, 410) else
               "the site refuses automated reads: save the page and pass the .html file"
               if e.code in (401, 403, 429) else "try again later, or save the page and pass the file")
        raise InputError(f"{url} answered HTTP {e.code} {e.reason}", fix) from None
    except urllib.error.URLError as e:
        reason = e.reason if isinstance(e.reason, (str, OSError)) else str(e)
        if isinstance(reason, InputError):
            raise reason from None
        raise InputError(f"could not reach {host}: {reason}",
                         "check the network connection (or save the page and pass the file)") from None
    except (socket.timeout, TimeoutError):
        raise InputError(f"{host} did not answer within {timeout:g} s",
                         "try again later, or save the page and pass the file") from None
    except InputError:
        raise
    except (OSError, ValueError) as e:     # a broken connection, a malformed answer
        raise InputError(f"reading {url} failed: {e}",
                         "try again, or save the page and pass the file") from None
    if len(data) > max_bytes:
        raise InputError(f"{url} is larger than {max_bytes} bytes; posts over that are refused",
                         "pass the article itself, not an archive or a dump")
    return Fetched(final_url, suffix, data, charset)


def _suffix_for(ctype: str, url: str) -> str:
    if ctype in CONTENT_TYPES:
        suffix = CONTENT_TYPES[ctype]
        path = urllib.parse.urlsplit(url).path.lower()
        # Raw files from code hosts come as text/plain: their name says what they are.
        return ".md" if suffix == ".txt" and path.endswith((".md", ".markdown")) else suffix
    raise InputError(f"{url} is {ctype}, not a web page or a text post",
                     f"pass the address of an article ({', '.join(sorted(CONTENT_TYPES))})")


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 2 KB (<meta charset=…>)."""
    m = re.search(rb"""<meta[^>]{0,200}charset\s*=\s*["']?([\w.:-]{1,40})""", data[:2048], re.I)
    return m.group(1).decode("ascii") if m else None


def slug_for(url: str) -> str:
    """A file-system-safe episode name from a URL's last path segment (or its host)."""
    parts = urllib.parse.urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    name = urllib.parse.unquote(segments[-1]) if segments else (parts.hostname or "post")
    name = re.sub(r"\.(html?|md|markdown|txt|php|aspx?)$", "", name, flags=re.I)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:80] or "post"
