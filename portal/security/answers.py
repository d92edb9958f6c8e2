"""Refusals in the asker's terms: an OperationOutcome for ingestion, problem+json for the API, a page otherwise."""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException

from portal.errors import http_error

FHIR_JSON = "application/fhir+json"
# FHIR issue types (http://hl7.org/fhir/valueset-issue-type.html) by HTTP status.
FHIR_CODES = {401: "login", 413: "too-costly", 414: "too-long", 429: "throttled", 431: "too-long"}


def refuse(error: HTTPException) -> Response:
    """The response for ``error`` on this request's path, with the protocol headers the client acts on."""
    status = error.code or 500
    if request.path.startswith("/ingest/"):
        outcome = {"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": FHIR_CODES.get(status, "processing"), "diagnostics": error.name}]}
        response = Response(json.dumps(outcome), status=status, mimetype=FHIR_JSON)
        for name, value in error.get_headers():
            if name in ("WWW-Authenticate", "Retry-After"):
                response.headers[name] = value
        return response
    answered = http_error(error)
    if isinstance(answered, Response):
        return answered
    body, code = answered
    response = Response(body, status=code, mimetype="text/html")
    for name, value in error.get_headers():
        if name in ("WWW-Authenticate", "Retry-After", "Allow"):
            response.headers[name] = value
    return response
