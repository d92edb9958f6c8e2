"""``/start``: the signed-in start page (a placeholder the journal pages will replace)."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.auth.texts import TEXTS
from portal.auth.users import current_user, login_required
from portal.i18n import language

blueprint = Blueprint("home", __name__)


@blueprint.get("/start")
@login_required
def start() -> str:
    """Welcome the signed-in user; a person with no records yet sees an empty record, not an error."""
    t = TEXTS[language()]
    return render_template("home/start.html", t=t, welcome=t["welcome"].format(name=current_user.name),
                           has_record=current_user.person_id is not None)
