"""Who the bench reads as: real bearer access tokens and real server-side sessions for sample persons.

Tokens are RFC 9068 access tokens signed with the embedded dev provider's own key (the file in the instance
folder), with its issuer for the bench's host and the API audience and scope; the portal checks them in full
(JWKS from the provider's discovery, pinned algorithm, issuer, audience, times, scope, personnummer claim).
Sessions are made by the portal's own ``sign_in`` and stored by its session interface, as after a real sign-in.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import date

from flask import Flask, Response, session
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import text

from bench.common import GENERATED_ON
from portal.identity.personnummer import is_valid

TOKEN_SECONDS = 7200  # longer than the dev provider's 600 s: a --full run lasts longer than that


@dataclass(frozen=True)
class Sample:
    """One person the bench reads as, with their credentials and ids for the floor."""

    person_id: int
    public_id: str
    token: str
    cookie: str
    entry_id: str


def _adults(app: Flask, count: int) -> list[dict]:
    from portal import db

    youngest = date(GENERATED_ON.year - 20, 1, 1)
    oldest = date(GENERATED_ON.year - 64, 1, 1)
    rows = db.session().execute(text(
        "SELECT id, public_id, personnummer, given_name, family_name FROM person "
        "WHERE deceased = :no AND protected_identity = :no AND is_coordination_number = :no "
        "AND birth_date BETWEEN :oldest AND :youngest ORDER BY id"),
        {"no": False, "oldest": oldest, "youngest": youngest}).mappings().all()
    rows = [row for row in rows if is_valid(row["personnummer"])]  # copies past the demo's numbers cannot sign in
    step = max(len(rows) // count, 1)
    return [dict(row) for row in rows[::step][:count]]


def samples(app: Flask, issuer: str, count: int = 32) -> list[Sample]:
    """``count`` adults spread over the whole population (copies included), each with a token and a session."""
    from portal import db

    with app.app_context():
        key = _signing_key(app)
        found = []
        for person in _adults(app, count):
            entry = db.session().execute(text(
                "SELECT public_id FROM journal_entry WHERE person_id = :p ORDER BY effective_at DESC LIMIT 1"),
                {"p": person["id"]}).scalar()
            found.append(Sample(person["id"], person["public_id"], _token(app, key, issuer, person),
                                _cookie(app, person), entry or ""))
        db.session().close()
    return found


def _signing_key(app: Flask) -> RSAKey:
    from portal.devidp.keys import FILE_NAME

    with open(os.path.join(app.instance_path, FILE_NAME), encoding="utf-8") as handle:
        return RSAKey.import_key(json.load(handle))


def _token(app: Flask, key: RSAKey, issuer: str, person: dict) -> str:
    settings = app.config["SETTINGS"]
    now = int(time.time())
    claims = {
        "iss": issuer, "aud": settings.api_audience, "sub": f"bench-{person['public_id']}", "client_id": "portal",
        "iat": now, "exp": now + TOKEN_SECONDS, "jti": uuid.uuid4().hex, "auth_time": now, "scope": settings.api_scope,
        "acr": settings.oidc_min_acr, "name": f"{person['given_name']} {person['family_name']}",
        settings.oidc_pnr_claim: person["personnummer"],
    }
    header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid or ""}
    return jwt.encode(header, claims, key)


def _cookie(app: Flask, person: dict) -> str:
    """A session stored by the portal's session interface after its ``sign_in``: the cookie's name=value."""
    from portal.auth.users import sign_in

    record = {"sub": f"bench-{person['public_id']}", "person_id": person["public_id"],
              "name": f"{person['given_name']} {person['family_name']}", "roles": [], "id_token": "",
              "sid": None, "auth_time": int(time.time())}
    with app.test_request_context("/"):
        sign_in(record)
        response = Response()
        app.session_interface.save_session(app, session, response)
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    return cookie
