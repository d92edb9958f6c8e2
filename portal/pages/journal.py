"""``/journal``: one timeline across region and municipality, with filters, search and "show more"; one entry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.i18n import format_date
from portal.journal.queries import (
    ORIGINS,
    BadFilter,
    EntryDetail,
    JournalFilters,
    JournalPage,
    entry_units,
    get_entry,
    list_entries,
)
from portal.pages import charts
from portal.pages.current import current, page_blueprint, read, settings
from portal.pages.labels import KINDS, words
from portal.pages.params import day_arg, kept_args
from portal.policy.viewer import Viewer
from portal.readmodel.models import EntryKind

blueprint = page_blueprint("journal", __name__, url_prefix="/journal")
PAGE_SIZE = 20
NO_UNITS: list[tuple[str, str | None]] = []


@blueprint.get("")
def index() -> tuple[str, int]:
    """The timeline, newest first; filters and the cursor come as GET parameters, so it works without script."""
    try:
        filters = _filters().check()
        page: JournalPage
        units: list[tuple[str, str | None]]
        page, units = read(lambda tx, viewer: _entries_and_units(tx, viewer, filters),
                           default=(JournalPage([], None), NO_UNITS))
    except BadFilter as error:
        return _page(JournalFilters(), JournalPage([], None), [], error), 400
    return _page(filters, page, units, None), 200


def _entries_and_units(tx: Session, viewer: Viewer, filters: JournalFilters) -> tuple[JournalPage, list]:
    # The units first: listing the entries appends the page's audit row (see ``read``).
    units = entry_units(tx, viewer, settings())
    return list_entries(tx, viewer, settings(), filters, request.args.get("cursor") or None, PAGE_SIZE), units


def _page(filters: JournalFilters, page: JournalPage, units: list, error: BadFilter | None) -> str:
    return render_template(
        "journal/index.html", filters=filters, page=page, units=units, error=error, kinds=words(KINDS),
        origins=ORIGINS, more_args=kept_args(), filtered=any(key != "cursor" for key in request.args),
        continued=bool(request.args.get("cursor")), args=request.args, entry_path=entry_path(),
    )


def entry_path() -> str:
    """What every entry's address starts with, for a list of entries (``entry`` is ``/<entry_id>`` under the
    index): one ``url_for`` per page rather than one per entry; the id goes after it through ``path_segment``."""
    return url_for("journal.index") + "/"


def path_segment(value: str) -> str:
    """``value`` quoted as ``url_for`` quotes a ``string`` route parameter."""
    return quote(value, safe="!$&'()*+,/:;=@")


def _filters() -> JournalFilters:
    args = request.args
    text = (args.get("q") or "").strip()
    return JournalFilters(
        kinds=tuple(kind for kind in args.getlist("kind") if kind), unit=args.get("unit") or None,
        origin=args.get("origin") or None, period_from=day_arg("from"), period_to=day_arg("to"), text=text or None,
    )


@blueprint.get("/<string:entry_id>")
def entry(entry_id: str) -> str:
    """One entry in full, with its provenance; a lab result or growth measurement with a chart of its series."""
    detail = read(lambda tx, viewer: get_entry(tx, viewer, settings(), entry_id))
    return render_template("journal/entry.html", entry=detail, chart=_chart(detail), kinds=KINDS)


def _chart(detail: EntryDetail) -> dict[str, Any] | None:
    if detail.kind == EntryKind.GROWTH:
        birth = current().viewer.subject.birth_date  # type: ignore[union-attr]
        chart = charts.series_chart(detail.series, detail.id, None, None, charts.age_in_years(birth),
                                    lambda years: _("%(years)s years", years=format_decimal(round(years, 1))),
                                    format_decimal)
        return {"chart": chart, "growth": True} if chart else None
    chart = charts.series_chart(
        detail.series, detail.id, detail.reference_low, detail.reference_high, charts.timestamp,
        lambda stamp: format_date(datetime.fromtimestamp(stamp, UTC), "short"), format_decimal,
    )
    return {"chart": chart, "growth": False} if chart else None
