"""What a person's record holds, by age and by tag: the recipe that calls the record builders.

Personas get what their tags ask for; random persons get the same parts by chance, at rates that give about
120 journal entries, 10 appointments and one care plan per person on average.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

from portal.demo import records_adult as adult
from portal.demo import records_care as care
from portal.demo import records_special as special
from portal.demo import records_young as young
from portal.demo.catalog_clinical import PROFILES_BY_ICD
from portal.demo.population import Person
from portal.demo.record import Clock, Item, Record
from portal.demo.records_special import Specials

_LAB_SERIES = (PROFILES_BY_ICD["E03.9"], PROFILES_BY_ICD["D50.9"])


def person_record(person: Person, clock: Clock, rng: random.Random, specials: Specials) -> Iterator[Item]:
    record = Record(person, clock, rng)
    tags = person.tags if person.persona else _random_tags(person, rng, specials)
    if person.age < 18:
        _young(record, tags)
    else:
        _adult(record, tags)
    _tagged(record, tags)
    _appointments(record, tags)
    return iter(record.items)


def _random_tags(person: Person, rng: random.Random, specials: Specials) -> set[str]:
    tags: set[str] = set()
    age, home = person.age, person.municipality
    if 6 <= age <= 18 and home:
        tags.add("school_health")
    if 15 <= age <= 22 and rng.random() < 0.25:
        tags.add("youth_clinic")
    if age >= 75 and home and rng.random() < (0.35 if age >= 80 else 0.12):
        tags.add("home_care")
        if specials.take("sip", rng, 0.5):
            tags.add("sip")
    if person.guardians and not person.protected and specials.take("guardian_block", rng, 0.003):
        tags.add("guardian_block")
    if age < 18 and specials.take("barnahus", rng, 0.004):
        tags.add("barnahus")
    if 18 <= age < 65 and specials.take("seal_unit", rng, 0.01):
        tags.add("seal_unit")
    if 18 <= age < 50 and home and specials.take("lss", rng, 0.004):
        tags.add("lss")
    if rng.random() < 0.01:
        tags.add("entered_in_error")
    return tags


def _young(record: Record, tags: set[str]) -> None:
    rng = record.rng
    young.vaccinations(record)
    young.growth(record)
    adult.chronic(record)
    adult.acute(record, rng.randint(2, 9))
    if rng.random() < 0.1:
        adult.allergies(record)
    school = young.school_unit(record)
    if school and record.person.age >= 6 and rng.random() < 0.3:
        care.plan(record, school, "Elevhälsoplan")


def _adult(record: Record, tags: set[str]) -> None:
    rng, age = record.rng, record.person.age
    force = _LAB_SERIES if "lab_series" in tags else ()
    profiles = adult.chronic(record, force)
    adult.checkups(record)
    adult.acute(record, rng.randint(6, 16) if age >= 65 else rng.randint(3, 10))
    if rng.random() < 0.2:
        adult.allergies(record)
    if rng.random() < 0.4:
        adult.referrals(record, rng.randint(1, 2))
    if age < 65 and rng.random() < 0.15:
        adult.certificate(record)
    if age >= 65:
        adult.elderly_vaccines(record)
    for profile in profiles[:2]:
        care.plan(record, record.unit(profile.unit_kind), profile.plan)
    if not profiles and rng.random() < 0.8:
        care.plan(record, record.unit("primary_care"), "Hälsoplan levnadsvanor")


def _tagged(record: Record, tags: set[str]) -> None:
    for tag, build in _TAGGED:
        if tag in tags:
            build(record)


def _hospital(record: Record) -> None:
    record.visit(record.unit("hospital"), record.days_back(30, 400), "Inskrivning slutenvård",
                 "Tilltagande andfåddhet", "Pneumoni, behandlas med antibiotika intravenöst.", klass="IMP")


def _primary_care(record: Record) -> None:
    record.visit(record.unit("primary_care"), record.days_back(7, 200), "Läkarbesök", "Hälsokontroll",
                 "Inga anmärkningar. Fortsatta levnadsvanor enligt råd.")


def _home_care(record: Record) -> None:
    care.home_care(record, record.rng.randint(20, 45))
    home = record.home
    if home:
        care.plan(record, home.home_care, "Genomförandeplan hemtjänst")


def _school(record: Record) -> None:
    school = young.school_unit(record)
    if school and not record.person.deceased_on:
        care.school_nurse(record, school)


_TAGGED = (
    ("hospital", _hospital), ("primary_care", _primary_care), ("sealed", special.sealed_entry),
    ("delayed_pathology", special.delayed_pathology), ("entered_in_error", special.entered_in_error),
    ("school_health", _school), ("youth_clinic", young.youth_clinic), ("proxy_hidden", young.counsellor_note),
    ("home_care", _home_care), ("sip", care.sip), ("seal_unit", special.seal_unit),
    ("guardian_block", special.guardian_block), ("barnahus", young.barnahus), ("lss", special.lss),
)


def _appointments(record: Record, tags: set[str]) -> None:
    rng, age = record.rng, record.person.age
    recent = record.last_day - timedelta(days=730)
    record.visits = sorted((v for v in record.visits if v[1] >= recent), key=lambda v: v[1])
    care.past_appointments(record, rng.randint(8, 14))
    care.upcoming(record, rng.randint(2, 6) if age >= 65 else rng.randint(1, 5))
    if "home_care" in tags:
        care.home_visits(record, 4)
