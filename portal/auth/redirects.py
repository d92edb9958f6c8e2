"""The ``next`` guard: only same-site relative paths are followed, anything else falls back to the start page."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Browsers drop tabs and newlines inside URLs and treat "\" like "/", so "/\t/evil" and "/\evil" leave the site.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
MAX_LENGTH = 2000


def safe_next(raw: str | None) -> str | None:
    """``raw`` when it is a path on this site (``/journal?x=1``), else None."""
    if not raw or len(raw) > MAX_LENGTH or not raw.startswith("/"):
        return None
    # Decode repeatedly so "%2F%2Fevil" and "%252F..." are judged as the browser may finally see them.
    decoded = raw
    for _ in range(3):
        if _looks_foreign(decoded):
            return None
        decoded = unquote(decoded)
    return None if _looks_foreign(decoded) else raw


def _looks_foreign(value: str) -> bool:
    if _CONTROL.search(value) or not value.startswith("/") or value.startswith("//"):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme or parts.netloc)
