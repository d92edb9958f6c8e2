"""The JSON text stored in the event log: keys sorted, no spaces, non-ASCII as is (so a version hash is stable).

The text is ``json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, character for
character. orjson writes that same text several times faster, except for what it spells differently: floats
below 1e-4 (``1e-7`` and ``0.00001`` where Python writes ``1e-07`` and ``1e-05``), NaN and infinities (``null``),
and integers beyond 64 bits, keys that are not strings or subclasses of str, int, dict and list (it refuses
them, told to). A text that may hold one of those is written by ``json`` instead. (Parsed JSON holds no UUID or
Enum, the only objects orjson writes and ``json`` refuses.)
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# A number with an exponent or four zeros after the point, or a null: where orjson may differ. Strings that
# merely look like this only cost the slower path.
_MAY_DIFFER = re.compile(rb"[:,\[](?:-?\d[\d.]*[eE]|-?0\.0000|null)")
# The regex tries a match at every ":" and ",", several times orjson's own time. Plain substring tests rule
# most texts out first: what orjson writes differently always holds "null", "0.0000" or a digit followed by an
# exponent ("1e-7", "1e16"), which shows as "0e" once every digit reads 0 and "E" reads "e". (A "." before
# the "e", which the regex also takes, is only ever text inside a string: orjson writes no such number.)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789E", b"000000000e")
_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS)


def canonical_json(resource: Any) -> str | None:
    """The canonical text of a JSON object; None if it is not one or cannot be written as JSON."""
    if not isinstance(resource, dict):
        return None
    try:
        text = orjson.dumps(resource, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return _slow(resource)
    if _may_differ(text):
        return _slow(resource)
    return text.decode()


def _may_differ(text: bytes) -> bool:
    if b"null" not in text and b"0.0000" not in text and b"0e" not in text.translate(_DIGITS_AS_ZERO):
        return False
    return _MAY_DIFFER.search(text) is not None


def _slow(resource: dict[str, Any]) -> str | None:
    try:
        return json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None
