"""Response headers on every answer: a CSP, no sniffing or framing, no caching of anything personal.

An HTML page gets a nonce-based CSP. Everything else (the API's JSON and problem details, a calendar file,
static files) gets a fixed one that lets nothing load or run: such a response is never meant to be a document, so
if a browser is led to open one as a page (a JSON body sniffed as HTML by an old browser, an SVG opened directly),
nothing in it runs.

``csp_nonce()`` in a template gives this response's nonce, for the rare ``<script>`` or ``<style>`` element that
must be inline: ``<script nonce="{{ csp_nonce() }}">``. Inline ``style=""`` attributes and event handlers never
run. ``form-action`` names the configured provider's origin too: a browser applies it to the redirect after a
form post, and signing out posts to us and is then sent on to the provider's end-session endpoint.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session

from portal.auth.sessions import DatabaseSessionInterface

HSTS = "max-age=63072000; includeSubDomains"
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
LOGOUT_ENDPOINTS = ("auth.logout",)
NOT_A_DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
NONCE_KEY = "portal.csp_nonce"


def csp_nonce() -> str:
    """This response's nonce, made on first use; kept on the request, as ``g`` may outlive it (tests, CLI)."""
    nonce = request.environ.get(NONCE_KEY)
    if nonce is None:
        nonce = request.environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return str(nonce)


def policy(nonce: str, form_targets: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        f"form-action {form_targets}",
    ))


def _form_targets(app: Flask) -> str:
    issuer = app.config["SETTINGS"].oidc_issuer
    if not issuer:
        return "'self'"  # the embedded dev provider lives on this origin
    parts = urlsplit(issuer)
    return f"'self' {parts.scheme}://{parts.netloc}"


def signed_in() -> bool:
    """Whether this answer belongs to someone: a bearer token, a session cookie, or a session made now."""
    interface = current_app.session_interface
    cookie = interface.cookie_name(current_app) if isinstance(interface, DatabaseSessionInterface) else ""
    if request.headers.get("Authorization") or (cookie and cookie in request.cookies):
        return True
    return bool(session)  # a signed-in session, or one being made (sign-in in progress): both get a cookie


def add_headers(response: Response, form_targets: str, production: bool) -> Response:
    headers = response.headers
    html = response.mimetype == "text/html"
    headers["Content-Security-Policy"] = policy(csp_nonce(), form_targets) if html else NOT_A_DOCUMENT_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if production:
        headers["Strict-Transport-Security"] = HSTS
    if signed_in():
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        response.vary.add("Cookie")
        if request.headers.get("Authorization"):
            response.vary.add("Authorization")
    if request.endpoint in LOGOUT_ENDPOINTS:
        headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def init_app(app: Flask) -> None:
    form_targets = _form_targets(app)
    production = app.config["SETTINGS"].env not in ("development", "test")
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(lambda response: add_headers(response, form_targets, production))
