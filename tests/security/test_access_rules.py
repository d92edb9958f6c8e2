"""Deny by default: every endpoint in the URL map declares an access rule, and each rule holds without credentials."""

from __future__ import annotations

import pytest
from flask import Flask

from portal import create_app
from portal.security.routes import RULES, Access
from tests.security.conftest import url_for_rule

# Declared ahead of the support web views (portal/support/web.py), which register these endpoints.
DECLARED_AHEAD = {"support.help_page", "support.help_code", "support.help_end", "support.console",
                  "support.console_start", "support.console_end"}


def test_every_endpoint_in_the_url_map_declares_an_access_rule(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(RULES))
    assert not missing, f"endpoints with no access rule in portal/security/routes.py: {missing}"


def test_every_declared_rule_names_a_real_endpoint(app):
    stale = sorted(set(RULES) - set(app.view_functions) - DECLARED_AHEAD)
    assert not stale, f"access rules for endpoints that do not exist: {stale}"


def test_an_undeclared_endpoint_answers_404_even_though_its_view_exists(app_config):
    app = create_app(app_config)
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret data")
    response = app.test_client().get("/forgotten")
    assert response.status_code == 404
    assert b"secret data" not in response.data


def _rules(app: Flask, access: Access):
    for rule in app.url_map.iter_rules():
        if RULES.get(rule.endpoint) == access:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_page_sends_a_stranger_to_sign_in(app):
    client = app.test_client()
    checked = 0
    for rule, method in _rules(app, Access.PAGE):
        response = client.open(url_for_rule(rule), method=method)
        if method == "GET":
            assert response.status_code == 302, rule.rule
            assert response.location.startswith("/auth/login"), rule.rule
        else:  # a form post without a session has no CSRF token either
            assert response.status_code in (302, 400, 401), rule.rule
        checked += 1
    assert checked >= 10


def test_every_support_page_refuses_a_stranger(app):
    client = app.test_client()
    for rule, method in _rules(app, Access.SUPPORT):
        response = client.open(url_for_rule(rule), method=method)
        assert response.status_code in (302, 400, 401, 403, 404), rule.rule


def test_every_api_route_asks_for_a_bearer_token(app):
    client = app.test_client()
    checked = 0
    for rule, method in _rules(app, Access.API):
        response = client.open(url_for_rule(rule), method=method, json={} if method == "POST" else None)
        assert response.status_code == 401, rule.rule
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        checked += 1
    assert checked == 10


def test_ingestion_asks_for_a_client_token(app):
    client = app.test_client()
    for rule, method in _rules(app, Access.INGEST):
        response = client.open(url_for_rule(rule), method=method, data=b"{}")
        assert response.status_code == 401, rule.rule
        assert response.get_json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("access", [Access.PUBLIC, Access.SIGN_IN, Access.STATIC, Access.DEV_IDP])
def test_open_routes_answer_a_stranger_without_a_server_error(app, access):
    client = app.test_client()
    for rule, method in _rules(app, access):
        response = client.open(url_for_rule(rule), method=method)
        assert response.status_code < 500, (rule.rule, response.status_code)


def test_the_dev_provider_is_not_there_without_its_setting(app_config):
    app = create_app({**app_config, "dev_idp": False})
    assert not [rule for rule in app.url_map.iter_rules() if RULES.get(rule.endpoint) == Access.DEV_IDP]
