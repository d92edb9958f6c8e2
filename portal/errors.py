"""Errors, answered in the asker's terms: problem+json for the API, a page for people.

Domain errors (nothing to show, not allowed, a bad filter) map to statuses here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.journal.queries import BadFilter
from portal.policy.access import Forbidden, NotFound

PROBLEM_TYPE = "about:blank"


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({key: value for key, value in extra.items() if value is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def http_error(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    if wants_problem_json():
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        response = problem(status, error.name, _safe_detail(error), errors=errors)
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        _copy_protocol_headers(error, response)
        return response
    return render_template("errors/error.html", status=status, title=error.name), status


def _copy_protocol_headers(error: HTTPException, response: Response) -> None:
    """Allow on 405, WWW-Authenticate on 401, Retry-After on 429: clients act on them."""
    for name, value in error.get_headers():
        if name in ("Allow", "WWW-Authenticate", "Retry-After"):
            response.headers[name] = value


def _safe_detail(error: HTTPException) -> str | None:
    # Werkzeug's default descriptions are generic; anything else was written for the user by us.
    return None if isinstance(error, InternalServerError) else error.description


def not_found(_error: NotFound) -> Response | tuple[str, int]:
    if wants_problem_json():
        return problem(404, "Not Found", "No such resource.")
    return render_template("errors/error.html", status=404, title="Not Found"), 404


def forbidden(error: Forbidden) -> Response | tuple[str, int]:
    if wants_problem_json():
        return problem(403, "Forbidden", "This part of the record is not open to you.", reason=error.reason)
    return render_template("errors/error.html", status=403, title="Forbidden", reason=forbidden_text(error.reason)), 403


def forbidden_text(reason: str) -> str:
    """Why, in the user's words: the age rules name the age at which the part opens."""
    settings = current_app.config["SETTINGS"]
    if reason == "age:journal":
        return gettext("Your journal opens when you turn %(age)s. Until then you can see your appointments and "
                       "care plans here.", age=settings.self_journal_age)
    if reason.startswith("age:"):
        return gettext("This part opens when you turn %(age)s.", age=settings.self_appointments_age)
    if reason == "cancel_not_allowed":
        return gettext("This appointment cannot be cancelled here. Please contact the unit.")
    return gettext("This part of the record is not open to you.")


def bad_filter(error: BadFilter) -> Response | tuple[str, int]:
    if wants_problem_json():
        return problem(400, "Bad Request", str(error), errors={error.field_name: [str(error)]})
    return render_template("errors/error.html", status=400, title="Bad Request", reason=str(error)), 400


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(Forbidden, forbidden)
    app.register_error_handler(BadFilter, bad_filter)
