"""Malformed FHIR to POST /ingest/fhir with a real ingest token: never a server error, never a partial resource.

Every case counts the rows of the event log and of every read-model table before and after: a refused request
leaves them as they were (its reason goes to the quarantine, which is not read by anyone but operators).
"""

from __future__ import annotations

import json

import hypothesis
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.ingestion.models import ResourceEvent
from portal.readmodel.models import (
    Appointment,
    CarePlan,
    ConsentDirective,
    JournalEntry,
    Organisation,
    Person,
    Relationship,
)
from tests.ingestion import fhir_factories as fhir
from tests.security.conftest import bearer, ingest_token

TABLES = (ResourceEvent, Person, Organisation, Relationship, ConsentDirective, JournalEntry, Appointment, CarePlan)
PATIENT = json.dumps(fhir.patient()).encode()


def _nested(depth: int) -> bytes:
    return b'{"resourceType": "Patient", "id": "deep", "extension": ' + b"[" * depth + b"]" * depth + b"}"


def _patient(**changes) -> bytes:
    return json.dumps({**fhir.patient(), **changes}).encode()


def _transaction_with_one_bad_entry() -> bytes:
    bad = fhir.encounter("e2", subject={"reference": "Patient/p1"}, period={"start": "2024-02-30"})
    return json.dumps(fhir.bundle("transaction", fhir.organization(), fhir.patient(), fhir.encounter(), bad)).encode()


MALFORMED: dict[str, bytes] = {
    **{f"truncated at {cut}": PATIENT[:cut] for cut in (0, 1, 17, len(PATIENT) // 2, len(PATIENT) - 1)},
    "nested 100 deep": _nested(100),
    "nested 100000 deep": _nested(100_000),
    "huge id": _patient(id="p" * 100_000),
    "many identifiers": _patient(identifier=[{"system": "urn:x", "value": str(n)} for n in range(50_000)]),
    "birthDate is a number": _patient(birthDate=19800517),
    "identifier is an object": _patient(identifier={"value": "198005179818"}),
    "meta is a list": _patient(meta=[1, 2]),
    "resourceType is a number": _patient(resourceType=5),
    "id is an object": _patient(id={"x": 1}),
    "unknown resourceType": _patient(resourceType="Spaceship"),
    "invalid UTF-8": b'{"resourceType": "Patient", "id": "p1", "name": [{"family": "\xff\xfe\xc3"}]}',
    "latin-1": '{"resourceType": "Patient", "id": "p1", "name": [{"family": "Åström"}]}'.encode("latin-1"),
    "lone surrogate": b'{"resourceType": "Patient", "id": "p1", "name": [{"family": "\\ud800"}]}',
    "NUL in a string": _patient(name=[{"family": "Ek\u0000"}]),
    "NUL byte in the body": PATIENT[:20] + b"\x00" + PATIENT[20:],
    "NaN and infinity": b'{"resourceType": "Observation", "id": "o1", "valueQuantity": {"value": NaN}, "x": 1e999}',
    "empty object": b"{}",
    "null": b"null",
    "a number": b"12",
    "a list of junk": b"[1, \"two\", null, {}]",
    "duplicate keys": b'{"resourceType": "Patient", "resourceType": "Bundle", "id": "p1"}',
    "bundle of bundles": json.dumps(fhir.bundle("transaction", fhir.bundle("transaction", fhir.patient()))).encode(),
    "bundle entry is a string": b'{"resourceType": "Bundle", "type": "transaction", "entry": ["x"]}',
    "bundle type missing": b'{"resourceType": "Bundle", "entry": []}',
    "transaction with one bad entry": _transaction_with_one_bad_entry(),
}


# Hostile but readable: stored whole or refused whole, never a server error. (The contract checks neither string
# lengths nor the shape of HumanName; see the hardening note.)
WHOLE_OR_NOTHING: dict[str, bytes] = {
    "huge name": _patient(name=[{"family": "E" * 3_000_000}]),
    "name is a string": _patient(name="Anna"),
}


def _counts(session) -> dict[str, int]:
    return {table.__name__: session.scalar(select(func.count()).select_from(table)) for table in TABLES}


@pytest.fixture
def post(client):
    token = ingest_token(client)

    def send(body: bytes):
        headers = {**bearer(token), "Content-Type": "application/fhir+json"}
        return client.post("/ingest/fhir", data=body, headers=headers)

    return send


def test_a_valid_transaction_is_stored_whole(post, make):
    body = json.dumps(fhir.bundle("transaction", fhir.organization(), fhir.patient(), fhir.encounter())).encode()
    response = post(body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _counts(make.session)["Person"] == 1


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_fhir_is_refused_without_a_server_error_or_a_partial_resource(post, make, case):
    before = _counts(make.session)
    response = post(MALFORMED[case])
    assert 400 <= response.status_code < 500, (case, response.status_code, response.get_data(as_text=True)[:300])
    assert response.get_json()["resourceType"] == "OperationOutcome"
    make.session.rollback()
    assert _counts(make.session) == before, case


@pytest.mark.parametrize("case", list(WHOLE_OR_NOTHING))
def test_hostile_but_readable_fhir_is_stored_whole_or_not_at_all(post, make, case):
    response = post(WHOLE_OR_NOTHING[case])
    assert response.status_code < 500, case
    make.session.rollback()
    stored = _counts(make.session)
    assert stored["Person"] == (1 if response.status_code == 200 else 0)
    assert stored["ResourceEvent"] == stored["Person"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
RESOURCE_TYPES = st.sampled_from(["Patient", "Observation", "Encounter", "Bundle", "RelatedPerson", "Consent",
                                  "CarePlan", "Appointment", "Organization", "Condition"])


def test_random_resources_never_give_a_server_error(post, make):
    cases = 0

    @hypothesis.given(kind=RESOURCE_TYPES, body=st.dictionaries(st.sampled_from(
        ["id", "meta", "subject", "patient", "identifier", "entry", "type", "status", "code", "valueQuantity",
         "effectiveDateTime", "period", "name", "birthDate", "category", "performer"]), JSON_VALUES, max_size=8))
    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def run(kind, body) -> None:
        nonlocal cases
        cases += 1
        response = post(json.dumps({"resourceType": kind, **body}).encode())
        assert response.status_code < 500, (kind, body, response.get_data(as_text=True)[:300])

    run()
    print(f"\ningestion fuzz cases: {cases + len(MALFORMED) + len(WHOLE_OR_NOTHING)}")
