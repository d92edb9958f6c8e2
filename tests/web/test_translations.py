"""Every string the pages can show has a Swedish translation, and the compiled catalog matches its source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from portal.i18n import pick, possessive

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "portal" / "translations" / "sv" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _extracted() -> set[str]:
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle, locale="sv")


def test_every_msgid_in_code_and_templates_has_a_swedish_translation():
    catalog = _catalog()
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalog
        if message.id and all(message.string if isinstance(message.string, tuple) else [message.string])
        and not message.fuzzy
    }
    missing = sorted(_extracted() - translated)
    assert missing == [], f"run `make translations` and translate: {missing}"


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)
    source = _catalog()
    assert _pairs(compiled) == _pairs(source)


def _pairs(catalog) -> dict:
    def flat(value):  # type: ignore[no-untyped-def]
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {flat(message.id): flat(message.string) for message in catalog if message.id}


def test_sign_in_texts_still_pick_by_language(app):
    table = {"sv": {"hello": "Hej"}, "en": {"hello": "Hello"}}
    with app.test_request_context("/?lang=en"):
        assert pick(table, "hello") == "Hello"
    with app.test_request_context("/"):
        assert pick(table, "hello") == "Hej"


def test_possessive_names_in_both_languages(app):
    with app.test_request_context("/"):
        assert (possessive("Lisa"), possessive("Nils"), possessive("Max")) == ("Lisas", "Nils", "Max")
    with app.test_request_context("/?lang=en"):
        assert (possessive("Lisa"), possessive("Nils")) == ("Lisa's", "Nils'")


def test_sign_in_error_page_is_still_translated(client):
    assert "Inloggningen misslyckades" in client.get("/auth/callback?state=x").get_data(as_text=True)
    assert "Sign-in failed" in client.get("/auth/callback?state=x&lang=en").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_date_filters_write_what_flask_babel_writes(app, lang):
    """The portal's date filters look the locale and time zone up once per request; the text is flask-babel's."""
    import flask_babel

    from portal import i18n

    instants = [datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
                datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
                datetime(2026, 6, 1, 12, 0)]  # the last one naive: read as UTC, as flask-babel does
    with app.test_request_context(f"/?lang={lang}"):
        for moment in instants:
            for style in ("short", "medium", "long", "full"):
                assert i18n.format_date(moment, style) == flask_babel.format_date(moment, style)
                assert i18n.format_date(moment.date(), style) == flask_babel.format_date(moment.date(), style)
            for pattern in ("EEEE d MMMM y, HH:mm", "d MMM y, HH:mm", "HH:mm", "medium"):
                assert i18n.format_datetime(moment, pattern) == flask_babel.format_datetime(moment, pattern)
            assert i18n.format_time(moment, "HH:mm") == flask_babel.format_time(moment, "HH:mm")
        assert i18n.format_date(instants[3], "long") == ("1 januari 2027" if lang == "sv" else "January 1, 2027")
