"""Rate limits on the sign-in callback, back-channel logout, ingestion and the support steps: 429 with Retry-After,
in the asker's terms; a forged X-Forwarded-For starts no new count unless a trusted proxy is configured."""

from __future__ import annotations

import time

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.security.limits import LIMITS, Rule
from tests.security.conftest import bearer, ingest_token


@pytest.fixture
def tight(monkeypatch):
    def set_limit(endpoint: str, limit: str = "2/minute") -> None:
        monkeypatch.setitem(LIMITS, endpoint, Rule(limit, per_user=LIMITS[endpoint].per_user))
        _clear_of_a_minutes_end()

    return set_limit


def _clear_of_a_minutes_end() -> None:
    # The sliding window counter weighs the last minute's hits by how much of it is left: requests that straddle
    # a minute's end count a little less than all of them, and a third request could pass (it did, once).
    into_minute = time.time() % 60
    if into_minute > 55:
        time.sleep(60.1 - into_minute)


def test_every_protected_step_has_a_limit():
    assert {"auth.callback", "auth.backchannel_logout", "ingest.ingest_fhir", "support.help_code",
            "support.console_start"} <= set(LIMITS)


def test_sign_in_callback_answers_429_with_retry_after(client, tight):
    tight("auth.callback")
    statuses = [client.get("/auth/callback?state=x&code=y").status_code for _ in range(3)]
    assert statuses[:2] == [400, 400]
    assert statuses[2] == 429
    response = client.get("/auth/callback?state=x&code=y")
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_a_forged_forwarded_for_does_not_start_a_new_count(client, tight):
    tight("auth.callback")
    statuses = [client.get("/auth/callback", headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(3)]
    assert statuses[-1] == 429


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(app_config, tight):
    tight("auth.callback")
    app = create_app({**app_config, "trusted_proxy_count": 1})
    client = app.test_client()
    statuses = [client.get("/auth/callback", headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(4)]
    assert 429 not in statuses
    again = [client.get("/auth/callback", headers={"X-Forwarded-For": "10.0.0.9"}).status_code for _ in range(3)]
    assert again[-1] == 429


def test_back_channel_logout_counts_refused_tokens(client, tight):
    tight("auth.backchannel_logout")
    statuses = [client.post("/auth/backchannel-logout", data={"logout_token": "x"}).status_code for _ in range(4)]
    assert statuses[:2] == [400, 400]
    assert statuses[-1] == 429


def test_ingestion_answers_429_as_an_operation_outcome(client, tight):
    tight("ingest.ingest_fhir")
    token = ingest_token(client)
    for _ in range(2):
        client.post("/ingest/fhir", data=b"{}", headers=bearer(token))
    response = client.post("/ingest/fhir", data=b"{}", headers=bearer(token))
    assert response.status_code == 429
    assert response.mimetype == "application/fhir+json"
    assert response.get_json()["issue"][0]["code"] == "throttled"
    assert int(response.headers["Retry-After"]) >= 1


def test_an_api_limit_answers_problem_json(app_config, monkeypatch):
    monkeypatch.setitem(LIMITS, "api.Me", Rule("1/minute"))
    app = create_app(app_config)
    client = app.test_client()
    client.get("/api/v1/me")
    response = client.get("/api/v1/me")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429
    assert "Retry-After" in response.headers


@pytest.mark.parametrize("endpoint", ["support.help_code", "support.console_start"])
def test_support_steps_are_limited_by_endpoint_name_whenever_they_exist(app_config, tight, endpoint):
    tight(endpoint)
    app = create_app(app_config)
    if endpoint not in app.view_functions:  # the support pages register it; until then, a stand-in of that name
        app.add_url_rule(f"/stand-in/{endpoint}", endpoint, lambda: "ok", methods=["POST"])
    path = next(rule.rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    client = app.test_client()
    statuses = [client.post(path).status_code for _ in range(3)]
    assert statuses[-1] == 429


def test_signed_in_people_are_counted_one_by_one(app, tight, make, login_as):
    tight("support.help_code")
    anna, erik = make.person("Anna", "Lindqvist", age=45), make.person("Erik", "Johansson", age=41)
    make.session.commit()
    first, second = app.test_client(), app.test_client()  # the same address, two people
    login_as(first, anna)
    login_as(second, erik)
    assert [first.post("/help/code").status_code for _ in range(3)][-1] == 429
    assert second.post("/help/code").status_code != 429


def test_production_needs_a_shared_rate_limit_storage(app_config):
    production = {**app_config, "env": "production", "secret_key": "p" * 40, "dev_idp": False,
                  "oidc_issuer": "https://idp.example.se"}
    for url in ("", "memory://"):
        with pytest.raises(ConfigError, match="PORTAL_RATELIMIT_STORAGE_URL"):
            create_app({**production, "ratelimit_storage_url": url})
    assert create_app({**production, "ratelimit_storage_url": "redis://127.0.0.1:1/0"})


def test_an_unknown_storage_is_refused_at_start(app_config):
    with pytest.raises(ConfigError, match="PORTAL_RATELIMIT_STORAGE_URL"):
        create_app({**app_config, "ratelimit_storage_url": "carrier-pigeon://loft"})
