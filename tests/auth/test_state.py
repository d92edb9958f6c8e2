"""``state`` is single use and bound to the browser that started the sign-in."""

from __future__ import annotations

from tests.auth.conftest import has_session

STATE_SV = "Inloggningen hade gått ut"


def test_state_missing_is_refused(client, start_login, provider_returns, minter):
    params = start_login()
    provider_returns(minter.sign(minter.claims(params["nonce"])))
    response = client.get("/auth/callback", query_string={"code": "c"})
    assert response.status_code == 400 and STATE_SV in response.get_data(as_text=True)
    assert not has_session(client)


def test_state_from_another_browser_is_refused(app, client, start_login, provider_returns, minter):
    other = app.test_client()
    foreign = start_login(browser=other)
    start_login()
    provider_returns(minter.sign(minter.claims(foreign["nonce"])))
    response = client.get("/auth/callback", query_string={"code": "c", "state": foreign["state"]})
    assert response.status_code == 400 and STATE_SV in response.get_data(as_text=True)
    assert not has_session(client)


def test_state_replayed_is_refused(client, start_login, provider_returns, minter):
    params = start_login()
    provider_returns(minter.sign(minter.claims(params["nonce"])))
    first = client.get("/auth/callback", query_string={"code": "c", "state": params["state"]})
    assert first.status_code == 302 and has_session(client)
    again = client.get("/auth/callback", query_string={"code": "c", "state": params["state"]})
    assert again.status_code == 400
    assert not has_session(client)


def test_provider_error_answer_ends_without_session(client, start_login):
    params = start_login()
    response = client.get("/auth/callback", query_string={"error": "access_denied", "state": params["state"]})
    assert response.status_code == 401
    assert not has_session(client)
