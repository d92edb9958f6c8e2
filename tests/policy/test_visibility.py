"""What each viewer sees of a record: DESIGN.md section 2's exclusions, delays, seals and proxy rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.journal.queries import JournalFilters, list_entries
from portal.policy.access import viewer_for
from portal.policy.visibility import hidden_counts
from tests.factories import NOW
from tests.policy.test_access import actor_for


@pytest.fixture
def family(make):
    parent, child = make.person("Erik", age=40), make.person("Lisa", age=8)
    make.relationship(parent, child)
    return parent, child


def titles(make, settings, reader, subject, **viewer_changes):
    viewer = viewer_for(make.session, actor_for(reader), subject.public_id, settings, NOW)
    viewer = replace(viewer, **viewer_changes)
    return {entry.title for entry in list_entries(make.session, viewer, settings, JournalFilters()).entries}


def test_excluded_unit_is_never_shown_to_anyone(make, settings, family):
    parent, child = family
    adult = make.person(age=40)
    barnahus = make.unit("Barnahus Kronoberg", kind="barnahus")
    make.entry(adult, "Samtal på Barnahus", unit=barnahus)
    make.entry(child, "Samtal på Barnahus", unit=barnahus)
    assert titles(make, settings, adult, adult) == set()
    assert titles(make, settings, parent, child) == set()


def test_excluded_keyword_is_never_shown(make, settings):
    adult = make.person(age=40)
    make.entry(adult, "Anteckning", text="Tredje person: grannen berättade")
    make.entry(adult, "Vanlig anteckning")
    assert titles(make, settings, adult, adult) == {"Vanlig anteckning"}


def test_excluded_lists_are_settings(make, settings):
    adult = make.person(age=40)
    lss = make.unit("LSS-boende", kind="lss")
    make.entry(adult, "Insats", unit=lss)
    assert titles(make, replace(settings, excluded_unit_kinds=()), adult, adult) == {"Insats"}


def test_pathology_is_released_after_its_delay(make, settings):
    adult = make.person(age=40)
    make.entry(adult, "PAD-svar", category="pathology", recorded_at=NOW - timedelta(days=13, hours=23))
    make.entry(adult, "Äldre PAD-svar", category="pathology", recorded_at=NOW - timedelta(days=14, minutes=1))
    assert titles(make, settings, adult, adult) == {"Äldre PAD-svar"}
    assert titles(make, replace(settings, release_delay_days={}), adult, adult) == {"PAD-svar", "Äldre PAD-svar"}


def test_citizen_may_hide_entries_newer_than_14_days(make, settings):
    adult = make.person(age=40)
    make.entry(adult, "Nytt", recorded_at=NOW - timedelta(days=2))
    make.entry(adult, "Gammalt", recorded_at=NOW - timedelta(days=20))
    assert titles(make, settings, adult, adult, hide_recent=True) == {"Gammalt"}
    assert titles(make, settings, adult, adult) == {"Nytt", "Gammalt"}


def test_sealed_and_proxy_hidden_entries_are_shown_to_the_patient_only(make, settings, family):
    parent, child = family
    youth = make.unit("Ungdomsmottagningen", kind="youth_clinic")
    make.entry(child, "Spärrad", sealed=True)
    make.entry(child, "Ungdomsmottagning", unit=youth, proxy_hidden=True)
    make.entry(child, "Skolsköterska")
    assert titles(make, settings, parent, child) == {"Skolsköterska"}


def test_consent_seal_hides_a_units_entries_from_proxies(make, settings, family):
    parent, child = family
    psychiatry = make.unit("BUP", kind="psychiatry")
    make.entry(child, "BUP-besök", unit=psychiatry)
    make.consent(child, "seal", unit=psychiatry)
    assert titles(make, settings, parent, child) == set()


def test_unit_exception_shows_only_that_units_entries(make, settings):
    parent, teen = make.person(age=40), make.person(age=17)
    habilitation, other = make.unit("Habiliteringen", kind="hospital"), make.unit("Vårdcentral")
    relationship = make.relationship(parent, teen)
    make.exception(relationship, valid_to=NOW.date() + timedelta(days=10), unit=habilitation)
    make.entry(teen, "Habiliteringsplan", unit=habilitation)
    make.entry(teen, "Vårdcentralsbesök", unit=other)
    assert titles(make, settings, parent, teen) == {"Habiliteringsplan"}


def test_hidden_counts_give_reasons_never_content(make, settings):
    adult = make.person(age=40)
    make.entry(adult, "Samtal", unit=make.unit("Barnahus", kind="barnahus"))
    make.entry(adult, "PAD", category="pathology", recorded_at=NOW - timedelta(days=3))
    make.entry(adult, "Nytt", recorded_at=NOW - timedelta(days=1))
    viewer = replace(viewer_for(make.session, actor_for(adult), adult.public_id, settings, NOW), hide_recent=True)
    counts = hidden_counts(make.session, viewer, settings)
    assert counts["excluded"] == 1
    assert counts["delayed"] == 1
    assert counts["recent"] == 1
    assert counts["delayed_until"] == NOW - timedelta(days=3) + timedelta(days=14)


def test_hidden_counts_are_not_given_to_proxies(make, settings, family):
    parent, child = family
    make.entry(child, "Samtal", unit=make.unit("Barnahus", kind="barnahus"))
    viewer = viewer_for(make.session, actor_for(parent), child.public_id, settings, NOW)
    assert hidden_counts(make.session, viewer, settings) == {}


def test_every_journal_read_writes_one_audit_row_naming_what_was_shown(make, settings, family):
    parent, child = family
    entry = make.entry(child, "Skolsköterska")
    titles(make, settings, parent, child)
    rows = make.session.scalars(select(AuditEvent)).all()
    assert len(rows) == 1
    assert (rows[0].actor_id, rows[0].subject_id, rows[0].mode) == (parent.public_id, child.public_id, "guardian")
    assert rows[0].details["ids"] == [entry.public_id]
    assert make.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_youth_clinic_appointments_and_plans_are_the_patients_alone(make, settings, family):
    from portal.appointments.queries import list_appointments
    from portal.careplans.queries import list_care_plans

    parent, child = family
    youth = make.unit("Ungdomsmottagningen", kind="youth_clinic")
    make.appointment(child, "Samtal på ungdomsmottagningen", unit=youth)
    make.appointment(child, "Skolsköterskan")
    make.care_plan(child, "Plan från ungdomsmottagningen", unit=youth)
    as_parent = viewer_for(make.session, actor_for(parent), child.public_id, settings, NOW)
    assert [a.title for a in list_appointments(make.session, as_parent, settings).upcoming] == ["Skolsköterskan"]
    assert list_care_plans(make.session, as_parent, settings) == []
    opened = replace(settings, proxy_hidden_unit_kinds=())
    assert len(list_appointments(make.session, as_parent, opened).upcoming) == 2


def test_the_statement_built_once_serves_each_viewer_their_own_record(make, settings):
    """The journal list is built once per shape and reused; only the parameters carry who is looking."""
    anna, bo = make.person("Anna", age=40), make.person("Bo", age=50)
    for number in range(3):
        make.entry(anna, f"Annas anteckning {number}", kind="note")
        make.entry(bo, f"Bos provsvar {number}", kind="lab_result")
    make.session.commit()
    assert titles(make, settings, anna, anna) == {f"Annas anteckning {n}" for n in range(3)}
    assert titles(make, settings, bo, bo) == {f"Bos provsvar {n}" for n in range(3)}
    viewer = viewer_for(make.session, actor_for(bo), bo.public_id, settings, NOW)
    first = list_entries(make.session, viewer, settings, JournalFilters(kinds=("lab_result",)), limit=2)
    rest = list_entries(make.session, viewer, settings, JournalFilters(kinds=("lab_result",)), first.next_cursor)
    assert len(first.entries) == 2 and len(rest.entries) == 1
    viewer = viewer_for(make.session, actor_for(anna), anna.public_id, settings, NOW)
    assert list_entries(make.session, viewer, settings, JournalFilters(kinds=("lab_result",))).entries == []


def test_a_select_with_the_policy_condition_but_no_viewer_values_fails(make, settings):
    from sqlalchemy.exc import StatementError

    from portal.policy.visibility import visible_entries
    from portal.readmodel.models import JournalEntry

    adult = make.person(age=40)
    make.entry(adult, "Anteckning")
    viewer = viewer_for(make.session, actor_for(adult), adult.public_id, settings, NOW)
    with pytest.raises(StatementError, match="visible_subject"):
        make.session.execute(select(JournalEntry.title).where(visible_entries(viewer, settings))).all()
    make.session.rollback()
