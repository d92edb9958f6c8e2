"""Sign-in, sign-out and refused sign-ins leave audit rows; a support sign-in marks the person as staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.readmodel.models import Person
from tests.auth.conftest import pick_persona


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "dev_idp": True}


def actions(make) -> list[tuple[str, str]]:
    make.session.rollback()
    return [(row.action, row.outcome) for row in make.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_sign_in_is_audited(client, make, add_person):
    add_person("anna")
    pick_persona(client, "anna")
    assert ("login", "ok") in actions(make)


def test_refused_sign_in_is_audited_without_naming_anyone(client, make, add_person):
    add_person("anna", deceased=True)
    pick_persona(client, "anna")
    refused = make.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).one()
    assert (refused.outcome, refused.actor_id, refused.subject_id) == ("not_allowed", None, None)


def test_support_sign_in_marks_the_person_as_staff(client, make, add_person):
    add_person("stina")
    pick_persona(client, "stina")
    make.session.rollback()
    assert make.session.scalar(select(Person.is_staff).where(Person.given_name == "Stina")) is True
