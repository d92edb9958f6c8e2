"""``/auth``: sign-in (code flow with PKCE), the callback, logout and back-channel logout."""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import OAuthError
from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask_login import logout_user
from flask_wtf.csrf import CSRFError, validate_csrf
from requests import RequestException
from werkzeug.wrappers import Response as BaseResponse
from wtforms.validators import ValidationError

from portal.audit.hooks import sign_in_refused
from portal.auth import provider
from portal.auth.identity import SignInRefused, claims_with_userinfo, session_record
from portal.auth.provider import ProviderUnavailable
from portal.auth.redirects import safe_next
from portal.auth.sessions import delete_sessions, purge_expired
from portal.auth.texts import TEXTS
from portal.auth.tokens import TokenRejected, check_id_token, check_logout_token, verify_signature
from portal.auth.users import current_user, sign_in
from portal.i18n import language, pick

blueprint = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger(__name__)
PENDING = "oidc_pending"
MAX_PENDING = 3  # sign-ins started in other tabs stay valid, a few at most


@blueprint.get("/login")
def login() -> BaseResponse | tuple[str, int]:
    """Send the browser to the provider; ``next`` must be a path on this site."""
    target = safe_next(request.args.get("next")) or url_for("home.start")
    if current_user.is_authenticated:
        return redirect(target)
    try:
        found = provider.client()
    except ProviderUnavailable as error:
        log.warning("sign-in unavailable: %s", error)
        return failure("unavailable", 503)
    pending = {"nonce": secrets.token_urlsafe(24), "code_verifier": secrets.token_urlsafe(48),
               "redirect_uri": provider.callback_url(), "next": target}
    state = secrets.token_urlsafe(24)
    settings = current_app.config["SETTINGS"]
    started = found.create_authorization_url(
        redirect_uri=pending["redirect_uri"], state=state, nonce=pending["nonce"],
        code_verifier=pending["code_verifier"], acr_values=settings.oidc_min_acr, ui_locales=language(),
    )
    waiting = dict(session.get(PENDING) or {})
    waiting = dict(list(waiting.items())[-(MAX_PENDING - 1):])
    waiting[state] = pending
    session[PENDING] = waiting
    return redirect(started["url"])


@blueprint.get("/callback")
def callback() -> BaseResponse | tuple[str, int]:
    """The provider's answer: check everything, then start a fresh session, or refuse with no session."""
    pending = _take_pending(request.args.get("state", ""))
    if pending is None:
        return failure("state", 400)
    if request.args.get("error") or not request.args.get("code"):
        return failure("denied", 401)
    try:
        record = _identity(pending)
    except TokenRejected as error:
        log.info("sign-in refused: id token %s", error.reason)
        return failure("acr" if error.reason == "acr too low" else "failed", 401)
    except SignInRefused as error:
        log.info("sign-in refused: %s", error.reason)
        return failure(error.reason, 403)
    except (OAuthError, RequestException, ProviderUnavailable, ValueError) as error:
        log.warning("sign-in failed at the provider: %s", type(error).__name__)
        return failure("failed", 401)
    purge_expired()
    sign_in(record)
    return redirect(pending["next"])


def _take_pending(state: str) -> dict[str, Any] | None:
    # Single use: whatever happens next, this state is gone from the session.
    waiting: dict[str, Any] = dict(session.pop(PENDING, None) or {})
    for known, pending in waiting.items():
        if state and hmac.compare_digest(known.encode(), state.encode()):
            return dict(pending)
    return None


def _identity(pending: dict[str, Any]) -> dict[str, Any]:
    found = provider.client()
    token = found.fetch_access_token(redirect_uri=pending["redirect_uri"], code=request.args["code"],
                                     code_verifier=pending["code_verifier"])
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise TokenRejected("no id token")
    claims = verify_signature(id_token, provider.jwks_fetcher(found))
    check_id_token(claims, provider.expectations(), pending["nonce"])
    merged = claims_with_userinfo(claims, lambda: dict(found.userinfo(token=token)))
    return session_record(merged, id_token)


def failure(reason: str, status: int) -> tuple[str, int]:
    """The error page, with any session of this browser ended."""
    sign_in_refused(reason)
    logout_user()
    session.clear()
    message = pick(TEXTS, reason if reason in TEXTS["sv"] else "failed")
    return render_template("auth/error.html", message=message, t=TEXTS[language()]), status


@blueprint.post("/logout")
def logout() -> BaseResponse | tuple[str, int]:
    """End the session here, then at the provider (RP-initiated logout)."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return failure("failed", 400)
    auth = dict(session.get("auth") or {})
    logout_user()
    session.clear()
    end_session = _end_session_endpoint()
    if not end_session or not auth.get("id_token"):
        return redirect(url_for("public.index"))
    return redirect(add_params_to_uri(end_session, [
        ("id_token_hint", auth["id_token"]),
        ("post_logout_redirect_uri", url_for("public.index", _external=True)),
        ("client_id", current_app.config["SETTINGS"].oidc_client_id),
        ("state", secrets.token_urlsafe(16)),
    ]))


def _end_session_endpoint() -> str | None:
    try:
        endpoint = provider.client().server_metadata.get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    return endpoint if isinstance(endpoint, str) else None


@blueprint.post("/backchannel-logout")
def backchannel_logout() -> Response:
    """OpenID Back-Channel Logout: end the sessions a valid logout token names."""
    token = request.form.get("logout_token", "")
    try:
        found = provider.client()
        claims = verify_signature(token, provider.jwks_fetcher(found))
        check_logout_token(claims, provider.expectations())
    except (TokenRejected, ProviderUnavailable) as error:
        log.info("back-channel logout refused: %s", getattr(error, "reason", type(error).__name__))
        return _no_store(Response('{"error": "invalid_request"}', 400, mimetype="application/json"))
    ended = delete_sessions(sid=claims.get("sid"), sub=claims.get("sub"))
    log.info("back-channel logout ended %d session(s)", ended)
    return _no_store(Response("", 200))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response

