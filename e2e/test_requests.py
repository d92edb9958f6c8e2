"""What a page costs a phone in requests: every request Chromium reports, data: URLs included, as Lighthouse counts."""

from __future__ import annotations

from playwright.sync_api import Browser

from e2e.pages import signed_in


def _requests(page_url: str, browser: Browser, base_url: str) -> list[str]:
    """The URLs Chromium asks for while loading ``page_url`` with its cache off (a first visit)."""
    context, _page = signed_in(browser, base_url, "Anna Lindqvist")
    fresh = context.new_page()
    cdp = context.new_cdp_session(fresh)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: list[str] = []
    cdp.on("Network.requestWillBeSent", lambda event: urls.append(event["request"]["url"]))
    fresh.goto(page_url, wait_until="networkidle")
    context.close()
    return urls


def test_journal_page_needs_three_requests_and_no_image_for_its_date_fields(browser: Browser, base_url: str):
    urls = _requests("/journal", browser, base_url)
    assert not [url for url in urls if url.startswith("data:")]
    assert len(urls) <= 3, urls  # the page, portal.css, the favicon
