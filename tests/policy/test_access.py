"""The access rules of DESIGN.md section 2, each boundary on both sides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.policy.access import Forbidden, NotFound, proxy_grants, require, viewer_for
from portal.policy.viewer import Actor, Area, Mode
from tests.factories import NOW


def actor_for(person) -> Actor:
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id)


def areas_of(session, settings, reader, subject, now=NOW):
    return viewer_for(session, actor_for(reader), subject.public_id, settings, now).areas


@pytest.mark.parametrize(
    ("years", "days", "expected"),
    [
        (12, 364, set()),
        (13, 0, {Area.APPOINTMENTS, Area.CARE_PLANS, Area.ACCESS_LOG}),
        (15, 364, {Area.APPOINTMENTS, Area.CARE_PLANS, Area.ACCESS_LOG}),
        (16, 0, {Area.APPOINTMENTS, Area.CARE_PLANS, Area.ACCESS_LOG, Area.JOURNAL}),
    ],
)
def test_citizen_sees_own_appointments_from_13_and_journal_from_16(make, settings, years, days, expected):
    teen = make.person(age=years, days=days)
    assert areas_of(make.session, settings, teen, teen) == expected


@pytest.mark.parametrize(("years", "days", "allowed"), [(12, 364, True), (13, 0, False)])
def test_guardian_sees_child_until_13(make, settings, years, days, allowed):
    parent, child = make.person(age=40), make.person(age=years, days=days)
    make.relationship(parent, child)
    if allowed:
        assert areas_of(make.session, settings, parent, child) == set(Area.RECORD)
    else:
        with pytest.raises(NotFound):
            areas_of(make.session, settings, parent, child)


def test_guardian_age_limit_is_a_setting(make, settings):
    parent, child = make.person(age=40), make.person(age=14)
    make.relationship(parent, child)
    assert areas_of(make.session, replace(settings, guardian_until_age=15), parent, child) == set(Area.RECORD)


def test_self_journal_age_is_a_setting(make, settings):
    teen = make.person(age=15)
    assert Area.JOURNAL in areas_of(make.session, replace(settings, self_journal_age=15), teen, teen)


def test_birthday_counts_in_swedish_time_not_utc(make, settings):
    # Born 2013-06-15: turns 13 at midnight Swedish time, which is 22:00 UTC the day before (summer time).
    parent, child = make.person(age=40), make.person(birth_date=date(2013, 6, 15))
    make.relationship(parent, child)
    before = datetime(2026, 6, 14, 21, 59, tzinfo=UTC)
    after = datetime(2026, 6, 14, 22, 0, tzinfo=UTC)
    assert areas_of(make.session, settings, parent, child, now=before) == set(Area.RECORD)
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child, now=after)


def test_leap_day_child_turns_13_on_first_of_march(make, settings):
    parent, child = make.person(age=40), make.person(birth_date=date(2012, 2, 29))
    make.relationship(parent, child)
    last_day = datetime(2025, 2, 28, 12, 0, tzinfo=UTC)
    first_of_march = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert areas_of(make.session, settings, parent, child, now=last_day) == set(Area.RECORD)
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child, now=first_of_march)


@pytest.mark.parametrize("who", ["child", "guardian"])
def test_protected_identity_removes_the_link_entirely(make, settings, who):
    parent, child = make.person(age=40), make.person(age=6)
    make.relationship(parent, child)
    (child if who == "child" else parent).protected_identity = True
    make.session.flush()
    assert proxy_grants(make.session, parent, settings, NOW) == []
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child)


def test_deceased_subject_has_no_proxy_access(make, settings):
    parent, child = make.person(age=40), make.person(age=6, deceased=True)
    make.relationship(parent, child)
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child)


def test_blocked_guardian_sees_nothing(make, settings):
    parent, child = make.person(age=40), make.person(age=6)
    make.relationship(parent, child, blocked=True)
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child)


def test_guardian_blocked_by_consent_for_one_child_only(make, settings):
    parent, blocked_child, other_child = make.person(age=40), make.person(age=6), make.person(age=8)
    make.relationship(parent, blocked_child)
    make.relationship(parent, other_child)
    make.consent(blocked_child, "guardian_block", blocked=parent)
    listed = [person.public_id for person, _grant in proxy_grants(make.session, parent, settings, NOW)]
    assert listed == [other_child.public_id]


def test_relationship_past_its_end_date_gives_nothing(make, settings):
    parent, child = make.person(age=40), make.person(age=6)
    make.relationship(parent, child, valid_to=NOW.date() - timedelta(days=1))
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child)


def test_unit_exception_keeps_guardian_access_past_13_for_that_unit_read_only(make, settings):
    parent, child = make.person(age=40), make.person(age=15)
    unit = make.unit("Habiliteringen", kind="hospital")
    relationship = make.relationship(parent, child)
    make.exception(relationship, valid_to=NOW.date() + timedelta(days=30), unit=unit)
    viewer = viewer_for(make.session, actor_for(parent), child.public_id, settings, NOW)
    assert viewer.unit_hsa_ids == {unit.hsa_id}
    assert viewer.read_only


def test_expired_unit_exception_gives_nothing(make, settings):
    parent, child = make.person(age=40), make.person(age=15)
    relationship = make.relationship(parent, child)
    make.exception(relationship, valid_to=NOW.date() - timedelta(days=1))
    with pytest.raises(NotFound):
        areas_of(make.session, settings, parent, child)


def test_representatives_are_off_by_default(make, settings):
    god_man, client = make.person(age=58), make.person(age=72)
    make.relationship(god_man, client, kind="god_man")
    with pytest.raises(NotFound):
        areas_of(make.session, settings, god_man, client)


def test_representative_sees_only_the_granted_scope_when_turned_on(make, settings):
    god_man, client = make.person(age=58), make.person(age=72)
    make.relationship(god_man, client, kind="god_man", scope=["appointments"])
    on = replace(settings, representatives_enabled=True)
    viewer = viewer_for(make.session, actor_for(god_man), client.public_id, on, NOW)
    assert viewer.mode == Mode.REPRESENTATIVE
    assert viewer.areas == {Area.APPOINTMENTS}


def test_stranger_gets_not_found_exactly_as_for_a_missing_person(make, settings):
    stranger, someone = make.person(age=40), make.person(age=30)
    with pytest.raises(NotFound) as real:
        areas_of(make.session, settings, stranger, someone)
    with pytest.raises(NotFound) as missing:
        viewer_for(make.session, actor_for(stranger), "no-such-id", settings, NOW)
    assert str(real.value) == str(missing.value)


def test_own_journal_before_16_is_forbidden_with_a_reason(make, settings):
    teen = make.person(age=14)
    viewer = viewer_for(make.session, actor_for(teen), teen.public_id, settings, NOW)
    with pytest.raises(Forbidden, match="journal"):
        require(viewer, Area.JOURNAL)
