"""Server-side sessions: limits by a movable clock, logout kills copied cookies, new ids at sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import session

from portal import clock
from portal.auth import rotate_session
from portal.auth.sessions import DEV_COOKIE
from portal.security.routes import RULES, Access
from tests.auth.conftest import has_session, session_token


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch):
    start = clock.now()

    def move(minutes: float) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=minutes))

    return move


def _csrf(client) -> str:
    page = client.get("/start").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_session_survives_activity_within_the_idle_limit(client, sign_in, move_clock):
    sign_in()
    for minute in (10, 20, 30):
        move_clock(minute)
        assert client.get("/start").status_code == 200


def test_session_ends_after_15_idle_minutes(client, sign_in, move_clock):
    sign_in()
    move_clock(14)
    assert client.get("/start").status_code == 200
    move_clock(14 + 15)
    response = client.get("/start")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_activity_is_recorded_at_most_once_a_minute_and_idle_time_counts_from_the_record(
        client, sign_in, move_clock):
    sign_in()
    move_clock(5)
    assert client.get("/start").status_code == 200  # recorded: 5 minutes since sign-in
    move_clock(5.5)
    assert client.get("/start").status_code == 200  # not recorded: 30 s since the last record
    move_clock(5 + 15 + 0.25)
    assert client.get("/start").status_code == 302  # 15 min 15 s since the record, 14 min 45 s since the request


def test_session_ends_after_12_hours_even_when_active(client, sign_in, move_clock):
    sign_in()
    for minute in range(10, 12 * 60, 10):
        move_clock(minute)
        assert client.get("/start").status_code == 200, minute
    move_clock(12 * 60 + 1)
    assert client.get("/start").status_code == 302


def test_cookie_replayed_after_logout_is_refused(client, app, sign_in):
    sign_in()
    copied = session_token(client)
    response = client.post("/auth/logout", data={"csrf_token": _csrf(client)})
    assert response.status_code == 302
    assert "/dev-idp/end-session" in response.location and "id_token_hint=" in response.location
    replay = app.test_client()
    replay.set_cookie(DEV_COOKIE, copied)
    assert replay.get("/start").status_code == 302


def test_logout_without_csrf_token_does_not_log_out_silently(client, sign_in):
    sign_in()
    response = client.post("/auth/logout", data={})
    assert response.status_code == 400


def test_sign_in_issues_a_new_session_id(client, start_login, sign_in):
    start_login()
    before = session_token(client)
    assert before and has_session(client)
    sign_in()
    after = session_token(client)
    assert after and after != before
    assert has_session(client)
    client.set_cookie(DEV_COOKIE, before)
    assert client.get("/start").status_code == 302


def test_rotate_session_changes_the_id_and_keeps_the_data(app, client, sign_in, monkeypatch):
    monkeypatch.setitem(RULES, "rotate", Access.PAGE)  # deny by default: a view needs a declared rule

    @app.get("/test-rotate")
    def rotate() -> str:
        session["mode"] = "guardian"
        rotate_session()
        return "ok"

    sign_in()
    before = session_token(client)
    client.get("/test-rotate")
    after = session_token(client)
    assert after != before
    assert client.get("/start").status_code == 200
    client.set_cookie(DEV_COOKIE, before)
    assert client.get("/start").status_code == 302


def test_cookie_is_httponly_and_lax(client, start_login):
    response = client.get("/auth/login")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(DEV_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


def test_outside_development_the_cookie_is_secure_with_host_prefix(app):
    from dataclasses import replace

    from portal.auth.sessions import PROD_COOKIE, DatabaseSessionInterface

    interface = DatabaseSessionInterface()
    app.config["SETTINGS"] = replace(app.config["SETTINGS"], env="production")
    assert interface.cookie_name(app) == PROD_COOKIE == "__Host-portal_session"
    assert interface._secure(app)


def test_session_table_stores_only_a_hash_of_the_cookie(client, sign_in):
    from portal import db
    from portal.auth.models import WebSession

    sign_in()
    token = session_token(client)
    stored = [row.id_hash for row in db.session().query(WebSession).all()]
    assert token not in stored and len(stored) == 1


def test_back_channel_logout_from_the_provider_ends_the_session(client, sign_in):
    sign_in()
    assert client.get("/start").status_code == 200
    # The provider session ends elsewhere (another app's logout): the provider tells the portal.
    response = client.get("/dev-idp/end-session")
    assert response.status_code == 200
    assert not has_session(client)
    assert client.get("/start").status_code == 302


def test_request_logs_never_show_code_or_state():
    import logging

    from portal.auth.logfilter import RedactSecrets

    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"%s" %s %s',
                               ("GET /auth/callback?code=abc&state=xyz HTTP/1.1", "302", "-"), None)
    RedactSecrets().filter(record)
    assert "abc" not in record.getMessage() and "xyz" not in record.getMessage()
