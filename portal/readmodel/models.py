"""The read model: denormalised tables the projector writes and the queries read.

Every row projected from FHIR carries ``source_key`` ("source|ResourceType|id") so a
newer version or a retraction finds exactly the rows it replaces. Persons and rows
shown to users have an opaque ``public_id``; the personnummer never leaves the server.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


def stable_public_id(key: str, natural_key: str) -> str:
    """An opaque id that a rebuild reproduces: keyed, so a personnummer cannot be guessed back from it."""
    mac = _keyed(key).copy()  # the key's part of HMAC done once: a third of the time of hmac.digest per id
    mac.update(natural_key.encode())
    return base64.urlsafe_b64encode(mac.digest()[:15]).decode()


@lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod="sha256")


class UnitKind:
    HOSPITAL = "hospital"
    PRIMARY_CARE = "primary_care"
    HOME_CARE = "home_care"
    ELDERLY_CARE = "elderly_care"
    SCHOOL_HEALTH = "school_health"
    YOUTH_CLINIC = "youth_clinic"
    PSYCHIATRY = "psychiatry"
    FORENSIC_PSYCHIATRY = "forensic_psychiatry"
    BARNAHUS = "barnahus"
    LSS = "lss"
    OTHER = "other"


# How a stand-in HSA-id begins: an organisation known only by a reference with no HSA-id, until it arrives (or
# for good, if it was entered in error first). It names nothing a person could look up, so it is never shown.
PLACEHOLDER_HSA_PREFIX = "~"


class Origin:
    """Where an organisation belongs: the region's health care or a municipality."""

    REGION = "region"
    MUNICIPALITY = "municipality"


class EntryKind:
    CARE_CONTACT = "care_contact"
    NOTE = "note"
    DIAGNOSIS = "diagnosis"
    LAB_RESULT = "lab_result"
    OTHER_RESULT = "other_result"
    MEDICATION = "medication"
    VACCINATION = "vaccination"
    ALLERGY = "allergy"
    REFERRAL = "referral"
    CERTIFICATE = "certificate"
    GROWTH = "growth"
    INTERVENTION = "intervention"

    ALL = (
        CARE_CONTACT, NOTE, DIAGNOSIS, LAB_RESULT, OTHER_RESULT, MEDICATION, VACCINATION,
        ALLERGY, REFERRAL, CERTIFICATE, GROWTH, INTERVENTION,
    )


class RelationshipKind:
    GUARDIAN = "guardian"
    GOD_MAN = "god_man"
    FORVALTARE = "forvaltare"
    FULLMAKT = "fullmakt"

    REPRESENTATIVES = (GOD_MAN, FORVALTARE, FULLMAKT)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    personnummer: Mapped[str] = mapped_column(String(12), unique=True)
    is_coordination_number: Mapped[bool] = mapped_column(Boolean, default=False)
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20))
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    deceased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    municipality: Mapped[str | None] = mapped_column(String(100))
    # Set when the person signs in with a staff role: staff can never be the subject of a support session.
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class PatientLink(Base):
    """Which person a source's Patient resource is: several sources, one person."""

    __tablename__ = "patient_link"

    source_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)


class Organisation(Base):
    """A care provider (region, municipality) or one of its units, keyed by HSA-id."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    origin: Mapped[str] = mapped_column(String(20), default=Origin.REGION)
    kind: Mapped[str] = mapped_column(String(40), default=UnitKind.OTHER)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(50))
    source_key: Mapped[str | None] = mapped_column(String(300), unique=True)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])


class UnitNaming(Base):
    """One reference, by a current applied version, to a unit no Organization has filled (a placeholder), with the
    reference's display. The rule for a placeholder's name and existence is in ``projection.placeholders``."""

    __tablename__ = "unit_naming"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    source_key: Mapped[str] = mapped_column(String(300), index=True)
    display: Mapped[str | None] = mapped_column(String(300))


class UnitAlias(Base):
    """An HSA-id that an earlier applied version of a unit's Organization had: entries that name it show the unit.
    Or the stand-in HSA-id of an Organization with the unit's HSA-id that no longer fills it (the row keeps the
    id of the last Organization that did): entries that name that one show the unit too.

    Kept only while no current Organization has that HSA-id (``projection.organisations``)."""

    __tablename__ = "unit_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # For another Organization with the unit's HSA-id, named by its stand-in HSA-id: its id.
    source_key: Mapped[str | None] = mapped_column(String(300))


class Relationship(Base):
    """``proxy`` may act for ``subject``: a guardian for a child, or a representative."""

    __tablename__ = "relationship"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    proxy_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    source_key: Mapped[str] = mapped_column(String(300), unique=True)

    proxy: Mapped[Person] = relationship(foreign_keys=[proxy_id])
    subject: Mapped[Person] = relationship(foreign_keys=[subject_id])


class AccessException(Base):
    """A region's per-unit exception: a guardian keeps read access past the age limit until ``valid_to``.

    Region data, not projected: it names the relationship by source key so a rebuild keeps it.
    """

    __tablename__ = "access_exception"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_key: Mapped[str] = mapped_column(String(300), index=True)
    unit_hsa_id: Mapped[str | None] = mapped_column(String(64))
    valid_to: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")


class ConsentDirective(Base):
    """From FHIR Consent: a seal (spärr) of a unit's entries, or a block of one guardian for one child."""

    __tablename__ = "consent_directive"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "seal" or "guardian_block"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    blocked_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    source_key: Mapped[str] = mapped_column(String(300), unique=True)


class _Provenance:
    """Columns every clinical row carries: who recorded it, where, and in which system.

    The care provider is the unit's parent, read through the unit: a unit that moves to another provider moves
    its rows with it without rewriting them. ``unit_id`` is indexed for the merges and removals of organisations.
    """

    unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    source_system: Mapped[str] = mapped_column(String(100), default="")
    source_key: Mapped[str] = mapped_column(String(300), unique=True)


class JournalEntry(_Provenance, Base):
    __tablename__ = "journal_entry"
    __table_args__ = (
        Index("ix_journal_person_time", "person_id", "effective_at", "id"),
        Index("ix_journal_person_kind_time", "person_id", "kind", "effective_at", "id"),
        Index("ix_journal_person_code", "person_id", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    code_system: Mapped[str | None] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(500))
    value_unit: Mapped[str | None] = mapped_column(String(50))
    reference_low: Mapped[float | None] = mapped_column(Float)
    reference_high: Mapped[float | None] = mapped_column(Float)
    reference_text: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(40))
    author_name: Mapped[str | None] = mapped_column(String(200))
    author_role: Mapped[str | None] = mapped_column(String(200))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    proxy_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    security_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    unit: Mapped[Organisation | None] = relationship(foreign_keys="JournalEntry.unit_id")


class Appointment(_Provenance, Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_person_start", "person_id", "start", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30), default="in_person")  # in_person, video, home_visit, phone
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    preparation: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    video_url: Mapped[str | None] = mapped_column(String(500))
    practitioner: Mapped[str | None] = mapped_column(String(200))

    unit: Mapped[Organisation | None] = relationship(foreign_keys="Appointment.unit_id")


class CarePlan(_Provenance, Base):
    __tablename__ = "care_plan"
    __table_args__ = (Index("ix_care_plan_person", "person_id", "next_follow_up"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30))
    is_sip: Mapped[bool] = mapped_column(Boolean, default=False)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    participants: Mapped[list[dict]] = mapped_column(JSON, default=list)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    goals: Mapped[list[CarePlanGoal]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanGoal.position"
    )
    activities: Mapped[list[CarePlanActivity]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanActivity.position"
    )
    unit: Mapped[Organisation | None] = relationship(foreign_keys="CarePlan.unit_id")


class CarePlanGoal(Base):
    __tablename__ = "care_plan_goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(40))
    due: Mapped[date | None] = mapped_column(Date)


class CarePlanActivity(Base):
    __tablename__ = "care_plan_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(40))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    responsible_name: Mapped[str | None] = mapped_column(String(300))
    scheduled: Mapped[str | None] = mapped_column(String(200))

    responsible: Mapped[Organisation | None] = relationship()


class CancelRequest(Base):
    """An outgoing message asking the source system to cancel an appointment; the read model is not edited.

    An outbox, not projected: it names the appointment by source key so a rebuild keeps it.
    """

    __tablename__ = "cancel_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_key: Mapped[str] = mapped_column(String(300), index=True)
    subject_public_id: Mapped[str] = mapped_column(String(32))
    requested_by_public_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


# Projected tables, children first: what ``readmodel rebuild`` empties and refills.
READ_MODEL_TABLES = (
    "care_plan_activity", "care_plan_goal", "care_plan", "appointment",
    "journal_entry", "consent_directive", "relationship", "patient_link",
    "unit_naming", "unit_alias", "organisation", "person",
)
