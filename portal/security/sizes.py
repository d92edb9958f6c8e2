"""Size limits, checked before any other work: bodies, the Authorization header, all headers, the URL.

Every body is held to ``max_request_bytes`` (Flask's MAX_CONTENT_LENGTH); ingestion alone may send up to
``ingest_max_bytes``. A declared length past the limit is refused before anything is read; a body without one
(chunked) is cut off while it is read and answered the same way (``RequestEntityTooLarge`` below).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import (
    HTTPException,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
    Unauthorized,
)

from portal.auth.access_tokens import MAX_TOKEN_LENGTH
from portal.security.answers import refuse

LARGE_BODY_ENDPOINTS = ("ingest.ingest_fhir",)
MAX_AUTHORIZATION = MAX_TOKEN_LENGTH + len("Bearer ")
MAX_HEADER_BYTES = 16 * 1024  # all header names and values together
MAX_PATH = 2048
MAX_QUERY = 4096


def check_sizes() -> Response | None:
    settings = current_app.config["SETTINGS"]
    if request.endpoint in LARGE_BODY_ENDPOINTS:
        request.max_content_length = settings.ingest_max_bytes
    refused = _refusal()
    return refuse(refused) if refused else None


def _refusal() -> HTTPException | None:
    if len(request.environ.get("PATH_INFO", "")) > MAX_PATH or len(request.query_string) > MAX_QUERY:
        return RequestURITooLarge()
    if sum(len(name) + len(value) for name, value in request.headers.items()) > MAX_HEADER_BYTES:
        return RequestHeaderFieldsTooLarge()
    if len(request.headers.get("Authorization", "")) > MAX_AUTHORIZATION:
        return Unauthorized("The credentials are too long.", www_authenticate=WWWAuthenticate(
            "Bearer", {"realm": "portal", "error": "invalid_token"}))
    limit = request.max_content_length
    if request.content_length is not None and limit is not None and request.content_length > limit:
        return RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
    return None


def too_large(error: RequestEntityTooLarge) -> Response:
    return refuse(error)


def init_app(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = app.config["SETTINGS"].max_request_bytes
    app.before_request(check_sizes)
    app.register_error_handler(RequestEntityTooLarge, too_large)
