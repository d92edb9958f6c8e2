"""One person's record while it is being made: the clock, the person's random stream, ids and emitted items."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from portal.demo import fhir
from portal.demo.catalog import DOCTORS, NURSES, REGION_SOURCE, UNITS, Unit
from portal.demo.catalog_clinical import NOTE_TEMPLATES
from portal.demo.population import Person

SWEDISH_TIME = "Europe/Stockholm"
Item = tuple[str, dict[str, Any]]


@lru_cache(maxsize=65536)
def _offset(day: date) -> str:
    from zoneinfo import ZoneInfo

    moment = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(SWEDISH_TIME))
    return moment.isoformat()[-6:]


class Clock:
    """Demo time: everything is relative to ``today``; times are Swedish local time with their offset."""

    def __init__(self, today: date) -> None:
        self.today = today

    def at(self, day: date, hour: int = 9, minute: int = 0) -> str:
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{_offset(day)}"

    def day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)


class Record:
    """Collects the FHIR items of one person in order, as (source, resource)."""

    def __init__(self, person: Person, clock: Clock, rng: random.Random) -> None:
        self.person, self.clock, self.rng = person, clock, rng
        self.items: list[Item] = []
        self._count = 0
        self._region_ref = {"reference": f"Patient/{person.rid}"}
        self._number_ref = fhir.pnr_ref(person.number)
        self.home = person.municipality
        self.last_day = person.deceased_on or clock.today
        self.visits: list[tuple[Unit, date, str]] = []  # past contacts, for matching appointments

    def rid(self, prefix: str) -> str:
        self._count += 1
        return f"{self.person.rid}-{prefix}{self._count}"

    def subject(self, source: str) -> dict[str, Any]:
        return self._region_ref if source == REGION_SOURCE else self._number_ref

    def add(self, unit: Unit, resource: dict[str, Any]) -> None:
        self.items.append((unit.source, resource))

    def days_back(self, low: int, high: int) -> date:
        """A day between ``low`` and ``high`` days before the record ends, never before birth."""
        earliest = (self.last_day - self.person.birth).days
        back = self.rng.randint(min(low, earliest), min(high, earliest))
        return self.last_day - timedelta(days=back)

    def doctor(self) -> str:
        return self.rng.choice(DOCTORS)

    def nurse(self) -> str:
        return self.rng.choice(NURSES)

    def hour(self) -> tuple[int, int]:
        return self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45))

    def unit(self, kind: str) -> Unit:
        """The person's own unit of a kind: their vårdcentral or nearest hospital, else the region's first."""
        home = self.home
        if kind == "primary_care":
            return UNITS[home.primary_care] if home else UNITS["vc_flen"]
        if kind == "hospital":
            return UNITS[home.hospital] if home else UNITS["nlas_med"]
        if kind == "psychiatry":
            return UNITS["psyk_eskilstuna"]
        return UNITS["msh_med"]

    def visit(self, unit: Unit, day: date, title: str, reason: str, assessment: str, *labels: str,
              klass: str = "AMB", author: str = "") -> str:
        """A care contact with its note; returns the start time."""
        hour, minute = self.hour()
        start, end = self.clock.at(day, hour, minute), self.clock.at(day, hour, minute + 10)
        author = author or self.doctor()
        subject = self.subject(unit.source)
        self.add(unit, fhir.encounter(self.rid("e"), subject, unit, start, end, title, klass, author, reason,
                                      end, *labels))
        html = self.rng.choice(NOTE_TEMPLATES).format(reason=reason, assessment=assessment)
        self.add(unit, fhir.composition(self.rid("n"), subject, unit, end, title, html, author, *labels))
        self.visits.append((unit, day, title))
        return start
