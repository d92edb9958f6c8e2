"""Sign in through the persona picker and out again, on a phone and on a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_sign_in_and_out_through_the_persona_picker(browser: Browser, base_url: str, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport, base_url=base_url)
    page = context.new_page()
    page.goto("/start")
    expect(page.get_by_role("heading", name="Testinloggning")).to_be_visible()
    page.get_by_role("button", name="Logga in som Anna Lindqvist").click()
    expect(page).to_have_url(f"{base_url}/start")
    expect(page.get_by_role("heading", name="Välkommen, Anna Lindqvist")).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/\?state="))
    cookies = {cookie["name"] for cookie in context.cookies()}
    assert "portal_session" not in cookies and "devidp_session" not in cookies

    # Signed out at the provider too: signing in again asks who, rather than signing Anna straight back in.
    page.goto("/auth/login")
    expect(page.get_by_role("heading", name="Testinloggning")).to_be_visible()
    page.goto("/start")
    expect(page.get_by_role("heading", name="Testinloggning")).to_be_visible()
    context.close()


def test_support_agent_and_teen_sign_in(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    for name in ("Stina Ek", "Oskar Johansson"):
        page.goto("/auth/login")
        page.get_by_role("button", name=f"Logga in som {name}").click()
        expect(page.get_by_role("heading", name=f"Välkommen, {name}")).to_be_visible()
        page.get_by_role("button", name="Logga ut").click()
        expect(page.get_by_role("heading", name="Välkommen", exact=False)).to_have_count(0)
    context.close()
