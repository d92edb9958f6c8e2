"""The user's language: Swedish by default, English on request (``?lang=en``, remembered in a cookie).

Strings are English msgids marked with ``gettext``/``_`` in code and templates; flask-babel translates them from
``portal/translations/sv/LC_MESSAGES/messages.po`` (compiled to ``.mo``, committed; ``make translations``
extracts and compiles again). ``pick`` still serves the small ``{"sv": ..., "en": ...}`` tables of sign-in.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Any
from urllib.parse import urlencode

from babel import Locale, dates
from babel.support import NullTranslations
from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel, Domain, get_locale, get_timezone

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
COOKIE = "lang"
TIMEZONE = "Europe/Stockholm"
TRANSLATIONS = "_portal_translations"
FORMATTING = "portal.date_formatting"
LANGUAGE = "portal.language"


def language() -> str:
    """The language of this request: the ``lang`` parameter, else the cookie, else Swedish. Worked out once per
    request: a page asks for it once per label it translates."""
    if not has_request_context():
        return DEFAULT
    found = request.environ.get(LANGUAGE)
    if found is None:
        found = request.environ[LANGUAGE] = _asked_language()
    return found  # type: ignore[no-any-return]


def _asked_language() -> str:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    return remembered if remembered in LANGUAGES else DEFAULT


def pick(texts: dict[str, dict[str, str]], key: str) -> str:
    """One string from a ``{"sv": {...}, "en": {...}}`` table in the current language."""
    return texts[language()].get(key) or texts[DEFAULT][key]


def possessive(name: str) -> str:
    """A name as an owner: "Lisas" / "Lisa's"; Swedish adds no s after s, x or z ("Nils uppgifter")."""
    if language() == "en":
        return f"{name}'" if name.endswith("s") else f"{name}'s"
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def other_language() -> str:
    return "en" if language() == "sv" else "sv"


def switch_language_url() -> str:
    """This page again in the other language (GET parameters kept, ``cursor`` too)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", other_language()))
    return f"{request.path}?{urlencode(args)}"


def _remember_choice(response: Response) -> Response:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _forget_cached_locale() -> None:
    g.pop("_flask_babel", None)
    g.pop(TRANSLATIONS, None)


class _RequestDomain(Domain):
    """flask-babel finds the request's catalogue again for every string it translates (a page has hundreds):
    this domain finds it once per request."""

    def get_translations(self) -> NullTranslations:
        if not has_request_context():
            return super().get_translations()  # type: ignore[no-any-return]
        found = g.get(TRANSLATIONS)
        if found is None:
            found = g.setdefault(TRANSLATIONS, super().get_translations())
        return found  # type: ignore[no-any-return]


def _translate_templates_with(app: Flask, domain: _RequestDomain) -> None:
    """The templates' ``_()`` straight from the request's catalogue: flask-babel's own callables first look for
    its domain on ``g`` again, for each of the many strings of a page."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def _formatting() -> tuple[Locale, tzinfo]:
    """This request's locale and time zone, looked up once (flask-babel looks them up again for every date)."""
    found = request.environ.get(FORMATTING)
    if found is None:
        found = request.environ[FORMATTING] = (get_locale(), get_timezone())
    return found  # type: ignore[no-any-return]


def format_date(value: date, format: str = "medium") -> str:
    """flask-babel's ``dateformat``: an instant's date where the user is (Stockholm), in their language."""
    locale, zone = _formatting()
    if isinstance(value, datetime):
        value = _in_zone(value, zone)
    return dates.format_date(value, format, locale=locale)


def format_datetime(value: datetime, format: str = "medium") -> str:
    locale, zone = _formatting()
    return dates.format_datetime(value, format, tzinfo=zone, locale=locale)


def format_time(value: time | datetime, format: str = "medium") -> str:
    locale, zone = _formatting()
    return dates.format_time(value, format, tzinfo=zone, locale=locale)


def _in_zone(value: datetime, zone: Any) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dates.UTC)
    return aware.astimezone(zone)


def init_app(app: Flask) -> None:
    babel = Babel(app, locale_selector=language, default_locale=DEFAULT, default_timezone=TIMEZONE)
    domain = babel.__dict__["domain_instance"] = _RequestDomain()  # a cached_property flask-babel reads
    _translate_templates_with(app, domain)
    app.jinja_env.filters.update(dateformat=format_date, datetimeformat=format_datetime, timeformat=format_time)
    app.context_processor(lambda: {"lang": language(), "other_lang": other_language(),
                                   "switch_language_url": switch_language_url, "possessive": possessive})
    app.after_request(_remember_choice)
    # flask-babel caches the locale on ``g``; an app context that outlives one request (tests) must not keep it.
    app.before_request(_forget_cached_locale)
