"""``POST /ingest/fhir``: the HTTP door to ingestion (client-credentials tokens come with sign-in)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

blueprint = Blueprint("ingest", __name__, url_prefix="/ingest")


@blueprint.post("/fhir")
def ingest_fhir() -> tuple[Response, int]:
    """Refuse everyone until client-credentials tokens with scope ``ingest`` exist."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "login", "diagnostics": "a bearer token with scope ingest is required"}
        ],
    }
    return jsonify(outcome), 401


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
