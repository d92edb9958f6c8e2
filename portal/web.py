"""Pages that need no sign-in: the landing page and health check."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
def index() -> str:
    """The landing page: what the portal is, and where to sign in."""
    return render_template("public/index.html")


@blueprint.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness for the load balancer; touches no personal data."""
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
