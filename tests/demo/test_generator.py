from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import pytest
from fhir.resources.R4B import get_fhir_model_class

from portal.demo.generator import generate
from portal.demo.output import bundles, dumps
from portal.demo.personas import PERSONAS
from portal.identity.age import age_on
from portal.identity.personnummer import parse
from tests.demo.conftest import TODAY


def _serialised(persons: int, seed: int, today: date) -> list[str]:
    return [f"{source}\t{dumps(resource)}" for source, resource in generate(persons, seed, today)]


def test_same_seed_and_day_give_byte_identical_output():
    assert _serialised(25, 3, TODAY) == _serialised(25, 3, TODAY)


def test_another_seed_gives_another_population():
    assert _serialised(25, 3, TODAY) != _serialised(25, 4, TODAY)


def test_every_resource_type_validates_as_fhir_r4(demo_items):
    by_type: dict[str, list[dict]] = defaultdict(list)
    for _, resource in demo_items:
        by_type[resource["resourceType"]].append(resource)
    sample_rng = random.Random(1)
    for kind, resources in by_type.items():
        for resource in sample_rng.sample(resources, min(len(resources), 30)):
            get_fhir_model_class(kind).model_validate(resource)
    assert len(by_type) >= 15


def test_household_bundles_validate_as_fhir_r4(demo_items):
    for _, bundle in bundles(demo_items[:400]):
        get_fhir_model_class("Bundle").model_validate(bundle)


def test_resource_ids_are_unique_and_match_the_contract(demo_items):
    keys = [(r["resourceType"], r["id"]) for _, r in demo_items]
    assert len(keys) == len(set(keys))
    assert all(len(rid) <= 64 and rid.replace("-", "").replace(".", "").isalnum() for _, rid in keys)


def test_every_time_is_timezone_aware(demo_items):
    for _, resource in demo_items[:3000]:
        for key in ("effectiveDateTime", "issued", "recordedDate", "date", "start", "authoredOn"):
            value = resource.get(key)
            if isinstance(value, str) and "T" in value:
                assert value[-6] in "+-" and value[-3] == ":", value


def test_personas_have_the_ages_their_roles_say(demo_items):
    patients = {r["id"]: r for _, r in demo_items if r["resourceType"] == "Patient"}
    for persona in PERSONAS:
        resource = patients[f"persona-{persona.key}"]
        number = resource["identifier"][0]["value"]
        assert number == persona.personnummer(TODAY)
        assert age_on(parse(number).birth_date, TODAY) == persona.years
        assert resource["birthDate"] == persona.birth_date(TODAY).isoformat()


@pytest.mark.parametrize("today", [date(2024, 2, 29), date(2025, 12, 31), date(2026, 6, 1)])
def test_personnummer_are_valid_unique_and_in_the_demo_serial_range(today):
    numbers = [r["identifier"][0]["value"] for _, r in generate(300, 2, today) if r["resourceType"] == "Patient"]
    assert len(numbers) == len(set(numbers)) == 312
    for number in numbers:
        parse(number)
        assert 980 <= int(number[8:11]) <= 999


def test_random_population_has_realistic_shares_of_children_and_elderly():
    ages = [age_on(parse(r["identifier"][0]["value"]).birth_date, TODAY)
            for _, r in generate(2000, 5, TODAY) if r["resourceType"] == "Patient"]
    children = sum(age < 18 for age in ages) / len(ages)
    elderly = sum(age >= 65 for age in ages) / len(ages)
    assert 0.16 < children < 0.27
    assert 0.15 < elderly < 0.27


def test_volumes_average_about_120_entries_10_appointments_and_one_care_plan_per_person():
    counts: dict[str, int] = defaultdict(int)
    for _, resource in generate(600, 11, TODAY):
        counts[resource["resourceType"]] += 1
    persons = counts.pop("Patient")
    not_journal = ("Organization", "RelatedPerson", "Appointment", "CarePlan", "Consent")
    journal = sum(value for key, value in counts.items() if key not in not_journal)
    assert 95 < journal / persons < 145
    assert 7 < counts["Appointment"] / persons < 13
    assert 0.7 < counts["CarePlan"] / persons < 1.3


def _identifiers(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        if "system" in value and "value" in value and value["system"].startswith("urn:oid:1.2.752.129.2.1.3"):
            yield value
        for item in value.values():
            yield from _identifiers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _identifiers(item)


def test_samordningsnummer_are_always_named_with_their_own_system():
    coordination = 0
    for _, resource in generate(800, 3, TODAY):
        for ident in _identifiers(resource):
            is_coordination = int(ident["value"][6:8]) > 60
            coordination += is_coordination
            expected = "urn:oid:1.2.752.129.2.1.3.3" if is_coordination else "urn:oid:1.2.752.129.2.1.3.1"
            assert ident["system"] == expected
    assert coordination > 0
