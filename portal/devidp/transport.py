"""HTTP to the embedded identity provider without a socket: requests are handed to this app's WSGI callable.

The portal and the dev provider live in one process, often behind a single-threaded server or the test client,
where an HTTP call to ourselves would deadlock or find nothing listening. The messages stay real HTTP requests and
responses (discovery, token, JWKS, userinfo, back-channel logout); only the wire is skipped.
"""

from __future__ import annotations

from typing import Any

import requests
from flask import Flask
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import EnvironBuilder, run_wsgi_app


class WsgiAdapter(BaseAdapter):
    """A requests transport adapter that calls a WSGI app in-process."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        builder = EnvironBuilder(
            path=requests.utils.urlparse(request.url or "").path or "/",
            base_url=_origin(request.url or ""),
            query_string=requests.utils.urlparse(request.url or "").query,
            method=request.method or "GET",
            headers=[(str(k), str(v)) for k, v in request.headers.items()],
            data=request.body if isinstance(request.body, (bytes, str)) else b"",
        )
        try:
            app_iter, status, headers = run_wsgi_app(self.app.wsgi_app, builder.get_environ(), buffered=True)
        finally:
            builder.close()
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.headers = CaseInsensitiveDict(headers.items())
        response._content = b"".join(app_iter)
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release."""


def _origin(url: str) -> str:
    parts = requests.utils.urlparse(url)
    return f"{parts.scheme}://{parts.netloc}/"


def session_for(app: Flask, prefix: str) -> requests.Session:
    """A requests session whose calls under ``prefix`` go to ``app`` in-process."""
    http = requests.Session()
    http.mount(prefix, WsgiAdapter(app))
    return http
