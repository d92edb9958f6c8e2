"""Every page for oneself: signed-in only, never cached, Swedish first with English one tap away, audited reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from tests.web.conftest import ids_in, post

PAGES = ["/start", "/journal", "/appointments", "/care-plans", "/access-log"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.location


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_never_cached(client, login, anna, path):
    login(anna)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_swedish_first_and_english_on_request(client, login, anna, path):
    login(anna)
    swedish = client.get(path).get_data(as_text=True)
    assert '<html lang="sv">' in swedish and "Logga ut" in swedish
    english = client.get(f"{path}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign out" in english
    assert '<html lang="en">' in client.get(path).get_data(as_text=True)  # remembered in a cookie


def test_start_shows_next_appointments_newest_entries_and_follow_ups(client, login, anna):
    login(anna)
    assert "Nytt provsvar" not in client.get("/start").get_data(as_text=True)  # not before the 14-day choice
    post(client, "/start/hide-recent", {"hide": "0"})
    page = client.get("/start").get_data(as_text=True)
    assert "Välkommen, Anna Lindqvist" in page
    assert "Provtagning" in page and "Videobesök" in page and "Hembesök" not in page
    assert "Nytt provsvar" in page and "Hemtjänstinsats" in page
    assert "Samordnad individuell plan" in page


def test_start_explains_what_is_hidden_by_counts_never_content(client, login, anna):
    login(anna)
    page = client.get("/start").get_data(as_text=True)
    assert "Det här kan du inte se, och varför" in page
    assert "1 anteckning kommer från en enhet vars journal aldrig visas" in page
    assert "Barnahus" not in page and "Samtal<" not in page


def test_the_14_day_choice_is_asked_and_hides_recent_entries(client, login, anna):
    login(anna)
    page = client.get("/start").get_data(as_text=True)
    assert "Vill du se anteckningar som är nyare än 14 dagar?" in page
    assert post(client, "/start/hide-recent", {"hide": "1"}).status_code == 302
    page = client.get("/start").get_data(as_text=True)
    assert "Nytt provsvar" not in page and "Hemtjänstinsats" not in page
    assert "2 anteckningar är nyare än 14 dagar och dolda, som du valt." in page
    assert "Nytt provsvar" not in client.get("/journal").get_data(as_text=True)


def test_a_user_without_records_gets_a_working_empty_portal(client, app, frozen):
    with client.session_transaction() as session:
        session["auth"] = {"sub": "staff-1", "person_id": None, "name": "Stina Ek", "roles": ["support"],
                           "login_at": frozen.isoformat(), "auth_time": None}
        session["_user_id"] = "sub:staff-1"
    for path in ["/start", "/journal", "/appointments", "/care-plans", "/access-log"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Det finns inga uppgifter om dig ännu." in client.get("/start").get_data(as_text=True)
    assert client.get("/journal/anything").status_code == 404


def test_every_page_read_is_audited_as_web(client, login, anna, make):
    login(anna)
    for path in PAGES:
        client.get(path)
    rows = make.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == anna.public_id)).all()
    assert {row.resource for row in rows} >= {"start", "journal", "appointments", "care_plans", "access_log"}
    assert {(row.channel, row.mode) for row in rows} == {("web", "self")}


def test_care_plan_sip_is_marked_shared_and_shows_goals_and_activities(client, login, anna):
    login(anna)
    listing = client.get("/care-plans").get_data(as_text=True)
    assert "SIP, delad av region och kommun" in listing
    plan = client.get(f"/care-plans/{ids_in(listing, 'care-plans')[0]}").get_data(as_text=True)
    assert "Kunna gå ut på promenad själv" in plan
    assert "Hemtjänsten Norr" in plan and "Anna Lindqvist" in plan


def test_access_log_lists_reads_and_filters_by_who(client, login, anna):
    login(anna)
    client.get("/journal")
    page = client.get("/access-log").get_data(as_text=True)
    assert "Anna Lindqvist" in page and "Journal" in page
    assert "Inget i loggen" in client.get("/access-log?who=guardian").get_data(as_text=True)
    assert client.get("/access-log?from=yesterday").status_code == 400


def test_no_page_shows_another_persons_record_by_id(client, login, anna, make):
    stranger = make.person("Stig", "Främling", age=50)
    make.session.commit()
    login(anna)
    html = client.get("/journal").get_data(as_text=True)
    entry_id, plan_id = ids_in(html, "journal")[0], ids_in(client.get("/care-plans").get_data(as_text=True),
                                                            "care-plans")[0]
    appointment_id = ids_in(client.get("/appointments").get_data(as_text=True), "appointments")[0]
    login(stranger)
    for path in [f"/journal/{entry_id}", f"/care-plans/{plan_id}", f"/appointments/{appointment_id}",
                 f"/appointments/{appointment_id}/calendar.ics"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Lindqvist" not in response.data and b"Glukos" not in response.data
