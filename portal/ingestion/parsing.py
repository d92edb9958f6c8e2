"""Reading input into documents: JSON files, NDJSON files, folders, request bodies.

Every failure becomes a :class:`Rejection` (quarantined later); nothing here raises on bad input.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64
PAYLOAD_KEEP = 64 * 1024  # bytes of a rejected payload kept in the quarantine


@dataclass(frozen=True)
class Parsed:
    """One JSON document (a resource or a Bundle) and where it came from."""

    document: Any
    origin: str


@dataclass(frozen=True)
class Rejection:
    """Input that never became a resource: the reason code, the element, a message without personal data."""

    reason: str
    message: str
    payload: str
    origin: str
    element: str = ""
    resource_type: str | None = None
    resource_id: str | None = None


Item = Parsed | Rejection


def parse_document(raw: bytes, origin: str, max_bytes: int) -> Item:
    """One JSON text of at most ``max_bytes``: a Parsed document or a Rejection."""
    if len(raw) > max_bytes:
        return Rejection("too-large", f"larger than {max_bytes} bytes", _keep(raw), origin)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Rejection("not-json", f"not UTF-8 (byte {error.start})", _keep(raw), origin)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return Rejection("not-json", f"not JSON: {error.msg} at line {error.lineno}", _keep(raw), origin)
    except RecursionError:
        return Rejection("not-json", f"nested deeper than {MAX_DEPTH} levels", _keep(raw), origin)
    if _too_deep(document):
        return Rejection("not-json", f"nested deeper than {MAX_DEPTH} levels", _keep(raw), origin)
    if _unstorable_text(document):
        return Rejection("not-json", "a string holds NUL or a lone surrogate (\\u escapes)", _keep(raw), origin)
    return Parsed(document, origin)


def parse_ndjson(lines: Iterable[bytes], origin: str, max_bytes: int) -> Iterator[Item]:
    """One document per non-blank line; the origin names the line."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield parse_document(line, f"{origin}:{number}", max_bytes)


def read_paths(paths: Iterable[str], max_bytes: int) -> Iterator[Item]:
    """Files and folders (recursively, ``*.json`` and ``*.ndjson``, in name order)."""
    for path in paths:
        for file_path in _files(path):
            yield from read_file(file_path, max_bytes)


def read_file(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        if path.endswith(".ndjson"):
            with open(path, "rb") as handle:
                yield from parse_ndjson(_bounded_lines(handle, max_bytes), path, max_bytes)
            return
        if os.path.getsize(path) > max_bytes:
            with open(path, "rb") as handle:
                head = handle.read(PAYLOAD_KEEP)
            yield Rejection("too-large", f"larger than {max_bytes} bytes", _keep(head), path)
            return
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        yield Rejection("not-json", f"cannot read the file: {error.strerror}", "", path)
        return
    yield parse_document(raw, path, max_bytes)


def _bounded_lines(handle: Any, max_bytes: int) -> Iterator[bytes]:
    """Lines of a file; a line past the limit is cut (and so rejected as too large) instead of read whole."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the long line
                rest = handle.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def _files(path: str) -> Iterator[str]:
    if not os.path.isdir(path):
        yield path
        return
    for folder, subfolders, names in os.walk(path):
        subfolders.sort()
        for name in sorted(names):
            if name.endswith((".json", ".ndjson")):
                yield os.path.join(folder, name)


def _too_deep(document: Any) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values() if isinstance(child, (dict, list)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))
    return False


# JSON escapes can spell characters no database text column takes: NUL (PostgreSQL) and lone UTF-16 surrogates
# (not encodable as UTF-8). A valid surrogate pair is decoded by json.loads into one character and passes.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_text(document: Any) -> bool:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _keep(raw: bytes) -> str:
    return raw[:PAYLOAD_KEEP].decode("utf-8", errors="replace").replace("\x00", "\ufffd")
