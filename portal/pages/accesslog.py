"""``/access-log``: who read the record, when, what and how; filtered by period and by who."""

from __future__ import annotations

from flask import render_template, request

from portal.accesslog.queries import AccessLogPage, access_log
from portal.journal.queries import BadFilter
from portal.pages.current import page_blueprint, read, settings
from portal.pages.labels import MODES
from portal.pages.params import day_arg, kept_args

blueprint = page_blueprint("accesslog", __name__, url_prefix="/access-log")
PAGE_SIZE = 50


@blueprint.get("")
def index() -> tuple[str, int]:
    """Newest first; one's own eyes only (the policy refuses proxies and support)."""
    args = request.args
    who = args.get("who") if args.get("who") in MODES else None
    try:
        period_from, period_to = day_arg("from"), day_arg("to")
        page = read(lambda tx, viewer: access_log(
            tx, viewer, settings(), period_from, period_to, who, args.get("cursor") or None, PAGE_SIZE,
        ), default=AccessLogPage([], None))
    except BadFilter as error:
        return _render(AccessLogPage([], None), error), 400
    return _render(page, None), 200


def _render(page: AccessLogPage, error: BadFilter | None) -> str:
    return render_template("accesslog/index.html", page=page, error=error, modes=MODES, args=request.args,
                           more_args=kept_args())

