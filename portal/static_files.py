"""Static files sent gzip-compressed to clients that accept it, each compressed once per version of the file.

Only static files: they hold nothing personal. Pages go out uncompressed on purpose. A page holds a CSRF token and
can repeat what the visitor typed (a search), and compressing a secret together with text an attacker can choose
lets the attacker read the secret from the response sizes over TLS (BREACH).
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = frozenset({"text/css", "text/javascript", "application/javascript", "image/svg+xml",
                          "application/manifest+json", "application/json"})
SMALLEST = 512  # below this gzip's own header and the extra header outweigh what it saves


def init_app(app: Flask) -> None:
    app.after_request(_compress_static)


def _compress_static(response: Response) -> Response:
    if request.endpoint != "static" or response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or not request.accept_encodings["gzip"]:
        return response
    path = safe_join(str(current_app.static_folder), (request.view_args or {}).get("filename", ""))
    if path is None or not os.path.isfile(path):
        return response
    found = os.stat(path)
    if found.st_size < SMALLEST:
        return response
    etag, _weak = response.get_etag()
    response.direct_passthrough = False
    response.set_data(_compressed(path, found.st_mtime_ns, found.st_size))
    response.content_encoding = "gzip"
    if etag:
        response.set_etag(f"{etag}-gzip")  # another representation, so another tag
    response.make_conditional(request)
    return response


@lru_cache(maxsize=64)
def _compressed(path: str, _mtime_ns: int, _size: int) -> bytes:
    """The file's gzip bytes; the file's time and size are in the cache key, so a changed file is compressed anew."""
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)
