"""The demo population as a stream of FHIR R4 resources: ``generate`` yields (source, resource) pairs.

Order: every source's organisations, then the personas, then household after household. Nothing is kept
between households but the set of used numbers, so 100,000 persons stream in constant memory. The same
seed and the same ``today`` give the same stream, byte for byte once serialised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from itertools import chain

from portal.demo import fhir
from portal.demo.catalog import PROVIDERS, UNITS, Unit
from portal.demo.fhir_people import PatientFacts, patient, related_person
from portal.demo.population import Person, Population
from portal.demo.profiles import person_record
from portal.demo.record import Clock, Item
from portal.demo.records_special import Specials


def generate(persons: int, seed: int, today: date) -> Iterator[Item]:
    """Every item, in order."""
    for group in generate_households(persons, seed, today):
        yield from group


def generate_households(persons: int, seed: int, today: date) -> Iterator[list[Item]]:
    """The items in groups: the organisations first, then the personas, then one group per household."""
    clock = Clock(today)
    population = Population(seed, today)
    specials = Specials()
    yield list(organisations(clock))
    for household in chain([population.personas()], population.households(persons)):
        yield list(household_items(household, clock, seed, specials))


def organisations(clock: Clock) -> Iterator[Item]:
    updated = clock.at(clock.day(-400), 8)
    units: list[Unit] = [*PROVIDERS, *UNITS.values()]
    for index, unit in enumerate(units):
        phone = f"0{16 if unit.city == 'Eskilstuna' else 155}-{100000 + index * 37:06d}"
        address = f"{unit.name}, {unit.city}"
        yield unit.source, fhir.organization(unit, address, phone, updated)


def household_items(household: list[Person], clock: Clock, seed: int, specials: Specials) -> Iterator[Item]:
    for person in household:
        yield "region-sormland", patient(_facts(person, clock), clock.at(person.birth, 12))
    for person in household:
        yield from _relationships(person, clock)
    for person in household:
        rng = random.Random(f"{seed}:{person.rid}")  # noqa: S311  # nosec B311 - demo data, not security
        yield from person_record(person, clock, rng, specials)


def _facts(person: Person, clock: Clock) -> PatientFacts:
    deceased = clock.at(person.deceased_on, 4, 30) if person.deceased_on else ""
    return PatientFacts(person.rid, person.number, person.coordination, person.given, person.family,
                        person.birth.isoformat(), "female" if person.female else "male", person.city,
                        person.street, person.protected, deceased)


def _relationships(person: Person, clock: Clock) -> Iterator[Item]:
    child = {"reference": f"Patient/{person.rid}"}
    for index, guardian in enumerate(person.guardians, start=1):
        yield "region-sormland", related_person(
            f"{person.rid}-g{index}", child, guardian.number, (guardian.given, guardian.family),
            person.birth.isoformat(), clock.at(person.birth, 13))
    for index, representative in enumerate(person.representatives, start=1):
        start = max(person.birth, clock.day(-900))
        yield "region-sormland", related_person(
            f"{person.rid}-r{index}", child, representative.number, (representative.given, representative.family),
            start.isoformat(), clock.at(start, 13), kind="god_man", scope="journal,appointments,care_plans")

