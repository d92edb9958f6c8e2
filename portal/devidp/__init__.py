"""The embedded dev identity provider: real OpenID Connect at ``/dev-idp`` so ``make run`` needs no outside IdP.

It runs only when ``PORTAL_DEV_IDP`` is on, no external issuer is configured, and the environment is development
or test; in production it refuses to start. Its issuer is ``<scheme>://<host the browser used>/dev-idp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from joserfc.jwk import RSAKey

from portal.config import ConfigError

ALLOWED_ENVIRONMENTS = ("development", "test")


@dataclass
class DevProvider:
    key: RSAKey
    server: Any
    codes: Any


def issuer_for_request() -> str:
    return request.host_url.rstrip("/") + "/dev-idp"


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    if not settings.dev_idp:
        return
    if settings.env not in ALLOWED_ENVIRONMENTS:
        raise ConfigError("the embedded dev identity provider runs only in development or test (PORTAL_DEV_IDP)")
    if settings.oidc_issuer:
        return  # an external provider is configured: it wins, the embedded one stays off
    from portal.devidp import keys, server, views

    app.extensions["devidp"] = DevProvider(
        key=keys.load_or_create(app), server=server.create_server(app), codes=server.CodeStore()
    )
    app.register_blueprint(views.blueprint)
