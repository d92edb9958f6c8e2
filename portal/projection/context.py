"""The projector's working state: a session, the id key, lookups kept in memory, rows waiting to be inserted."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Result, Table, exists, insert, select, text
from sqlalchemy.orm import Session

from portal.db import on_postgresql
from portal.identity import personnummer
from portal.ingestion import fhir
from portal.ingestion.fhir import HSA_SYSTEM, PERSON_SYSTEMS
from portal.projection import placeholders
from portal.projection.bulk import among, insert_rows
from portal.readmodel.models import (
    PLACEHOLDER_HSA_PREFIX,
    Organisation,
    PatientLink,
    Person,
    UnitAlias,
    UnitNaming,
    stable_public_id,
)

# Lookups read the tables, not ORM entities: nothing to autoflush, nothing to track.
PERSONS: Table = Person.__table__  # type: ignore[assignment]
# Ids for the persons a chunk will add, taken from the sequence in one go (PostgreSQL): their rows can then be
# batched like the rows that point at them, which are stored after them.
PERSON_IDS = text("SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, :count)")
LINKS: Table = PatientLink.__table__  # type: ignore[assignment]
ORGANISATIONS: Table = Organisation.__table__  # type: ignore[assignment]
NAMINGS: Table = UnitNaming.__table__  # type: ignore[assignment]
ALIASES: Table = UnitAlias.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Child:
    """A row of ``model`` that points at a batched parent row through its column ``link``."""

    model: Any
    link: str
    values: dict[str, Any]


class Waiting(Exception):  # noqa: N818 - a state, not a failure
    """The resource names a person not known yet; ``key`` is what it waits for."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Meta:
    """What a handler knows about the event besides the resource."""

    source: str
    key: str  # "source|ResourceType|id"
    received_at: datetime
    last_updated: datetime | None


NO_BLOCKS: frozenset[int] = frozenset()


def person_waiting_key(public_id: str) -> str:
    return f"person:{public_id}"


def _nothing() -> None:
    return None


@dataclass
class Rows:
    """Batched rows taken out of a projection, to be stored by ``store`` (perhaps by another thread)."""

    parents: dict[Any, list[tuple[dict[str, Any], list[Child]]]] = field(default_factory=dict)
    pending: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)


def store(session: Session, rows: Rows) -> None:
    """Insert ``rows``: persons first, parents next (their ids complete their children), then the rest in bulk."""
    pending = defaultdict(list, rows.pending)
    insert_rows(session, PERSONS, pending.pop(Person, []))
    for model, items in rows.parents.items():
        table: Table = model.__table__
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = session.execute(returning, [values for values, _ in items]).scalars().all()
        for parent_id, (_, children) in zip(ids, items, strict=True):
            for child in children:
                pending[child.model].append({child.link: parent_id, **child.values})
    for model, values in pending.items():
        insert_rows(session, model.__table__, values)


class Projection:
    """Lookups are cached per run; inserts of rows nobody points at are batched.

    Persons and organisations are inserted at once (others point at them), and every link is cached when it is
    added, so a lookup of a person, link or organisation needs no sync of the batched rows first. Those caches
    also remember what does not exist (None), so a run asks the database about each key once.
    """

    def __init__(self, session: Session, secret_key: str, *, fresh: bool = False) -> None:
        self.session = session
        self.secret_key = secret_key
        self.pending: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.parents: dict[Any, list[tuple[dict[str, Any], list[Child]]]] = defaultdict(list)
        self.released: list[str] = []  # waiting keys a newly applied Patient satisfies
        # Called before a statement that may touch rows a chunk still being stored wrote; ``touched`` when one
        # changed what lookups find (see ingestion.stream).
        self.settle: Callable[[], None] = _nothing
        self.touched = False
        self.person_ids: list[int] = []  # taken from the sequence, not used yet
        self.reset()
        # A rebuild starts from an empty read model: what the run has not added does not exist, so a lookup of a
        # person, link, organisation or guardian block that misses the caches needs no query.
        self.fresh = fresh

    def reset(self) -> None:
        """Forget cached lookups (after a rollback they may name rows that no longer exist)."""
        self.pending.clear()
        self.parents.clear()
        self.released.clear()
        self.persons: dict[str, int | None] = {}
        self.links: dict[str, int | None] = {}
        self.orgs: dict[str, int] = {}  # hsa-id -> id
        self.org_keys: dict[str, str] = {}  # source key -> hsa-id
        self.aliases: dict[str, int | None] = {}  # an HSA-id a unit's Organization had earlier -> the unit's id
        # Placeholder id -> the display it is named by (None: its HSA-id), for every cached unit that is one.
        self.placeholders: dict[int, str | None] = {}
        # Person id -> the persons blocked as their guardian. Never changed in place, so persons without blocks share
        # NO_BLOCKS (an empty set of one's own is 216 bytes); a rebuild (fresh) keeps no entry for them at all.
        self.guardian_blocks: dict[int, frozenset[int]] = {}
        self.fresh = False  # the caches no longer know everything

    def cached(self) -> int:
        """How many lookups the caches hold."""
        return (len(self.persons) + len(self.links) + len(self.orgs) + len(self.org_keys) + len(self.aliases)
                + len(self.placeholders) + len(self.guardian_blocks))

    def public_id(self, natural_key: str) -> str:
        return stable_public_id(self.secret_key, natural_key)

    def add(self, model: Any, values: dict[str, Any]) -> None:
        self.pending[model].append(values)

    def add_with_children(self, model: Any, values: dict[str, Any], children: list[Child]) -> None:
        """A batched row with rows that point at it (by ``Child.link``): the ids come at the next sync."""
        self.parents[model].append((values, children))

    def sync(self, *models: Any) -> None:
        """Insert batched rows (of ``models``, or all), then flush the session, so queries see them."""
        if models:
            store(self.session, Rows(pending={model: self.pending.pop(model, []) for model in (Person, *models)}))
        else:
            store(self.session, self.take())
        self.session.flush()

    def take(self) -> Rows:
        """The batched rows, which the projection forgets: whoever takes them stores them."""
        rows = Rows(dict(self.parents), dict(self.pending))
        self.parents.clear()
        self.pending.clear()
        return rows

    def execute(self, statement: Executable, *, keeps_lookups: bool = False) -> Result[Any]:
        """Run ``statement`` after the batched rows. ``keeps_lookups``: it changes no row that a cached lookup
        (person, link, organisation, guardian block, waiting event) would find, or the caches follow it."""
        self.settle()
        self.touched |= not keeps_lookups
        self.sync()
        return self.session.execute(statement)

    def lookup(self, statement: Executable) -> Result[Any]:
        """A read of persons, links or organisations: what is batched of those is cached, so no sync."""
        return self.session.execute(statement)

    def insert_now(self, model: Any, values: dict[str, Any]) -> int:
        """Insert one row others will point at; its id."""
        table: Table = model.__table__
        return int(self.session.execute(insert(table).returning(table.c.id), values).scalar_one())

    # Persons

    def add_person(self, values: dict[str, Any]) -> int:
        """A new person's id; its row is batched when an id was taken for it, else inserted now."""
        if not self.person_ids:
            return self.insert_now(Person, values)
        person_id = self.person_ids.pop()
        self.add(Person, {"id": person_id, **values})
        return person_id

    def person_id(self, pnr: str) -> int | None:
        if pnr not in self.persons and self.fresh:
            return None
        if pnr not in self.persons:
            self.persons[pnr] = self.lookup(select(PERSONS.c.id).where(PERSONS.c.personnummer == pnr)).scalar()
        return self.persons[pnr]

    def linked_person(self, key: str) -> int | None:
        if key not in self.links and self.fresh:
            return None
        if key not in self.links:
            self.links[key] = self.lookup(select(LINKS.c.person_id).where(LINKS.c.source_key == key)).scalar()
        return self.links[key]

    def preload_patients(self, patients: Iterable[tuple[str, str | None]]) -> None:
        """Persons and links of the Patients (link key, personnummer) a chunk is about to apply, in two queries."""
        keys, numbers = set(), set()
        for key, pnr in patients:
            keys.add(key)
            if pnr:
                numbers.add(pnr)
        keys -= self.links.keys()
        numbers -= self.persons.keys()
        if keys:
            self.links.update(dict.fromkeys(keys))
            found = self.lookup(select(LINKS.c.source_key, LINKS.c.person_id).where(
                among(self.session, LINKS.c.source_key, sorted(keys))))
            self.links.update({row.source_key: row.person_id for row in found})
        if numbers:
            self.persons.update(dict.fromkeys(numbers))
            found = self.lookup(select(PERSONS.c.personnummer, PERSONS.c.id).where(
                among(self.session, PERSONS.c.personnummer, sorted(numbers))))
            self.persons.update({row.personnummer: row.id for row in found})
            self._take_person_ids(sum(self.persons[pnr] is None for pnr in numbers))

    def _take_person_ids(self, count: int) -> None:
        if count > len(self.person_ids) and on_postgresql(self.session):
            self.person_ids += self.lookup(PERSON_IDS.bindparams(count=count - len(self.person_ids))).scalars()

    def person_for(self, reference: Any, source: str) -> int:
        """The person a Patient reference or personnummer identifier names; raises Waiting when unknown."""
        patient_id = fhir.reference_id(reference, "Patient")
        if patient_id:
            key = f"{source}|Patient|{patient_id}"
            found = self.linked_person(key)
            if found is None:
                raise Waiting(key)
            return found
        pnr = personnummer.parse(fhir.identifier_in(reference, PERSON_SYSTEMS) or "").value
        found = self.person_id(pnr)
        if found is None:
            raise Waiting(person_waiting_key(self.public_id(pnr)))
        return found

    # Organisations

    def org(self, hsa_id: str) -> int | None:
        if hsa_id not in self.orgs and self.fresh:
            return None
        if hsa_id not in self.orgs:
            named = exists().where(NAMINGS.c.unit_id == ORGANISATIONS.c.id)
            row = self.lookup(select(ORGANISATIONS.c.id, ORGANISATIONS.c.name, named)
                              .where(ORGANISATIONS.c.hsa_id == hsa_id)).first()
            if row is None:
                return None
            org_id, name, is_placeholder = tuple(row)
            self.orgs[hsa_id] = org_id
            if is_placeholder:
                self.placeholders[org_id] = None if name == hsa_id else name
        return self.orgs[hsa_id]

    def renamed_unit(self, hsa_id: str) -> int | None:
        """The unit whose Organization had ``hsa_id`` in an earlier applied version (none has it now)."""
        if hsa_id not in self.aliases and not self.fresh:
            self.aliases[hsa_id] = self.lookup(select(ALIASES.c.unit_id).where(ALIASES.c.hsa_id == hsa_id)).scalar()
        return self.aliases.get(hsa_id)

    def org_hsa_by_key(self, key: str) -> str | None:
        if key not in self.org_keys and self.fresh:
            return None
        if key not in self.org_keys:
            hsa = self.lookup(select(ORGANISATIONS.c.hsa_id).where(ORGANISATIONS.c.source_key == key)).scalar()
            if hsa is None:
                return None
            self.org_keys[key] = hsa
        return self.org_keys[key]

    def unit_for(self, reference: Any, meta: Meta) -> int | None:
        """The unit an HSA-id identifier or an Organization reference in the version ``meta`` names: the unit with
        that HSA-id, else the unit that had it (``UnitAlias``), else a placeholder (see ``placeholders``)."""
        hsa = fhir.identifier_in(reference, (HSA_SYSTEM,))
        key = None
        if hsa is None:
            org_id = fhir.reference_id(reference, "Organization")
            if org_id is None:
                return None
            key = f"{meta.source}|Organization|{org_id}"
            hsa = self.org_hsa_by_key(key) or placeholder_hsa(key)
        display = placeholders.display_of(reference)
        found = self.aliases.get(hsa) or self.org(hsa) or self.renamed_unit(hsa)
        if found is None:
            found = self.create_org(hsa, display or hsa, key)
            self.placeholders[found] = display
        if found in self.placeholders:
            placeholders.named(self, found, meta.key, display)
        return found

    def create_org(self, hsa: str, name: str, key: str | None) -> int:
        org_id = self.insert_now(Organisation, {"hsa_id": hsa, "name": name[:300], "source_key": key})
        self.orgs[hsa] = org_id
        if key:
            self.org_keys[key] = hsa
        return org_id


def placeholder_hsa(key: str) -> str:
    """A stand-in HSA-id for an Organization known only by reference, until it arrives."""
    return PLACEHOLDER_HSA_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:40]
