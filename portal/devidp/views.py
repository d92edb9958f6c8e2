"""``/dev-idp``: discovery, JWKS, the persona picker, token, userinfo and end-session."""

from __future__ import annotations

import time
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from werkzeug.wrappers import Response as BaseResponse

from portal.config import LOA3, PNR_SCOPE
from portal.devidp import browser, clients, keys, logout
from portal.devidp.people import login_personas, persona_by_key, user_by_sub
from portal.devidp.server import issuer
from portal.devidp.texts import TEXTS
from portal.i18n import language

blueprint = Blueprint("devidp", __name__, url_prefix="/dev-idp", template_folder="templates")


@blueprint.get("/.well-known/openid-configuration")
def discovery() -> Response:
    """OpenID Provider metadata."""
    base = issuer()
    settings = current_app.config["SETTINGS"]
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "end_session_endpoint": f"{base}/end-session",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", PNR_SCOPE, "portal", "ingest"],
        "claims_supported": ["sub", "name", "given_name", "family_name", "acr", "sid", "auth_time",
                             settings.oidc_pnr_claim, settings.support_role_claim],
        "acr_values_supported": [LOA3],
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    })


@blueprint.get("/jwks")
def jwks() -> Response:
    """The public signing key."""
    return jsonify(keys.public_jwks())


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize() -> BaseResponse | tuple[str, int]:
    """Sign in by picking a persona; an existing provider session signs in without asking (single sign-on)."""
    server = current_app.extensions["devidp"].server
    chosen = persona_by_key(request.form.get("persona", "")) if request.method == "POST" else None
    existing = browser.current_user() if request.values.get("prompt") != "login" else None
    user = browser.start(chosen) if chosen else existing
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return _error_page(error)
    if user is None:
        return _picker()
    response = server.create_authorization_response(grant=grant, grant_user=user)
    if chosen is not None:
        browser.remember(response, user)
    return response


def _picker() -> tuple[str, int]:
    groups: dict[str, list[Any]] = {}
    lang = language()
    for persona in login_personas():
        label = persona.role_sv if lang == "sv" else persona.role_en
        groups.setdefault(label, []).append(persona)
    return render_template("devidp_picker.html", groups=groups, t=TEXTS[lang], action=request.full_path), 200


def _error_page(error: OAuth2Error) -> tuple[str, int]:
    return render_template("devidp_message.html", t=TEXTS[language()], title=TEXTS[language()]["error"],
                           detail=error.error), 400


@blueprint.post("/token")
def token() -> Response:
    """Authorization code (PKCE) and client credentials."""
    response: Response = current_app.extensions["devidp"].server.create_token_response()
    return response


@blueprint.route("/userinfo", methods=["GET", "POST"])
def userinfo() -> tuple[Response, int]:
    """Claims for the bearer of one of our access tokens with scope ``openid``."""
    header = request.headers.get("Authorization", "")
    claims = _access_token_claims(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
    user = user_by_sub(str(claims.get("sub", "")), "", 0) if claims else None
    if claims is None or user is None or "openid" not in str(claims.get("scope", "")).split():
        response = jsonify({"error": "invalid_token"})
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response, 401
    return jsonify(user.claims(str(claims["scope"]))), 200


def _access_token_claims(token: str) -> dict[str, Any] | None:
    try:
        claims = dict(jwt.decode(token, keys.signing_key(), algorithms=["RS256"]).claims)
    except (JoseError, ValueError):
        return None
    fresh = isinstance(claims.get("exp"), int) and claims["exp"] > time.time()
    audience = current_app.config["SETTINGS"].api_audience
    return claims if fresh and claims.get("iss") == issuer() and claims.get("aud") == audience else None


@blueprint.route("/end-session", methods=["GET", "POST"])
def end_session() -> BaseResponse | tuple[str, int]:
    """RP-initiated logout: end the provider session, tell the portal, go back if the target is registered."""
    user = browser.current_user()
    client = _hinted_client(request.values.get("id_token_hint", ""))
    target = request.values.get("post_logout_redirect_uri", "")
    if user is not None:
        logout.notify(user)
    if client is not None and target and target == client.post_logout_redirect_uri():
        state = request.values.get("state")
        response = redirect(add_params_to_uri(target, [("state", state)]) if state else target)
    else:
        t = TEXTS[language()]
        response = current_app.make_response(
            (render_template("devidp_message.html", t=t, title=t["signed_out"], detail=""), 200))
    browser.forget(response)
    return response


def _hinted_client(hint: str) -> clients.DevClient | None:
    if not hint:
        return None
    try:
        claims = jwt.decode(hint, keys.signing_key(), algorithms=["RS256"]).claims
    except (JoseError, ValueError):
        return None
    aud = claims.get("aud")
    client_id = aud[0] if isinstance(aud, list) and aud else aud
    found = clients.find(str(client_id)) if claims.get("iss") == issuer() else None
    return found if found is not None and found.web else None

