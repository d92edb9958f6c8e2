"""``next`` follows same-site relative paths only."""

from __future__ import annotations

import pytest

from portal.auth.redirects import safe_next
from tests.auth.conftest import pick_persona

FOREIGN = [
    "//evil", "/\\evil", "https://evil", "http://evil/start", "javascript:alert(1)", "%2F%2Fevil", "/%2F%2Fevil",
    "\t//evil", "/\t/evil", "/\n/evil", "/%09/evil", "/%5Cevil", "/%252F%252Fevil", "evil", "", "///evil",
    "data:text/html,x", " /start",
]


@pytest.mark.parametrize("target", FOREIGN)
def test_next_refuses_anything_but_a_same_site_path(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/start", "/journal?kind=lab_result", "/a/b#c", "/search?q=%C3%A5"])
def test_next_keeps_same_site_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["//evil", "https://evil", "/\\evil"])
def test_sign_in_with_a_foreign_next_lands_on_the_start_page(client, target):
    response = pick_persona(client, "anna", f"/auth/login?next={target}")
    assert response.status_code == 302
    assert response.location == "/start"


def test_sign_in_returns_to_a_same_site_next(client):
    response = pick_persona(client, "anna", "/auth/login?next=/start%3Flang%3Den")
    assert response.location == "/start?lang=en"


def test_a_page_that_needs_sign_in_sends_next_along(client):
    response = client.get("/start?lang=en")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.location
