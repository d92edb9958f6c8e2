"""Helpers for the browser tests of the pages: a phone, a persona signed in, axe."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

PHONE = {"width": 390, "height": 844}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_axe = Axe()


def signed_in(browser: Browser, base_url: str, name: str, **options) -> tuple[BrowserContext, Page]:
    """A phone-sized browser with ``name`` signed in through the persona picker, on the start page."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, **options)
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_role("button", name=f"Logga in som {name}").click()
    expect(page.get_by_role("heading", name=f"Välkommen, {name}")).to_be_visible()
    return context, page


def axe_violations(page: Page) -> list[str]:
    """WCAG 2.1 A and AA rule ids axe finds on the page, with the first offending element of each."""
    results = _axe.run(page, options=WCAG_AA)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
