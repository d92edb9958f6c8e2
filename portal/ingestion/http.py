"""``POST /ingest/fhir``: the HTTP door to ingestion, for source systems with a client-credentials token."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from portal import db
from portal.auth.access_tokens import NoBearer, bearer_token, verify_access_token
from portal.auth.tokens import TokenRejected
from portal.ingestion.parsing import PAYLOAD_KEEP, Rejection, parse_document
from portal.ingestion.pipeline import ingest
from portal.ingestion.report import IngestReport

blueprint = Blueprint("ingest", __name__, url_prefix="/ingest")
FHIR_JSON = "application/fhir+json"
INGEST_SCOPE = "ingest"


@blueprint.post("/fhir")
def ingest_fhir() -> Response:
    """FHIR R4 from a source system holding a client-credentials token with scope ``ingest``."""
    try:
        claims = verify_access_token(bearer_token(), INGEST_SCOPE)
    except (NoBearer, TokenRejected):
        return _refuse(401, "login", "a valid bearer token with scope ingest is required")
    limit = current_app.config["SETTINGS"].ingest_max_bytes
    if request.content_length is not None and request.content_length > limit:
        return _refuse(413, "too-costly", f"the body is larger than {limit} bytes")
    source = str(claims.get("client_id") or claims.get("sub") or "unknown")
    outcome, status = handle_ingest_request(request.get_data(cache=False), source)
    return _respond(outcome, status)


def _refuse(status: int, code: str, message: str) -> Response:
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code,
                                                              "diagnostics": message}]}
    response = _respond(outcome, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ingest"'
    return response


def handle_ingest_request(body: bytes, source: str) -> tuple[dict[str, Any], int]:
    """Ingest one request body: 200 all stored, 422 something quarantined, 413 past the size limit."""
    limit = current_app.config["SETTINGS"].ingest_max_bytes
    item = parse_document(body, "http", limit) if len(body) <= limit else Rejection(
        "too-large", f"larger than {limit} bytes", body[:PAYLOAD_KEEP].decode("utf-8", "replace"), "http")
    report: IngestReport = ingest(db.session(), [item], source, secret_key=current_app.config["SECRET_KEY"],
                                  origin="http")
    if isinstance(item, Rejection) and item.reason == "too-large":
        return report.to_operation_outcome(), 413
    return report.to_operation_outcome(), 422 if report.quarantined else 200


def _respond(outcome: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(outcome), status=status, mimetype=FHIR_JSON)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
