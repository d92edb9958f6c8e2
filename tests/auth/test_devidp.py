"""The embedded dev provider: real OIDC, development and test only, and the personas' sign-in through it."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from sqlalchemy import select, update

from portal import create_app, db
from portal.audit.models import AuditEvent
from portal.config import ConfigError, Settings
from portal.demo.personas import PERSONAS
from portal.devidp.clients import EHR_CLIENT_ID, EHR_CLIENT_SECRET
from portal.readmodel.models import Person
from tests.auth.conftest import has_session, pick_persona

ISSUER = "http://localhost/dev-idp"


def auth_record(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get("auth") or {})


def test_discovery_names_its_issuer_and_endpoints(client):
    metadata = client.get("/dev-idp/.well-known/openid-configuration").get_json()
    assert metadata["issuer"] == ISSUER
    assert metadata["jwks_uri"] == ISSUER + "/jwks"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["end_session_endpoint"] == ISSUER + "/end-session"


def test_jwks_serves_one_public_rs256_key(client):
    keys = client.get("/dev-idp/jwks").get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["kid"]
    assert "d" not in keys[0]


def test_signing_key_is_kept_in_the_instance_folder(app, tmp_path):
    again = create_app({**_config(app), "dev_idp": True})
    assert again.extensions["devidp"].key.kid == app.extensions["devidp"].key.kid


def _config(app) -> dict:
    settings = app.config["SETTINGS"]
    return {"env": settings.env, "secret_key": settings.secret_key, "database_url": settings.database_url}


def test_picker_lists_every_persona_that_can_sign_in(client):
    to_idp = client.get("/auth/login")
    page = client.get(to_idp.location).get_data(as_text=True)
    for persona in PERSONAS:
        assert (f'value="{persona.key}"' in page) == persona.login
    assert "Supportpersonal" in page


def test_picker_speaks_english_when_asked(client):
    to_idp = client.get("/auth/login?lang=en")
    assert "Support agent" in client.get(to_idp.location + "&lang=en").get_data(as_text=True)


def test_happy_path_signs_in_with_a_new_session_and_the_persona_name(client, add_person):
    person = add_person("anna")
    response = pick_persona(client, "anna")
    assert response.status_code == 302 and response.location == "/start"
    page = client.get("/start").get_data(as_text=True)
    assert "Välkommen, Anna Lindqvist" in page
    assert auth_record(client)["person_id"] == person.public_id
    assert has_session(client)


def test_person_without_records_still_signs_in_to_an_empty_portal(client):
    pick_persona(client, "oskar")
    page = client.get("/start").get_data(as_text=True)
    assert "Välkommen, Oskar Johansson" in page and "inga uppgifter" in page


def test_deceased_person_cannot_sign_in(client, add_person):
    add_person("anna", deceased=True)
    response = pick_persona(client, "anna")
    assert response.status_code == 403
    assert "Det går inte att logga in" in response.get_data(as_text=True)
    assert not has_session(client)


def test_support_persona_gets_the_support_role(client):
    pick_persona(client, "stina")
    record = auth_record(client)
    assert record["roles"] == ["support"]
    assert record["person_id"] is None and record["sub"] == "devidp-stina"
    assert record["sid"] and record["auth_time"] and record["login_at"] and record["id_token"]


def test_citizen_has_no_roles(client):
    pick_persona(client, "anna")
    assert auth_record(client)["roles"] == []


def test_provider_uses_its_own_cookie_name(client):
    to_idp = client.get("/auth/login")
    picker = client.get(to_idp.location)
    action = re.search(r'action="([^"]+)"', picker.get_data(as_text=True)).group(1).replace("&amp;", "&")
    answer = client.post(action, data={"persona": "anna"})
    names = [header.split("=", 1)[0] for header in answer.headers.getlist("Set-Cookie")]
    assert names == ["devidp_session"]


def test_single_sign_on_until_logout_at_the_provider(client):
    pick_persona(client, "anna")
    to_idp = client.get("/auth/login?next=/start")
    assert to_idp.status_code == 302  # already signed in at the portal
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/start").get_data(as_text=True)).group(1)
    to_end = client.post("/auth/logout", data={"csrf_token": csrf})
    query = parse_qs(urlsplit(to_end.location).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/"] and query["state"]
    back = client.get(to_end.location)
    assert back.status_code == 302 and back.location.startswith("http://localhost/?state=")
    picker = client.get(client.get("/auth/login").location)
    assert picker.status_code == 200 and 'value="anna"' in picker.get_data(as_text=True)


def test_authorize_without_pkce_is_refused(client):
    response = client.get("/dev-idp/authorize", query_string={
        "response_type": "code", "client_id": "portal", "redirect_uri": "http://localhost/auth/callback",
        "scope": "openid", "state": "s", "nonce": "n"})
    assert response.status_code in (302, 400)
    assert "code=" not in (response.location or "")


def test_authorize_with_a_foreign_redirect_uri_is_refused(client):
    response = client.get("/dev-idp/authorize", query_string={
        "response_type": "code", "client_id": "portal", "redirect_uri": "https://evil/cb", "scope": "openid",
        "state": "s", "nonce": "n", "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert response.status_code == 400


def test_client_credentials_give_an_ingest_access_token_for_the_api_audience(client, app):
    basic = base64.b64encode(f"{EHR_CLIENT_ID}:{EHR_CLIENT_SECRET}".encode()).decode()
    response = client.post("/dev-idp/token", data={"grant_type": "client_credentials", "scope": "ingest"},
                           headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    token = response.get_json()["access_token"]
    claims = jwt.decode(token, app.extensions["devidp"].key, algorithms=["RS256"]).claims
    assert claims["aud"] == app.config["SETTINGS"].api_audience
    assert claims["scope"] == "ingest" and claims["sub"] == EHR_CLIENT_ID and claims["iss"] == ISSUER


def test_client_credentials_with_a_wrong_secret_are_refused(client):
    basic = base64.b64encode(f"{EHR_CLIENT_ID}:wrong".encode()).decode()
    response = client.post("/dev-idp/token", data={"grant_type": "client_credentials", "scope": "ingest"},
                           headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 401


def test_code_is_single_use(client, monkeypatch):
    from portal.auth.provider import OidcClient

    codes: list[str] = []
    original = OidcClient.fetch_access_token

    def spy(self, **kwargs):
        codes.append(kwargs["code"])
        return original(self, **kwargs)

    monkeypatch.setattr(OidcClient, "fetch_access_token", spy)
    pick_persona(client, "anna")
    verifier = hashlib.sha256(b"x").hexdigest()
    replay = client.post("/dev-idp/token", data={
        "grant_type": "authorization_code", "code": codes[0], "redirect_uri": "http://localhost/auth/callback",
        "code_verifier": verifier, "client_id": "portal"})
    assert replay.status_code in (400, 401)


def test_dev_provider_refuses_production():
    settings = Settings(env="production", secret_key="x" * 40, oidc_issuer="https://idp.example")
    object.__setattr__(settings, "dev_idp", True)
    with pytest.raises(ConfigError):
        create_app(settings)


def test_config_refuses_dev_provider_in_production():
    with pytest.raises(ConfigError):
        Settings.from_env({}, env="production", secret_key="x" * 40, dev_idp=True, oidc_issuer="https://idp.example")


def test_dev_provider_is_off_without_the_setting(app_config):
    app = create_app({**app_config, "dev_idp": False})
    assert "devidp" not in app.extensions
    assert app.test_client().get("/dev-idp/jwks").status_code == 404


def test_an_open_session_ends_when_the_read_model_learns_of_the_persons_death(client, add_person):
    anna = add_person("anna")
    pick_persona(client, "anna")
    assert client.get("/journal").status_code == 200
    with db.transaction() as tx:
        tx.execute(update(Person).where(Person.id == anna.id).values(deceased=True))
    response = client.get("/journal")
    assert response.status_code == 403
    assert "Det går inte att logga in med den här identiteten." in response.get_data(as_text=True)
    assert not has_session(client)
    assert "/auth/login" in client.get("/start").location
    audited = db.session().execute(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_id)
                                   .order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert sorted(audited) == [("logout", "ok", anna.public_id), ("refused", "not_allowed", None)]
