"""A small, bounded HTTP(S) fetcher for posts and feeds named by URL.

Only http and https; a timeout on every read; the body is capped (a feed or a
post larger than MAX_BYTES is refused, never read into memory whole).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .errors import InputError

MAX_BYTES = 5_000_000
TIMEOUT_S = 20.0
USER_AGENT = "podcast-pipeline/0.1 (+batch)"


def is_url(text: str) -> bool:
    parts = urlsplit(str(text))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def fetch(url: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_S) -> tuple[bytes, str]:
    """The body of `url` and its Content-Type (lowercase, "" when absent)."""
    if not is_url(url):
        raise InputError(f"not an http(s) URL: {url!r}", "give a URL starting with http:// or https://")
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:   # noqa: S310 (scheme checked)
            data = resp.read(max_bytes + 1)
            ctype = (resp.headers.get("Content-Type") or "").lower()
    except urllib.error.HTTPError as e:
        raise InputError(f"{url}: HTTP {e.code} {e.reason}", "check the URL") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise InputError(f"cannot fetch {url}: {reason}", "check the URL and the network") from None
    if len(data) > max_bytes:
        raise InputError(f"{url} is larger than {max_bytes} bytes", "give a smaller post or feed")
    return data, ctype
