"""Support sessions: only with the citizen's fresh code, read-only, time-boxed, re-checked on every use."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.journal.queries import JournalFilters, list_entries
from portal.policy.access import Forbidden, NotFound, require, viewer_for_support
from portal.policy.viewer import Actor, Area, Mode
from portal.support import service
from portal.support.service import Agent, SupportRefused
from tests.factories import NOW

SECRET = "s" * 40
REASON = "Hjälper med att hitta provsvar"


@pytest.fixture
def citizen(make):
    return make.person("Anna", "Lindqvist", age=45)


@pytest.fixture
def agent(make):
    staff = make.person("Stina", "Ek", age=39, is_staff=True)
    actor = Actor(public_id=staff.public_id, name="Stina Ek", person_id=staff.id, roles=frozenset({"support"}),
                  organisation="Regionens invånarservice")
    return Agent(actor, "stina-sub", NOW - timedelta(minutes=2))


def me(person) -> Actor:
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id)


def code_for(make, settings, person, at=NOW) -> str:
    return service.issue_code(make.session, person, me(person), SECRET, settings, at)


def open_session(make, settings, agent, citizen, **changes):
    code = changes.pop("code", None) or code_for(make, settings, citizen)
    arguments = {"personnummer": citizen.personnummer, "code": code, "reason": REASON, "ticket": "INC-1001",
                 "now": NOW, **changes}
    return service.start(make.session, agent, secret=SECRET, settings=settings, **arguments)


def test_agent_with_the_citizens_code_opens_a_read_only_support_view(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    viewer = viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW)
    assert (viewer.mode, viewer.read_only, viewer.subject.public_id) == (Mode.SUPPORT, True, citizen.public_id)


def test_support_session_lasts_at_most_30_minutes(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    assert support.expires_at == NOW + timedelta(minutes=30)
    with pytest.raises(NotFound):
        viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW + timedelta(minutes=30))


def test_code_is_one_time(make, settings, agent, citizen):
    code = code_for(make, settings, citizen)
    open_session(make, settings, agent, citizen, code=code)
    with pytest.raises(SupportRefused, match="code_invalid"):
        open_session(make, settings, agent, citizen, code=code)


def test_code_expires_after_10_minutes(make, settings, agent, citizen):
    code = code_for(make, settings, citizen, at=NOW - timedelta(minutes=10))
    with pytest.raises(SupportRefused, match="code_invalid"):
        open_session(make, settings, agent, citizen, code=code)


def test_a_new_code_voids_the_old_one(make, settings, agent, citizen):
    old = code_for(make, settings, citizen)
    code_for(make, settings, citizen)
    with pytest.raises(SupportRefused, match="code_invalid"):
        open_session(make, settings, agent, citizen, code=old)


def test_another_persons_code_does_not_open_this_record(make, settings, agent, citizen):
    other = make.person("Olle", age=50)
    code = code_for(make, settings, other)
    with pytest.raises(SupportRefused, match="code_invalid"):
        open_session(make, settings, agent, citizen, code=code)


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("reason", "för kort", "reason_too_short"),
    ("ticket", "  ", "ticket_missing"),
    ("personnummer", "19800101-0000", "personnummer_invalid"),
])
def test_agent_must_give_reason_ticket_and_a_valid_number(make, settings, agent, citizen, field, value, reason):
    with pytest.raises(SupportRefused, match=reason):
        open_session(make, settings, agent, citizen, **{field: value})


def test_agent_needs_the_support_role(make, settings, agent, citizen):
    plain = replace(agent, actor=replace(agent.actor, roles=frozenset()))
    with pytest.raises(SupportRefused, match="not_support"):
        open_session(make, settings, plain, citizen)


def test_agent_needs_a_fresh_sign_in(make, settings, agent, citizen):
    stale = replace(agent, login_at=NOW - timedelta(minutes=16))
    with pytest.raises(SupportRefused, match="login_not_fresh"):
        open_session(make, settings, stale, citizen)


@pytest.mark.parametrize("flag", ["is_staff", "protected_identity"])
def test_staff_and_protected_persons_are_never_subjects_and_the_answer_does_not_tell(make, settings, agent, flag):
    subject = make.person("Skyddad", age=30, **{flag: True})
    with pytest.raises(SupportRefused, match="code_invalid"):
        open_session(make, settings, agent, subject)
    refused = make.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).one()
    assert refused.outcome == "subject_not_allowed"


def test_role_removed_mid_session_stops_the_next_request(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    demoted = replace(agent.actor, roles=frozenset())
    with pytest.raises(NotFound):
        viewer_for_support(make.session, demoted, support, agent.sub, settings, NOW + timedelta(minutes=1))


def test_another_agent_cannot_ride_on_the_session(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    with pytest.raises(NotFound):
        viewer_for_support(make.session, agent.actor, support, "other-agent-sub", settings, NOW)


def test_ended_session_gives_nothing_more(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    service.end(make.session, support, "citizen", me(citizen), NOW + timedelta(minutes=3))
    with pytest.raises(NotFound):
        viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW + timedelta(minutes=4))


def test_support_sees_neither_sealed_nor_proxy_hidden_entries_nor_the_access_log(make, settings, agent, citizen):
    make.entry(citizen, "Spärrad anteckning", sealed=True)
    make.entry(citizen, "Ungdomsmottagning", proxy_hidden=True)
    make.entry(citizen, "Vårdcentralsbesök")
    support = open_session(make, settings, agent, citizen)
    viewer = viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW)
    titles = {entry.title for entry in list_entries(make.session, viewer, settings, JournalFilters()).entries}
    assert titles == {"Vårdcentralsbesök"}
    with pytest.raises(NotFound):
        require(viewer, Area.ACCESS_LOG)


def test_support_reads_are_audited_with_both_identities(make, settings, agent, citizen):
    support = open_session(make, settings, agent, citizen)
    viewer = viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW)
    list_entries(make.session, viewer, settings, JournalFilters())
    read = make.session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).one()
    assert (read.actor_name, read.actor_org, read.subject_id, read.support_session_id) == (
        "Stina Ek", "Regionens invånarservice", citizen.public_id, support.id)


def test_fourteen_year_old_journal_stays_closed_in_support_too(make, settings, agent):
    teen = make.person("Oskar", age=14)
    support = open_session(make, settings, agent, teen)
    viewer = viewer_for_support(make.session, agent.actor, support, agent.sub, settings, NOW)
    with pytest.raises((NotFound, Forbidden)):
        require(viewer, Area.JOURNAL)
