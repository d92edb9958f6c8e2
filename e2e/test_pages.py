"""The pages on a phone with the demo population: find, read, chart, calendar, cancel; act for a child."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from e2e.pages import signed_in


def test_citizen_finds_a_lab_result_by_filter_and_by_search_and_sees_its_chart(browser: Browser, base_url: str):
    context, page = signed_in(browser, base_url, "Anna Lindqvist")
    page.get_by_role("navigation").get_by_role("link", name="Journal").click()
    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Provsvar").check()
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=lab_result"))
    expect(page.get_by_role("link", name="S-TSH").first).to_be_visible()
    expect(page.get_by_role("link", name="Besök", exact=True)).to_have_count(0)

    page.get_by_label("Sök", exact=True).fill("glukos")
    page.get_by_role("button", name="Visa", exact=True).click()
    links = page.get_by_role("link", name="P-Glukos")
    expect(links.first).to_be_visible()
    expect(page.get_by_role("link", name="S-TSH")).to_have_count(0)
    links.first.click()

    expect(page.get_by_role("heading", name="P-Glukos", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Referensintervall: 4–6"))).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("P-Glukos över tid"))
    expect(chart).to_be_visible()
    assert chart.locator("circle").count() >= 2
    page.get_by_text("Värdena som tabell").click()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_text("Vårdcentralen Fröslunda").first).to_be_visible()
    context.close()


def test_citizen_downloads_a_calendar_and_asks_to_cancel(browser: Browser, base_url: str):
    context, page = signed_in(browser, base_url, "Margit Andersson", accept_downloads=True)
    page.get_by_role("navigation").get_by_role("link", name="Tider").click()
    with page.expect_download() as all_upcoming:
        page.get_by_role("link", name="Lägg in alla kommande i din kalender (.ics)").click()
    text = Path(all_upcoming.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") >= 2

    page.get_by_role("link", name="Videobesök hos läkare").first.click()
    expect(page.get_by_role("link", name="Anslut till videomötet")).to_be_visible()
    with page.expect_download() as one:
        page.get_by_role("link", name="Lägg in i din kalender (.ics)").click()
    assert Path(one.value.path()).read_text(encoding="utf-8").count("BEGIN:VEVENT") == 1

    page.get_by_label("Meddelande till mottagningen (frivilligt)").fill("Jag är bortrest.")
    page.get_by_role("button", name="Be om avbokning").click()
    expect(page.get_by_role("status")).to_contain_text("Din begäran om avbokning är skickad.")
    expect(page.get_by_text("Avbokning begärd, väntar på svar")).to_be_visible()
    expect(page.get_by_role("button", name="Be om avbokning")).to_have_count(0)
    context.close()


def test_guardian_switches_to_lisa_reads_her_journal_and_switches_back(browser: Browser, base_url: str):
    context, page = signed_in(browser, base_url, "Erik Johansson")
    switcher = page.get_by_label("Vems uppgifter")
    options = switcher.locator("option").all_inner_texts()
    assert any("Lisa" in option for option in options)
    assert not any("Oskar" in option or "Noah" in option for option in options)  # 14, and protected
    switcher.select_option(label="Lisa Johansson")
    page.get_by_role("button", name="Byt").click()
    expect(page.get_by_text("Du ser Lisas uppgifter")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Journal").click()
    expect(page.get_by_text("Du ser Lisas uppgifter")).to_be_visible()
    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Tillväxtmätning").check()
    page.get_by_role("button", name="Visa", exact=True).click()
    page.get_by_role("link", name="Längd").first.click()
    expect(page.get_by_role("img", name=re.compile("Längd efter ålder"))).to_be_visible()

    page.get_by_role("button", name="Tillbaka till dina egna uppgifter").click()
    expect(page.get_by_text("Du ser Lisas uppgifter")).to_have_count(0)
    expect(page.get_by_role("heading", name="Välkommen, Erik Johansson")).to_be_visible()
    context.close()


def test_teen_of_14_sees_appointments_and_is_told_the_journal_opens_at_16(browser: Browser, base_url: str):
    context, page = signed_in(browser, base_url, "Oskar Johansson")
    expect(page.get_by_text("Din journal öppnas när du fyller 16.")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Tider").click()
    expect(page.get_by_role("heading", name="Kommande")).to_be_visible()
    page.goto("/journal")
    expect(page.get_by_text("Din journal öppnas när du fyller 16.")).to_be_visible()
    context.close()
