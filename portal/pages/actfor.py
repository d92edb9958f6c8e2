"""``/act-for``: switch between one's own record and the people one may act for (DESIGN.md section 2).

Switching is decided by the policy, gives the browser a new session id and is audited. A request for someone the
user may not act for (a child with protected identity, a blocked guardian, an id that does not exist) answers the
same 404, after the same work, and is audited as refused.
"""

from __future__ import annotations

from flask import redirect, request, session, url_for
from werkzeug.wrappers import Response

from portal import clock, db
from portal.audit.log import Action, record
from portal.auth.sessions import rotate_session
from portal.pages.current import ACTING_FOR, current, page_blueprint, settings
from portal.policy.access import NotFound, viewer_for
from portal.policy.viewer import Mode

blueprint = page_blueprint("actfor", __name__)
MAX_ID = 64


@blueprint.post("/act-for")
def switch() -> Response:
    """Look at another person's record (or one's own again) from the next page on."""
    actor = current().actor
    wanted = (request.form.get("subject") or "")[:MAX_ID]
    try:
        with db.transaction() as tx:
            viewer = viewer_for(tx, actor, wanted, settings(), clock.now(), "web")
            record(tx, Action.SWITCH, actor, channel="web", subject_id=viewer.subject.public_id, mode=viewer.mode,
                   resource="act_for")
    except NotFound:
        with db.transaction() as tx:
            record(tx, Action.REFUSED, actor, channel="web", subject_id=wanted or None, resource="act_for",
                   outcome="not_found")
        raise
    if viewer.mode == Mode.SELF:
        session.pop(ACTING_FOR, None)
    else:
        session[ACTING_FOR] = viewer.subject.public_id
    rotate_session()
    return redirect(url_for("home.start"))
