"""Readable but hostile FHIR is refused with the element named, never stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.ingestion.models import QuarantinedInput
from portal.ingestion.pipeline import ingest
from portal.readmodel.models import Person

PATIENT = {
    "resourceType": "Patient", "id": "p1", "meta": {"versionId": "1"},
    "identifier": [{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "198001019804"}],
    "name": [{"family": "Ek", "given": ["Sven"]}], "birthDate": "1980-01-01",
}


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"name": "Sven Ek"}, "Patient.name"),
        ({"name": [{"family": "E" * 201}]}, "Patient.name[0]"),
        ({"name": [{"family": "Ek", "given": [5]}]}, "Patient.name[0]"),
        ({"gender": "x" * 100_001}, "Patient.gender"),
    ],
)
def test_hostile_patient_is_quarantined_naming_the_element(app, make, change, element):
    report = ingest(make.session, [{**PATIENT, **change}], "test", secret_key="k" * 32)
    assert report.quarantined == 1
    assert make.session.scalar(select(QuarantinedInput.element)) == element
    assert make.session.scalar(select(func.count()).select_from(Person)) == 0
