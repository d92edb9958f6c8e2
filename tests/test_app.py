from __future__ import annotations


def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_landing_page_is_swedish_first(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="sv"' in response.data
