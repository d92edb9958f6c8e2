"""The user's language: Swedish by default, English on request (``?lang=en``, remembered in a cookie).

Strings are English msgids marked with ``gettext``/``_`` in code and templates; flask-babel translates them from
``portal/translations/sv/LC_MESSAGES/messages.po`` (compiled to ``.mo``, committed; ``make translations``
extracts and compiles again). ``pick`` still serves the small ``{"sv": ..., "en": ...}`` tables of sign-in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel, get_translations

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
COOKIE = "lang"
TIMEZONE = "Europe/Stockholm"
TRANSLATIONS = "_portal_translations"


def language() -> str:
    """The language of this request: the ``lang`` parameter, else the cookie, else Swedish."""
    if not has_request_context():
        return DEFAULT
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


def _translations() -> NullTranslations:
    """This request's catalogue, looked up once: flask-babel looks it up again for every string a template shows."""
    found = g.get(TRANSLATIONS)
    if found is None:
        found = g.setdefault(TRANSLATIONS, get_translations())
    return found  # type: ignore[no-any-return]


def _install_template_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=language, default_locale=DEFAULT, default_timezone=TIMEZONE)
    _install_template_gettext(app)
    app.context_processor(lambda: {"lang": language(), "other_lang": other_language(),
                                   "switch_language_url": switch_language_url, "possessive": possessive})
    app.after_request(_remember_choice)
    # flask-babel caches the locale on ``g``; an app context that outlives one request (tests) must not keep it.
    app.before_request(_forget_cached_locale)
