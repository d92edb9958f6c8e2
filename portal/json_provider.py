"""Flask's JSON answers written by orjson: the same values as Flask's own provider, in a fraction of the time.

The text may differ in spelling only: non-ASCII as is rather than escaped (it is UTF-8 either way), ``1e-7``
where Python writes ``1e-07``, and ``null`` for NaN and infinities, which JSON has no spelling for (Python writes
``NaN``, which clients reject). Keys stay sorted, dates go through Flask's ``default`` as before (HTTP dates), and
anything orjson refuses (keys that are not strings, integers beyond 64 bits) is written by Flask's provider.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self._bytes(obj, kwargs).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        compact = self.compact if self.compact is not None else not self._app.debug
        body = self._bytes(self._prepare_response_obj(args, kwargs), {} if compact else {"indent": 2})
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)  # type: ignore[return-value,arg-type]

    def _bytes(self, obj: Any, kwargs: dict[str, Any]) -> bytes:
        if not (kwargs.keys() <= {"indent"}):  # a caller's own json.dumps options: Flask's provider honours them
            return super().dumps(obj, **kwargs).encode()
        options = _OPTIONS | (orjson.OPT_INDENT_2 if kwargs.get("indent") else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=options)
        except TypeError:  # orjson.JSONEncodeError is one
            return super().dumps(obj, **kwargs).encode()


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
