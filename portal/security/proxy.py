"""Client addresses behind a TLS-terminating proxy.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from as many proxies as ``trusted_proxy_count``
names, and not at all when it is 0 (the default): otherwise anyone could pick the address rate limits count by.
``X-Forwarded-Host`` is never believed: a proxy passes ``Host`` through.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    count = app.config["SETTINGS"].trusted_proxy_count
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
