"""The API and ingestion behind bearer access tokens: real tokens from the dev provider, and forged ones refused."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from portal.config import PNR_CLAIM, PNR_SCOPE
from portal.devidp.clients import EHR_CLIENT_ID, EHR_CLIENT_SECRET, portal_client_secret
from portal.readmodel.models import CancelRequest, Person
from tests.auth.conftest import ISSUER
from tests.factories import NOW


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "dev_idp": True}


@pytest.fixture
def citizen(make):
    person = make.person("Anna", "Lindqvist", age=45)
    make.appointment(person, "Provtagning", start=NOW.replace(year=2099))
    make.session.commit()
    return person


def mint(app, person: Person | None = None, key=None, **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": app.config["SETTINGS"].api_audience, "sub": "pairwise-123",
              "client_id": "portal", "scope": f"openid portal {PNR_SCOPE}", "iat": now, "exp": now + 300,
              "jti": "t1", PNR_CLAIM: person.personnummer if person else None}
    claims.update(changes)
    signing = key or app.extensions["devidp"].key
    return jwt.encode({"alg": "RS256", "kid": signing.kid, "typ": "at+jwt"}, claims, signing)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_real_code_flow_token_opens_the_api(client, app, citizen):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://localhost/auth/callback"
    picker = client.get("/dev-idp/authorize", query_string={
        "client_id": "portal", "response_type": "code", "redirect_uri": redirect, "state": "s1", "nonce": "n1",
        "scope": f"openid portal {PNR_SCOPE}", "code_challenge": challenge, "code_challenge_method": "S256"})
    action = re.search(r'action="([^"]+)"', picker.get_data(as_text=True)).group(1).replace("&amp;", "&")
    back = client.post(action, data={"persona": "anna"})
    code = parse_qs(urlsplit(back.location).query)["code"][0]
    basic = base64.b64encode(f"portal:{portal_client_secret()}".encode()).decode()
    token = client.post("/dev-idp/token", headers={"Authorization": f"Basic {basic}"}, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier,
    }).get_json()["access_token"]
    fresh = app.test_client()
    me = fresh.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.get_data(as_text=True)


def test_bearer_token_reads_the_record_of_its_person(app, citizen):
    response = app.test_client().get(f"/api/v1/subjects/{citizen.public_id}/appointments",
                                     headers=bearer(mint(app, citizen)))
    assert response.status_code == 200
    assert response.get_json()["upcoming"][0]["title"] == "Provtagning"


def test_bearer_token_may_ask_to_cancel(app, citizen, make):
    client = app.test_client()
    token = mint(app, citizen)
    upcoming = client.get(f"/api/v1/subjects/{citizen.public_id}/appointments", headers=bearer(token))
    appointment = upcoming.get_json()["upcoming"][0]
    response = client.post(f"/api/v1/subjects/{citizen.public_id}/appointments/{appointment['id']}/cancel-request",
                           json={"reason": "Förkyld"}, headers=bearer(token))
    assert response.status_code == 202
    assert response.get_json()["cancel_requested"] is True
    assert make.session.scalar(select(func.count()).select_from(CancelRequest)) == 1
    make.session.commit()
    listed = client.get(f"/api/v1/subjects/{citizen.public_id}/appointments", headers=bearer(token))
    again = listed.get_json()["upcoming"][0]
    assert again["cancel_requested"] is True and again["can_request_cancel"] is False


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("wrong audience", {"aud": "someone-else"}),
        ("wrong issuer", {"iss": "http://evil/dev-idp"}),
        ("expired", {"exp": int(time.time()) - 120}),
        ("no api scope", {"scope": "openid"}),
        ("no personnummer", {PNR_CLAIM: None}),
    ],
)
def test_forged_or_wrong_tokens_are_refused(app, citizen, case, changes):
    response = app.test_client().get("/api/v1/me", headers=bearer(mint(app, citizen, **changes)))
    assert response.status_code == 401, case
    assert response.mimetype == "application/problem+json"
    assert re.search(r'error="?invalid_token', response.headers["WWW-Authenticate"])


def test_token_signed_by_another_key_is_refused(app, citizen):
    stranger = RSAKey.generate_key(2048, parameters={"kid": app.extensions["devidp"].key.kid})
    response = app.test_client().get("/api/v1/me", headers=bearer(mint(app, citizen, key=stranger)))
    assert response.status_code == 401


def test_unsigned_token_is_refused(app, citizen):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    token = mint(app, citizen)
    body = token.split(".")[1]
    response = app.test_client().get("/api/v1/me", headers=bearer(f"{header}.{body}."))
    assert response.status_code == 401


def ingest_token(client, scope: str = "ingest") -> str:
    basic = base64.b64encode(f"{EHR_CLIENT_ID}:{EHR_CLIENT_SECRET}".encode()).decode()
    response = client.post("/dev-idp/token", data={"grant_type": "client_credentials", "scope": scope},
                           headers={"Authorization": f"Basic {basic}"})
    return response.get_json()["access_token"]


PATIENT = {
    "resourceType": "Patient", "id": "p1", "meta": {"versionId": "1"},
    "identifier": [{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "198001019804"}],
    "name": [{"family": "Ek", "given": ["Sven"]}], "birthDate": "1980-01-01",
}


def test_ingest_accepts_a_client_credentials_token_with_scope_ingest(client, make):
    token = ingest_token(client)
    response = client.post("/ingest/fhir", data=json.dumps(PATIENT), headers={**bearer(token),
                           "Content-Type": "application/fhir+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    assert make.session.scalar(select(Person.given_name)) == "Sven"


def test_ingest_refuses_a_person_token(app, citizen):
    response = app.test_client().post("/ingest/fhir", data=json.dumps(PATIENT), headers=bearer(mint(app, citizen)))
    assert response.status_code == 401
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_ingest_answers_413_past_its_limit(app_config, client):
    from portal import create_app

    small = create_app({**app_config, "ingest_max_bytes": 1000})
    tester = small.test_client()
    token = ingest_token(tester)
    response = tester.post("/ingest/fhir", data=b"[" + b" " * 5000 + b"]", headers=bearer(token))
    assert response.status_code == 413
    assert response.get_json()["resourceType"] == "OperationOutcome"



def test_a_token_accepted_once_is_still_refused_when_it_expires(app, citizen, monkeypatch):
    """The signature of a token is checked once and remembered; its times are checked again on every use."""
    from portal import clock

    token = mint(app, citizen, exp=int(time.time()) + 120)
    client = app.test_client()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    later = datetime.now(UTC) + timedelta(seconds=120 + 61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
