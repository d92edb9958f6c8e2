"""axe-core (WCAG 2.1 A and AA) finds nothing on any page, in Swedish and English; no page scrolls sideways at 320 px.

320 CSS px is WCAG's reflow width (1.4.10): a 1280 px window at 400 % zoom; 200 % zoom is a wider case of it.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from e2e.pages import axe_violations, horizontal_overflow, signed_in

NARROW = {"width": 320, "height": 640}


def _first_link(page: Page, path: str, prefix: str) -> str:
    page.goto(path)
    return str(page.locator(f'main a[href^="{prefix}"]').first.get_attribute("href"))


def _check(page: Page, paths: list[str]) -> dict[str, list[str]]:
    """Every path in both languages through axe, then at 320 px for sideways scrolling."""
    problems: dict[str, list[str]] = {}
    for path in paths:
        for lang in ("sv", "en"):
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            assert page.locator("html").get_attribute("lang") == lang
            found = axe_violations(page)
            page.set_viewport_size(NARROW)
            overflow = horizontal_overflow(page)
            if overflow > 0:
                found.append(f"{overflow}px wider than a 320px screen")
            if found:
                problems[f"{path} [{lang}]"] = found
    page.goto("/start?lang=sv")
    return problems


def test_citizen_pages(browser: Browser, base_url: str) -> None:
    context, page = signed_in(browser, base_url, "Anna Lindqvist")
    paths = ["/start", "/journal", "/journal?kind=lab_result&q=glukos", "/appointments", "/care-plans", "/access-log"]
    paths += [
        _first_link(page, "/journal?q=glukos", "/journal/"),
        _first_link(page, "/journal?kind=note", "/journal/"),
        _first_link(page, "/appointments", "/appointments/"),
        _first_link(page, "/care-plans", "/care-plans/"),
    ]
    assert _check(page, paths) == {}
    context.close()


def test_sip_guardian_teen_and_public_pages(browser: Browser, base_url: str) -> None:
    context, page = signed_in(browser, base_url, "Margit Andersson")
    sip = _first_link(page, "/care-plans", "/care-plans/")
    assert _check(page, [sip]) == {}
    context.close()

    context, page = signed_in(browser, base_url, "Erik Johansson")
    page.get_by_label("Vems uppgifter").select_option(label="Lisa Johansson")
    page.get_by_role("button", name="Byt").click()
    growth = _first_link(page, "/journal?kind=growth", "/journal/")
    assert _check(page, ["/start", "/journal", growth]) == {}
    context.close()

    context, page = signed_in(browser, base_url, "Oskar Johansson")
    assert _check(page, ["/start", "/journal"]) == {}  # the journal explains that it opens at 16
    context.close()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    assert _check(page, ["/", "/no-such-page"]) == {}
    context.close()
