"""The user's language: Swedish by default, English on request (``?lang=en``, remembered in a cookie).

Only the choice of language lives here; pages keep their strings in small per-language dicts. flask-babel can be
layered on top later with ``locale_selector=language``.
"""

from __future__ import annotations

from flask import Flask, Response, request

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
COOKIE = "lang"


def language() -> str:
    """The language of this request: the ``lang`` parameter, else the cookie, else Swedish."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    return remembered if remembered in LANGUAGES else DEFAULT


def pick(texts: dict[str, dict[str, str]], key: str) -> str:
    """One string from a ``{"sv": {...}, "en": {...}}`` table in the current language."""
    return texts[language()].get(key) or texts[DEFAULT][key]


def _remember_choice(response: Response) -> Response:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"lang": language()})
    app.after_request(_remember_choice)
