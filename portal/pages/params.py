"""Reading the GET parameters of list pages: dates as the user typed them, and the ones "show more" keeps."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _

from portal.journal.queries import BadFilter


def day_arg(name: str) -> date | None:
    """An ISO date parameter; a wrong one is a BadFilter naming it, shown next to the form."""
    raw = (request.args.get(name) or "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise BadFilter(name, _("Write the date as YYYY-MM-DD.")) from None


def kept_args() -> list[tuple[str, str]]:
    """The filters to carry to the next page (not the cursor, not the language, which the cookie keeps)."""
    return [(key, value) for key, value in request.args.items(multi=True) if key not in ("cursor", "lang")]
