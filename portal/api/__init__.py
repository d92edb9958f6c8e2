"""The read-model API under ``/api/v1``, with its OpenAPI document and local human docs."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, render_template
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from portal.errors import http_error

OPENAPI_INFO = {
    "description": (
        "The citizen's shared health and care record from region and municipalities. Every call is decided by "
        "the portal's access policy and written to the subject's access log. Errors are RFC 9457 problem details."
    ),
}


PROBLEM_JSON = "application/problem+json"


class PortalApi(Api):
    """flask-smorest, with errors answered as problem details (and HTML pages left to the site)."""

    def handle_http_exception(self, error):  # type: ignore[no-untyped-def]
        return http_error(error)

    def _register_responses(self) -> None:
        """Document every error (422 from argument parsing among them) as the problem details it is."""
        from portal.api.schemas import ProblemSchema

        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": ProblemSchema}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


api = PortalApi()


def init_app(app: Flask) -> None:
    from portal.api.routes import blueprint

    app.config.update(
        API_TITLE="Citizen health portal API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": OPENAPI_INFO, "components": {"securitySchemes": _security()},
                          "security": [{"bearer": []}, {"session": []}]},
    )
    api.init_app(app)
    api.register_blueprint(blueprint)
    app.add_url_rule("/api/v1/docs", "api_docs.docs", _docs)


def _security() -> dict[str, Any]:
    return {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "Access token from the region's OpenID Provider, audience PORTAL_API_AUDIENCE."},
        "session": {"type": "apiKey", "in": "cookie", "name": "portal_session",
                    "description": "The page's own session; GET only."},
    }


def _docs() -> str:
    """Human API docs, rendered here from the OpenAPI document: no CDN, no script."""
    return render_template("api/docs.html", spec=api.spec.to_dict())
