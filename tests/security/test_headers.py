"""Headers on every response: CSP with a fresh nonce, no sniffing or framing, HSTS in production, no caching of
anything signed in, Clear-Site-Data on sign-out; CORS only for the configured origins and only on the API."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from portal import create_app
from portal.config import ConfigError, Settings
from tests.security.conftest import bearer, mint
from tests.web.conftest import csrf

PRODUCTION = {"env": "production", "secret_key": "p" * 40, "dev_idp": False, "oidc_issuer": "https://idp.example.se",
              "ratelimit_storage_url": "redis://127.0.0.1:1/0"}


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split("; ")}


@pytest.fixture
def anna(make):
    person = make.person("Anna", "Lindqvist", age=45)
    make.session.commit()
    return person


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/me", "/api/v1/openapi.json", "/no-such-page",
                                  "/api/v1/no-such-thing", "/static/portal.css", "/dev-idp/jwks"])
def test_every_response_carries_the_protective_headers(client, path):
    response = client.get(path)
    found = directives(response)
    assert found["frame-ancestors"] == "'none'"
    assert found["base-uri"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # tests and development run on plain http


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/dev-idp/authorize"])
def test_a_page_may_load_its_own_resources_and_nonced_scripts_only(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    found = directives(response)
    assert found["default-src"] == "'self'"
    assert found["object-src"] == "'none'"
    assert found["form-action"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", found["script-src"])


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/me", "/api/v1/openapi.json", "/api/v1/no-such-thing",
                                  "/static/portal.css", "/dev-idp/jwks"])
def test_what_is_not_a_page_may_load_and_run_nothing_if_opened_as_one(client, path):
    response = client.get(path)
    assert response.mimetype != "text/html"
    found = directives(response)
    assert found["default-src"] == "'none'"
    assert found["form-action"] == "'none'"
    assert "nonce-" not in response.headers["Content-Security-Policy"]


def test_each_response_gets_its_own_nonce_and_templates_see_it(app, client):
    first, second = (directives(client.get("/"))["script-src"] for _ in range(2))
    assert first != second
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", first)
    with app.test_request_context("/"):
        html = render_template_string('<script nonce="{{ csp_nonce() }}"></script>')
        response = app.make_response(html)
        response = app.process_response(response)
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_form_action_allows_the_configured_provider_for_the_sign_out_redirect(app_config):
    app = create_app({**app_config, "dev_idp": False, "oidc_issuer": "https://idp.example.se/oidc"})
    found = directives(app.test_client().get("/"))
    assert found["form-action"] == "'self' https://idp.example.se"


def test_hsts_is_sent_in_production(app_config):
    app = create_app({**app_config, **PRODUCTION})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_anonymous_public_pages_may_be_cached(client):
    response = client.get("/")
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/start", "/api/v1/me", "/", "/healthz", "/no-such-page"])
def test_every_signed_in_response_is_no_store_and_varies_on_cookie(client, login, anna, path):
    login(anna)
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store", path
    assert "Cookie" in response.headers["Vary"], path


def test_a_bearer_response_is_no_store_and_varies_on_authorization(app, anna):
    response = app.test_client().get("/api/v1/me", headers=bearer(mint(app, anna)))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert {"Cookie", "Authorization"} <= {value.strip() for value in response.headers["Vary"].split(",")}


def test_signing_out_clears_the_browsers_data(client, login, anna):
    login(anna)
    token = csrf(client)
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "Clear-Site-Data" not in client.get("/").headers


# CORS


@pytest.fixture
def cors_app(app_config):
    return create_app({**app_config, "cors_origins": ("https://app.region.se",)})


def test_the_api_answers_an_allowed_origin(cors_app, make):
    response = cors_app.test_client().get("/api/v1/openapi.json", headers={"Origin": "https://app.region.se"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.region.se"
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://app.region.se.evil.example"])
def test_the_api_never_answers_another_origin(cors_app, origin):
    response = cors_app.test_client().get("/api/v1/openapi.json", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_pages_never_answer_cors_even_for_an_allowed_origin(cors_app):
    response = cors_app.test_client().get("/", headers={"Origin": "https://app.region.se"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_to_the_api_is_answered_before_credentials(cors_app):
    response = cors_app.test_client().options("/api/v1/me", headers={
        "Origin": "https://app.region.se", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.region.se"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_preflight_from_another_origin_is_refused(cors_app):
    response = cors_app.test_client().options("/api/v1/me", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("origin", ["null", "*", "https://*.region.se", "https://app.region.se/", "app.region.se",
                                    "https://app.region.se/path", "javascript://x"])
def test_settings_refuse_anything_but_exact_origins(origin):
    with pytest.raises(ConfigError, match="PORTAL_CORS_ORIGINS"):
        Settings.from_env({"PORTAL_ENV": "test", "PORTAL_CORS_ORIGINS": f"https://ok.region.se,{origin}"})


def test_production_refuses_a_plain_http_origin():
    with pytest.raises(ConfigError, match="PORTAL_CORS_ORIGINS"):
        Settings.from_env({"PORTAL_ENV": "production"}, **{**PRODUCTION, "env": "production",
                                                            "cors_origins": ("http://app.region.se",)})
