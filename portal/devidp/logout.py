"""Back-channel logout from the dev provider to the portal (OpenID Back-Channel Logout 1.0).

The portal lives in this same process, so the logout token is POSTed through the in-process transport; it is only
ever sent to a loopback origin.
"""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlsplit

from flask import current_app
from joserfc import jwt
from requests import RequestException

from portal.devidp import clients, keys
from portal.devidp.people import DevUser
from portal.devidp.server import issuer
from portal.devidp.transport import session_for

log = logging.getLogger(__name__)
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def logout_token(user: DevUser, client_id: str) -> str:
    now = int(time.time())
    claims = {"iss": issuer(), "aud": client_id, "iat": now, "exp": now + 120, "jti": secrets.token_urlsafe(16),
              "sub": user.sub, "sid": user.sid, "events": {LOGOUT_EVENT: {}}}
    header = {"alg": "RS256", "kid": keys.signing_key().kid or "", "typ": "logout+jwt"}
    return jwt.encode(header, claims, keys.signing_key(), algorithms=["RS256"])


def notify(user: DevUser) -> None:
    """Tell the portal that this provider session ended; a failure is logged, never shown."""
    portal = clients.find(current_app.config["SETTINGS"].oidc_client_id)
    if portal is None:
        return
    uri = portal.backchannel_logout_uri()
    if urlsplit(uri).hostname not in LOOPBACK:
        log.warning("back-channel logout skipped: the portal is not on a loopback address")
        return
    origin = uri[: uri.index("/auth/")]
    try:
        with session_for(current_app._get_current_object(), origin + "/") as http:  # type: ignore[attr-defined]
            answer = http.post(uri, data={"logout_token": logout_token(user, portal.client_id)}, timeout=5)
        if answer.status_code != 200:
            log.warning("back-channel logout answered %d", answer.status_code)
    except RequestException as error:
        log.warning("back-channel logout failed: %s", type(error).__name__)
