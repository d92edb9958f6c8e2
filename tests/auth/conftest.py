"""Sign-in fixtures: the app with the embedded dev provider, a browser-like client, and a token minter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from portal import db
from portal.auth.provider import OidcClient
from portal.auth.sessions import DEV_COOKIE, session_exists
from portal.config import LOA3, PNR_CLAIM
from portal.demo.personas import by_key
from portal.readmodel.models import Person

ISSUER = "http://localhost/dev-idp"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "dev_idp": True}


@pytest.fixture
def start_login(client: FlaskClient) -> Callable[..., dict[str, str]]:
    """GET /auth/login; returns the authorization request's parameters (state, nonce, ...)."""

    def start(next_path: str | None = None, browser: FlaskClient | None = None) -> dict[str, str]:
        response = (browser or client).get("/auth/login", query_string={"next": next_path} if next_path else None)
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.location).query)
        return {name: values[0] for name, values in query.items()}

    return start


def pick_persona(browser: FlaskClient, key: str, login_path: str = "/auth/login") -> Any:
    """Follow the real flow through the dev provider's picker; returns the callback's response."""
    to_idp = browser.get(login_path)
    picker = browser.get(to_idp.location)
    if picker.status_code == 302:  # the provider remembered us: single sign-on
        return browser.get(picker.location)
    action = re.search(r'action="([^"]+)"', picker.get_data(as_text=True)).group(1).replace("&amp;", "&")
    to_portal = browser.post(action, data={"persona": key})
    assert to_portal.status_code == 302, to_portal.get_data(as_text=True)
    return browser.get(to_portal.location)


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[str], Any]:
    def run(key: str = "anna", browser: FlaskClient | None = None) -> Any:
        return pick_persona(browser or client, key)

    return run


def session_token(browser: FlaskClient) -> str | None:
    cookie = browser.get_cookie(DEV_COOKIE)
    return cookie.value if cookie else None


def has_session(browser: FlaskClient) -> bool:
    token = session_token(browser)
    return bool(token) and session_exists(token)


@pytest.fixture
def add_person(app: Flask) -> Callable[..., Person]:
    def add(key: str = "anna", **fields: Any) -> Person:
        persona = by_key(key)
        person = Person(personnummer=persona.personnummer(date.today()), given_name=persona.given_name,
                        family_name=persona.family_name, birth_date=persona.birth_date(date.today()), **fields)
        with db.transaction() as tx:
            tx.add(person)
        return person

    return add


class Minter:
    """Builds id tokens as the dev provider would, and breaks them one rule at a time."""

    def __init__(self, key: RSAKey) -> None:
        self.key = key

    def claims(self, nonce: str, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "portal", "sub": "devidp-anna", "iat": now, "exp": now + 300,
                  "nonce": nonce, "acr": LOA3, "auth_time": now, "sid": "sid-1", "name": "Anna Lindqvist",
                  PNR_CLAIM: by_key("anna").personnummer(date.today())}
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, claims: dict[str, Any], key: RSAKey | None = None, **header: Any) -> str:
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid, **header}, claims, key, algorithms=["RS256", "PS256"])

    def unsigned(self, claims: dict[str, Any]) -> str:
        return f"{_b64({'alg': 'none'})}.{_b64(claims)}."

    def hs256_with_public_key(self, claims: dict[str, Any]) -> str:
        signing_input = f"{_b64({'alg': 'HS256', 'kid': self.key.kid})}.{_b64(claims)}"
        secret = self.key.as_pem(private=False)
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@pytest.fixture
def minter(app: Flask) -> Minter:
    return Minter(app.extensions["devidp"].key)


@pytest.fixture
def provider_returns(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make the token endpoint answer with the given id token (the rest of the flow stays real)."""

    def install(id_token: str, userinfo: dict[str, Any] | None = None) -> None:
        monkeypatch.setattr(OidcClient, "fetch_access_token",
                            lambda self, **kwargs: {"access_token": "at", "token_type": "Bearer", "id_token": id_token})
        if userinfo is not None:
            monkeypatch.setattr(OidcClient, "userinfo", lambda self, **kwargs: userinfo)

    return install
