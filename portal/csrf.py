"""CSRF protection on every form POST; machine-to-machine endpoints with their own credentials are exempt.

Exempt: the API (bearer tokens; the page's session may only read through it), ingestion (client credentials),
OpenID back-channel logout (a signed logout token from the provider) and the embedded dev provider, which is
another party: its persona picker and token endpoint are protected by the OAuth state, PKCE and client secrets,
and it keeps no portal session in which a token could live.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    from portal.api.routes import blueprint as api_blueprint
    from portal.auth.views import backchannel_logout
    from portal.ingestion.http import blueprint as ingest_blueprint

    # The token lives in the server-side session, which has its own idle and absolute limits.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    csrf.exempt(api_blueprint)
    csrf.exempt(ingest_blueprint)
    csrf.exempt(backchannel_logout)
    if "devidp" in app.extensions:
        from portal.devidp.views import blueprint as devidp_blueprint

        csrf.exempt(devidp_blueprint)
