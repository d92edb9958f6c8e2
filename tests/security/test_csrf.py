"""CSRF: every form post refuses a missing or another session's token; state changes only by POST; the API
refuses the page's cookie for anything but reading."""

from __future__ import annotations

import re

import pytest

from portal.security.routes import RULES, Access
from tests.security.conftest import url_for_rule

FORM_KINDS = (Access.PAGE, Access.SUPPORT, Access.SIGN_IN)
MACHINE_POSTS = {"auth.backchannel_logout"}  # a signed logout token from the provider, no browser involved
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def people(make):
    citizen = make.person("Anna", "Lindqvist", age=45)
    agent = make.person("Stina", "Ek", age=39, is_staff=True)
    make.session.commit()
    return citizen, agent


def _browser(app, login_as, person, roles=()):
    client = app.test_client()
    login_as(client, person, roles)
    return client


def _form_posts(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and RULES.get(rule.endpoint) in FORM_KINDS and rule.endpoint not in MACHINE_POSTS:
            yield rule


def _token(client) -> str:
    return TOKEN.search(client.get("/start").get_data(as_text=True)).group(1)


def test_every_form_post_refuses_a_missing_or_foreign_csrf_token(app, people, login_as):
    citizen, agent = people
    checked = []
    for rule in _form_posts(app):
        support = RULES[rule.endpoint] == Access.SUPPORT
        browser = _browser(app, login_as, agent if support else citizen, ("support",) if support else ())
        other = _browser(app, login_as, agent if support else citizen, ("support",) if support else ())
        path = url_for_rule(rule)
        missing = browser.post(path, data={"reason": "x" * 20})
        foreign = browser.post(path, data={"reason": "x" * 20, "csrf_token": _token(other)})
        forged = browser.post(path, data={"reason": "x" * 20, "csrf_token": "forged"})
        for response in (missing, foreign, forged):
            assert response.status_code == 400, (rule.rule, response.status_code)
        checked.append(rule.endpoint)
    assert {"auth.logout", "actfor.switch", "home.hide_recent", "appointments.cancel"} <= set(checked)


def test_the_right_token_is_accepted(app, people, login_as):
    browser = _browser(app, login_as, people[0])
    response = browser.post("/start/hide-recent", data={"hide": "1", "csrf_token": _token(browser)})
    assert response.status_code == 302


def test_state_changes_only_by_post(app):
    for rule in app.url_map.iter_rules():
        assert not rule.methods & {"PUT", "PATCH", "DELETE"}, rule.rule
        if RULES.get(rule.endpoint) in (Access.PAGE, Access.SUPPORT) and "POST" in rule.methods:
            assert "GET" not in rule.methods, f"{rule.rule} changes state and must not answer GET"
    assert app.test_client().get("/auth/logout").status_code == 405


def test_the_api_refuses_a_cookie_alone_for_anything_but_reading(app, make, login_as):
    citizen = make.person("Anna", "Lindqvist", age=45)
    appointment = make.appointment(citizen, "Provtagning")
    make.session.commit()
    browser = _browser(app, login_as, citizen)
    base = f"/api/v1/subjects/{citizen.public_id}/appointments"
    assert browser.get(base).status_code == 200
    response = browser.post(f"{base}/{appointment.public_id}/cancel-request", json={"reason": "x"})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
