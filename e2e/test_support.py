"""A support session in two browsers: the citizen's code, the agent's read-only view, the citizen ends it and
finds every page the agent read in the access log."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Browser, expect

from e2e.pages import axe_violations, signed_in
from portal.demo.personas import by_key


def test_citizen_grants_support_ends_it_and_sees_what_was_read(browser: Browser, base_url: str):
    citizen_context, citizen = signed_in(browser, base_url, "Anna Lindqvist")
    citizen.get_by_role("link", name="Få hjälp").click()
    citizen.get_by_role("button", name="Skapa en kod till supporten").click()
    code = citizen.locator(".support-code strong").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code)
    assert axe_violations(citizen) == []

    agent_context, agent = signed_in(browser, base_url, "Stina Ek")
    agent.get_by_role("link", name="Supportkonsol").click()
    agent.get_by_label("Personnummer").fill(by_key("anna").personnummer(date.today()))
    agent.get_by_label("Kod från personen").fill(code)
    agent.get_by_label("Skäl (minst 10 tecken)").fill("Invånaren hittar inte sina provsvar")
    agent.get_by_label("Ärendenummer").fill("INC-2026-117")
    agent.get_by_role("button", name="Starta supportsession").click()

    banner = agent.locator(".support-banner")
    expect(banner).to_contain_text("Stina Ek")
    expect(banner).to_contain_text("Anna Lindqvist")
    assert axe_violations(agent) == []
    menu = agent.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Journal", exact=True).click()
    expect(agent.locator(".support-banner")).to_be_visible()
    menu.get_by_role("link", name="Tider", exact=True).click()
    token = agent.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = agent.request.post(f"{base_url}/help/code", form={"csrf_token": token})
    assert refused.status == 403

    citizen.goto("/start")
    live = citizen.locator(".support-live")
    expect(live).to_contain_text("Stina Ek")
    live.get_by_role("button", name="Avsluta nu").click()

    agent.goto("/journal")
    expect(agent.locator(".support-banner")).to_have_count(0)

    citizen.goto("/access-log")
    log = citizen.locator("main").inner_text()
    assert log.count("Stina Ek") >= 3  # start page, journal, appointments, and the start and end of the session
    citizen_context.close()
    agent_context.close()
