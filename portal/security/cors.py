"""CORS for ``/api/v1`` only, for the origins in ``PORTAL_CORS_ORIGINS`` and no others.

The list is exact origins, checked when settings are parsed (no ``null``, no wildcards). Credentials are never
allowed across origins: another origin's script calls with a bearer token, never with the page's cookie.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from portal.errors import problem

API_PREFIX = "/api/v1/"
ALLOW_METHODS = "GET, POST"
ALLOW_HEADERS = "Authorization, Content-Type, If-None-Match"
EXPOSE_HEADERS = "ETag, Retry-After, WWW-Authenticate"
MAX_AGE = "600"


def _allowed_origin() -> str | None:
    origin = request.headers.get("Origin")
    return origin if origin and origin in current_app.config["SETTINGS"].cors_origins else None


def preflight() -> Response | None:
    """Answer a CORS preflight to the API before anything asks for credentials (it carries none)."""
    if not (request.method == "OPTIONS" and request.path.startswith(API_PREFIX)
            and request.headers.get("Access-Control-Request-Method")):
        return None
    origin = _allowed_origin()
    if origin is None:
        return problem(403, "Forbidden", "This origin may not call the API from a browser.")
    response = Response(status=204)
    response.headers.update({
        "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS, "Access-Control-Max-Age": MAX_AGE,
    })
    return response


def allow_origin(response: Response) -> Response:
    if not request.path.startswith(API_PREFIX):
        return response
    response.vary.add("Origin")
    origin = _allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


def init_app(app: Flask) -> None:
    app.before_request(preflight)
    app.after_request(allow_origin)
