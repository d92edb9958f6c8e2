"""The read-model API, through the page's session (bearer tokens are tested with sign-in)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import db
from portal.audit.models import AuditEvent
from portal.readmodel.models import CancelRequest
from tests.conftest import reads_went_alone
from tests.factories import NOW


@pytest.fixture
def anna(make, frozen):
    person = make.person("Anna", "Lindqvist", age=45)
    hospital = make.unit("Medicinkliniken, Centralsjukhuset", kind="hospital")
    home_care = make.unit("Hemtjänst Norr", kind="home_care", origin="municipality")
    school = make.unit("Elevhälsan Västra skolan", kind="school_health", origin="municipality")
    for day in range(30):
        make.entry(person, f"P-Glukos {day}", kind="lab_result", unit=hospital, code="14749-6", value=5 + day / 10,
                   value_unit="mmol/L", reference_low=4.0, reference_high=6.0, at=NOW - timedelta(days=100 - day))
    make.entry(person, "Hemtjänstinsats", kind="intervention", unit=home_care, at=NOW - timedelta(days=5))
    make.entry(person, "Tillväxtkontroll", kind="growth", unit=school, at=NOW - timedelta(days=4))
    make.appointment(person, "Provtagning", unit=hospital, start=NOW + timedelta(days=2))
    make.appointment(person, "Hembesök", unit=home_care, start=NOW - timedelta(days=2))
    make.care_plan(person, "Samordnad individuell plan", unit=home_care, is_sip=True)
    make.session.commit()
    return person


def test_anonymous_caller_gets_401_problem_with_a_bearer_challenge(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_lists_the_user_and_whom_they_may_act_for(client, login, make, frozen):
    parent, child = make.person("Erik", age=41), make.person("Lisa", age=8)
    make.relationship(parent, child)
    make.session.commit()
    login(parent)
    body = client.get("/api/v1/me").get_json()
    assert [(s["name"], s["mode"]) for s in body["subjects"]] == [
        ("Erik Testsson", "self"), ("Lisa Testsson", "guardian")
    ]


def test_journal_pages_through_every_entry_once_newest_first(client, login, anna):
    login(anna)
    seen, cursor = [], None
    while True:
        url = f"/api/v1/subjects/{anna.public_id}/journal?limit=7" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen.extend(body["entries"])
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 32 == len({entry["id"] for entry in seen})
    times = [entry["effective_at"] for entry in seen]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=intervention", {"Hemtjänstinsats"}),
        ("origin=municipality", {"Hemtjänstinsats"}),
        ("origin=school_health", {"Tillväxtkontroll"}),
        ("q=tillväxt", {"Tillväxtkontroll"}),
    ],
)
def test_journal_filters_by_kind_origin_and_text(client, login, anna, query, titles):
    login(anna)
    body = client.get(f"/api/v1/subjects/{anna.public_id}/journal?{query}").get_json()
    assert {entry["title"] for entry in body["entries"]} == titles


def test_every_entry_says_where_it_came_from(client, login, anna):
    login(anna)
    entry = client.get(f"/api/v1/subjects/{anna.public_id}/journal?kind=intervention").get_json()["entries"][0]
    assert entry["provenance"]["unit"] == "Hemtjänst Norr"
    assert entry["provenance"]["origin"] == "municipality"


def test_lab_result_comes_with_its_series(client, login, anna):
    login(anna)
    first = client.get(f"/api/v1/subjects/{anna.public_id}/journal?kind=lab_result&limit=1").get_json()["entries"][0]
    detail = client.get(f"/api/v1/subjects/{anna.public_id}/journal/{first['id']}").get_json()
    assert len(detail["series"]) == 30
    assert (detail["reference_low"], detail["reference_high"]) == (4.0, 6.0)


def test_bad_filter_is_a_problem_naming_the_parameter(client, login, anna):
    login(anna)
    response = client.get(f"/api/v1/subjects/{anna.public_id}/journal?kind=horoscope")
    assert response.status_code == 422
    assert "kind" in response.get_json()["errors"]["query"]
    response = client.get(f"/api/v1/subjects/{anna.public_id}/journal?cursor=bm9wZQ")
    assert response.status_code == 400
    assert "cursor" in response.get_json()["errors"]


def test_get_carries_an_etag_and_answers_304(client, login, anna):
    login(anna)
    url = f"/api/v1/subjects/{anna.public_id}/appointments"
    first = client.get(url)
    assert first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_etag_changes_when_what_is_sent_changes(client, login, make, anna):
    login(anna)
    url = f"/api/v1/subjects/{anna.public_id}/appointments"
    before = client.get(url).headers["ETag"]
    make.appointment(anna, "Återbesök", unit=make.unit("Vårdcentralen Norr"), start=NOW + timedelta(days=9))
    make.session.commit()
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert "Återbesök" in [a["title"] for a in after.get_json()["upcoming"]]
    assert after.headers["ETag"] != before


def test_appointments_from_region_and_municipality(client, login, anna):
    login(anna)
    body = client.get(f"/api/v1/subjects/{anna.public_id}/appointments").get_json()
    assert [a["title"] for a in body["upcoming"]] == ["Provtagning"]
    assert [a["provenance"]["origin"] for a in body["past"]] == ["municipality"]


def test_appointments_come_soonest_first_and_newest_first_with_the_50_latest_past(client, login, make, frozen):
    person = make.person("Karin", "Berg", age=70)
    unit = make.unit("Vårdcentralen Norr")
    for title, days in (("Om två veckor", 14), ("Imorgon A", 1), ("Imorgon B", 1)):
        make.appointment(person, title, unit=unit, start=NOW + timedelta(days=days))
    for day in range(1, 54):
        make.appointment(person, f"Förr {day}", unit=unit, start=NOW - timedelta(days=day), status="fulfilled")
    make.session.commit()
    login(person)
    body = client.get(f"/api/v1/subjects/{person.public_id}/appointments").get_json()
    assert [a["title"] for a in body["upcoming"]] == ["Imorgon A", "Imorgon B", "Om två veckor"]
    assert [a["title"] for a in body["past"]] == [f"Förr {day}" for day in range(1, 51)]
    assert {a["provenance"]["unit"] for a in body["upcoming"] + body["past"]} == {"Vårdcentralen Norr"}


def test_ics_holds_every_upcoming_appointment(client, login, anna):
    login(anna)
    response = client.get(f"/api/v1/subjects/{anna.public_id}/appointments.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Provtagning" in text


def test_care_plan_sip_has_goals_and_activities(client, login, anna):
    login(anna)
    plans = client.get(f"/api/v1/subjects/{anna.public_id}/care-plans").get_json()["care_plans"]
    assert plans[0]["is_sip"] is True
    detail = client.get(f"/api/v1/subjects/{anna.public_id}/care-plans/{plans[0]['id']}").get_json()
    assert detail["goals"][0]["description"]
    assert detail["activities"][0]["responsible"] == "Hemtjänsten Norr"


def test_session_cannot_post_through_the_api(client, login, anna, make):
    login(anna)
    upcoming = client.get(f"/api/v1/subjects/{anna.public_id}/appointments").get_json()["upcoming"][0]
    response = client.post(
        f"/api/v1/subjects/{anna.public_id}/appointments/{upcoming['id']}/cancel-request", json={"reason": "sjuk"}
    )
    assert response.status_code == 403
    assert make.session.scalars(select(CancelRequest)).all() == []


def test_other_persons_record_is_404_like_a_missing_one(client, login, anna, make):
    stranger = make.person("Stig", age=50)
    make.session.commit()
    login(stranger)
    real = client.get(f"/api/v1/subjects/{anna.public_id}/journal")
    missing = client.get("/api/v1/subjects/does-not-exist/journal")
    assert real.status_code == missing.status_code == 404
    assert real.get_json() == missing.get_json()
    assert b"Lindqvist" not in real.data


def test_every_api_read_is_audited_with_channel_api(client, login, anna, make):
    login(anna)
    client.get(f"/api/v1/subjects/{anna.public_id}/journal")
    rows = make.session.scalars(select(AuditEvent).where(AuditEvent.resource == "journal")).all()
    assert [(row.channel, row.subject_id, row.mode) for row in rows] == [("api", anna.public_id, "self")]


def test_access_log_shows_who_read_the_record(client, login, anna):
    login(anna)
    client.get(f"/api/v1/subjects/{anna.public_id}/journal")
    log = client.get(f"/api/v1/subjects/{anna.public_id}/access-log").get_json()["entries"]
    assert [(entry["actor"], entry["what"], entry["channel"]) for entry in log] == [
        ("Anna Lindqvist", "journal", "api")
    ]


def test_a_cancelled_appointment_is_not_among_the_next_ones(make, settings, anna):
    from portal.appointments.queries import upcoming_appointments
    from portal.policy.access import viewer_for
    from tests.policy.test_access import actor_for

    make.appointment(anna, "Inställd", start=NOW + timedelta(days=1), status="cancelled")
    viewer = viewer_for(make.session, actor_for(anna), anna.public_id, settings, NOW)
    assert [a.title for a in upcoming_appointments(make.session, viewer, settings)] == ["Provtagning"]


def test_reading_the_access_log_is_audited_but_not_listed_in_it(client, login, anna, make):
    login(anna)
    client.get(f"/api/v1/subjects/{anna.public_id}/access-log")
    log = client.get(f"/api/v1/subjects/{anna.public_id}/access-log").get_json()["entries"]
    assert [entry["what"] for entry in log] == []
    audited = make.session.scalars(select(AuditEvent).where(AuditEvent.resource == "access_log")).all()
    assert len(audited) == 2


def test_reads_that_go_alone_extend_one_whole_chain_from_its_first_row(client, login, anna):
    """The first read records the chain's head; every later read appends after it, hashed as ``verify`` checks."""
    from portal.audit.chain import recorded_head, verify

    login(anna)
    paths = ("journal", "appointments", "care-plans", "journal?kind=lab_result", "access-log")
    for path in paths:
        assert client.get(f"/api/v1/subjects/{anna.public_id}/{path}").status_code == 200
    assert client.get("/journal").status_code == 200
    db.session().rollback()
    rows = db.session().scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    reads = [row for row in rows if row.action == "read"]
    assert [row.resource for row in reads][:4] == ["journal", "appointments", "care_plans", "journal"]
    assert len(reads) == len(paths) + 1
    assert verify(iter(rows), recorded_head(db.session())) is None
    assert recorded_head(db.session())[0] == rows[-1].seq == len(rows)


def test_a_read_takes_no_write_transaction_and_is_audited(app, client, login, anna, statements):
    """On PostgreSQL no BEGIN and COMMIT around a read: its statements run with the driver in autocommit, audit row
    included. On SQLite the reads share a deferred transaction, and only the audit row takes the write lock.

    The chain's very first row (no head yet) is appended in a transaction of its own, so the test reads twice after
    it; every statement of those reads goes alone, the web session's lookup among them.
    """
    login(anna)
    client.get(f"/api/v1/subjects/{anna.public_id}/care-plans")  # the chain's first row, which records its head
    with statements() as seen:
        first = client.get(f"/api/v1/subjects/{anna.public_id}/journal")
        second = client.get(f"/api/v1/subjects/{anna.public_id}/appointments")
    assert first.status_code == second.status_code == 200
    assert len(seen) >= 8 and reads_went_alone(seen)
    db.session().rollback()
    audited = db.session().scalars(select(AuditEvent.resource).where(AuditEvent.subject_id == anna.public_id))
    assert {"journal", "appointments"} <= set(audited)
