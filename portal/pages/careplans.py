"""``/care-plans``: the plans, a SIP marked as shared by region and municipality, and one plan in detail."""

from __future__ import annotations

from flask import render_template

from portal.careplans.queries import CarePlanView, get_care_plan, list_care_plans
from portal.pages.current import page_blueprint, read, settings

blueprint = page_blueprint("careplans", __name__, url_prefix="/care-plans")


@blueprint.get("")
def index() -> str:
    """Every plan, the next follow-up first."""
    plans: list[CarePlanView] = read(lambda tx, viewer: list_care_plans(tx, viewer, settings()), default=[])
    return render_template("careplans/index.html", plans=plans)


@blueprint.get("/<string:plan_id>")
def detail(plan_id: str) -> str:
    """Goals, activities with the organisation responsible, participants and the next follow-up."""
    plan = read(lambda tx, viewer: get_care_plan(tx, viewer, settings(), plan_id))
    return render_template("careplans/detail.html", plan=plan)
