"""Sign-in: the OpenID Connect relying party, server-side sessions and the signed-in user.

Other parts use ``login_required``, ``role_required``, ``current_user`` and ``rotate_session``.
"""

from __future__ import annotations

import logging

from flask import Flask

from portal.auth.sessions import rotate_session
from portal.auth.users import current_user, login_required, role_required

__all__ = ["current_user", "init_app", "login_required", "role_required", "rotate_session"]


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from portal.auth import logfilter, provider, sessions, users, views

    # authlib logs the PKCE code_verifier at debug level; keep it out of any log.
    logging.getLogger("authlib").setLevel(max(logging.getLogger("authlib").level, logging.INFO))
    logfilter.install()
    sessions.init_app(app)
    users.init_app(app)
    provider.init_app(app)
    app.register_blueprint(views.blueprint)
    app.jinja_env.globals.setdefault("csrf_token", generate_csrf)
