"""``POST /ingest/fhir``: the HTTP door to ingestion (client-credentials tokens come with sign-in).

Adding authentication is one line: check the token, then ``return _respond(*handle_ingest_request(body, client))``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app

from portal import db
from portal.ingestion.parsing import PAYLOAD_KEEP, Rejection, parse_document
from portal.ingestion.pipeline import ingest
from portal.ingestion.report import IngestReport

blueprint = Blueprint("ingest", __name__, url_prefix="/ingest")
FHIR_JSON = "application/fhir+json"


@blueprint.post("/fhir")
def ingest_fhir() -> Response:
    """Refuse everyone until client-credentials tokens with scope ``ingest`` exist."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "login", "diagnostics": "a bearer token with scope ingest is required"}
        ],
    }
    return _respond(outcome, 401)


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
