"""Support through the pages: the citizen's code, the agent's console, the banner, read-only, and the log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEvent
from portal.support.models import SupportSession
from tests.factories import NOW


@pytest.fixture
def people(make):
    citizen = make.person("Anna", "Lindqvist", age=45)
    make.entry(citizen, "Besök på vårdcentralen")
    make.entry(citizen, "Spärrad anteckning", sealed=True)
    agent = make.person("Stina", "Ek", age=39, is_staff=True)
    make.session.commit()
    return citizen, agent


@pytest.fixture
def agent_client(app, login):
    """A second browser for the agent."""
    return app.test_client()


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in_as(app, client, person, roles=()):
    with client.session_transaction() as session:
        session["auth"] = {"sub": f"sub-{person.public_id}", "person_id": person.public_id,
                           "name": person.display_name, "roles": list(roles), "login_at": clock.now().isoformat()}
        session["_user_id"] = person.public_id
        session["_fresh"] = True


def make_code(client) -> str:
    page = client.post("/help/code", data={"csrf_token": csrf(client, "/help")}).get_data(as_text=True)
    return re.search(r"<strong>(\d{4} \d{4})</strong>", page).group(1)


def start_support(agent, citizen, code: str, **changes):
    form = {"personnummer": citizen.personnummer, "code": code, "reason": "Hjälper med att hitta provsvar",
            "ticket": "INC-42", "csrf_token": csrf(agent, "/support"), **changes}
    return agent.post("/support/start", data=form)


@pytest.fixture
def in_session(app, client, agent_client, people, frozen):
    citizen, staff = people
    sign_in_as(app, client, citizen)
    sign_in_as(app, agent_client, staff, roles=("support",))
    code = make_code(client)
    response = start_support(agent_client, citizen, code)
    assert response.status_code == 302, response.get_data(as_text=True)
    return citizen, staff


def test_agent_sees_the_citizens_journal_without_sealed_entries_under_a_banner(agent_client, in_session):
    page = agent_client.get("/journal").get_data(as_text=True)
    assert "Besök på vårdcentralen" in page
    assert "Spärrad anteckning" not in page
    assert "Stina Ek" in page and "Anna Lindqvist" in page
    assert 'action="/support/end"' in page


def test_every_write_in_a_support_session_is_refused(agent_client, in_session):
    token = csrf(agent_client, "/start")
    for path in ("/help/code", "/act-for", "/appointments/x/cancel"):
        assert agent_client.post(path, data={"csrf_token": token}).status_code == 403


def test_access_log_is_not_shown_to_support(agent_client, in_session):
    assert agent_client.get("/access-log").status_code == 404


def test_citizen_sees_the_live_session_and_ends_it(client, agent_client, in_session, make):
    page = client.get("/start").get_data(as_text=True)
    assert "Stina Ek" in page
    support_id = make.session.scalar(select(SupportSession.id))
    make.session.rollback()  # end the test's read so the pages can write
    client.post("/help/end", data={"session": support_id, "csrf_token": csrf(client, "/help")})
    after = agent_client.get("/journal")
    assert after.status_code == 302
    assert "Besök på vårdcentralen" not in agent_client.get("/start").get_data(as_text=True)


def test_session_ends_by_itself_after_30_minutes(agent_client, in_session, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=31))
    response = agent_client.get("/journal")
    assert response.status_code == 302


def test_citizen_finds_every_page_the_agent_read_in_the_access_log(client, agent_client, in_session, make):
    agent_client.get("/journal")
    agent_client.get("/appointments")
    agent_client.post("/support/end", data={"csrf_token": csrf(agent_client, "/start")})
    log = client.get("/access-log").get_data(as_text=True)
    assert log.count("Stina Ek") >= 3
    reads = make.session.scalars(select(AuditEvent).where(AuditEvent.mode == "support",
                                                          AuditEvent.action == "read")).all()
    assert {row.resource for row in reads} >= {"journal", "appointments"}


def test_support_context_does_not_leak_into_the_agents_own_later_session(app, agent_client, in_session):
    agent_client.post("/support/end", data={"csrf_token": csrf(agent_client, "/start")})
    page = agent_client.get("/start").get_data(as_text=True)
    assert "Anna Lindqvist" not in page


def test_names_in_the_banner_are_escaped(app, client, agent_client, people, make, frozen):
    citizen, staff = people
    citizen.given_name = "<script>alert(1)</script>"
    make.session.commit()
    sign_in_as(app, client, citizen)
    sign_in_as(app, agent_client, staff, roles=("support",))
    start_support(agent_client, citizen, make_code(client))
    page = agent_client.get("/start").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_personnummer_never_appears_in_a_url_of_the_console(agent_client, people, app, frozen):
    _citizen, staff = people
    sign_in_as(app, agent_client, staff, roles=("support",))
    page = agent_client.get("/support").get_data(as_text=True)
    assert 'method="post"' in page and 'name="personnummer"' in page


def test_wrong_code_is_refused_with_a_clear_message(app, agent_client, people, frozen):
    citizen, staff = people
    sign_in_as(app, agent_client, staff, roles=("support",))
    response = start_support(agent_client, citizen, "0000 0000")
    assert response.status_code == 400
    assert citizen.personnummer not in response.get_data(as_text=True)


def test_console_needs_the_support_role(app, agent_client, people, frozen):
    citizen, _staff = people
    sign_in_as(app, agent_client, citizen)
    assert agent_client.get("/support").status_code == 403


def test_get_help_shows_a_live_session_once(client, agent_client, in_session):
    page = client.get("/help").get_data(as_text=True)
    assert page.count('class="banner support-live"') == 1


def live_notice_shown(client) -> bool:
    return 'class="banner support-live"' in client.get("/start").get_data(as_text=True)


def test_citizens_live_notice_shows_until_the_session_expires(client, agent_client, in_session, monkeypatch):
    for minutes in (10, 20, 29):  # the citizen's own web session stays active meanwhile
        monkeypatch.setattr(clock, "now", lambda minutes=minutes: NOW + timedelta(minutes=minutes))
        assert live_notice_shown(client)
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=31))
    assert not live_notice_shown(client)  # nobody ended it: expiry alone takes the notice away


def test_citizens_live_notice_goes_when_the_agent_ends_the_session(client, agent_client, in_session):
    assert live_notice_shown(client)
    agent_client.post("/support/end", data={"csrf_token": csrf(agent_client, "/start")})
    assert not live_notice_shown(client)
