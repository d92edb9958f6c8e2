"""Every quarantine reason: a row with reason and FHIRPath element, an OperationOutcome issue, no personnummer."""

from __future__ import annotations

import pytest

from portal.ingestion import report as report_module
from portal.ingestion.models import QuarantinedInput
from portal.ingestion.parsing import parse_document
from portal.readmodel.models import JournalEntry
from tests.ingestion import fhir_factories as f

BAD_PNR = f.PNR_ADULT[:-1] + str((int(f.PNR_ADULT[-1]) + 1) % 10)

CASES = [
    ("not-fhir", "resourceType", {"id": "x"}),
    ("unknown-resource-type", "resourceType", {"resourceType": "Basic", "id": "x"}),
    ("missing-element", "Patient.id", {k: v for k, v in f.patient().items() if k != "id"}),
    ("invalid-value", "Patient.id", f.patient(pid="no spaces")),
    ("missing-element", "Patient.identifier", f.patient(identifier=[])),
    ("invalid-identifier", "Patient.identifier", f.patient(identifier=[
        {"system": "urn:oid:1.2.752.129.2.1.3.1", "value": f.PNR_ADULT},
        {"system": "urn:oid:1.2.752.129.2.1.3.1", "value": f.PNR_CHILD}])),
    ("invalid-personnummer", "Patient.identifier[0].value",
     f.patient(identifier=[{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": BAD_PNR}])),
    ("invalid-personnummer", "Patient.identifier[0].value",
     f.patient(identifier=[{"system": "urn:oid:1.2.752.129.2.1.3.1"}])),
    ("invalid-identifier", "Patient.identifier[0].system",
     f.patient(identifier=[{"system": "urn:oid:1.2.752.129.2.1.3.3", "value": f.PNR_ADULT}])),
    ("invalid-value", "Patient.birthDate", f.patient(birthDate="1999-01-01")),
    ("invalid-date", "Patient.birthDate", f.patient(birthDate="1980-02-30")),
    ("invalid-date", "Encounter.period.start", f.encounter(period={"start": "2024-13-01T00:00:00Z"})),
    ("invalid-date", "Encounter.meta.lastUpdated", f.encounter(meta={"lastUpdated": "yesterday"})),
    # the calendar's edges: before the year 1 in UTC, after 9999 in Swedish time, where the pages would show it
    ("invalid-date", "Encounter.period.start", f.encounter(period={"start": "0001-01-01T00:30:00+01:00"})),
    ("invalid-date", "Encounter.period.start", f.encounter(period={"start": "9999-12-31T23:30:00Z"})),
    ("invalid-date", "Encounter.period.start", f.encounter(period={"start": "2024-01-05T09:00:00+01:00\n"})),
    ("invalid-value", "Encounter.id", f.encounter("e1\n")),
    ("invalid-value", "Encounter.meta.versionId", f.encounter(meta=f.meta("2\n"))),
    ("missing-element", "Encounter.subject", {k: v for k, v in f.encounter().items() if k != "subject"}),
    ("invalid-personnummer", "Encounter.subject.identifier.value", f.encounter(subject=f.pnr_ref(BAD_PNR))),
    ("missing-element", "Encounter.period.start", f.encounter(period={})),
    ("missing-element", "Organization.identifier", f.organization(identifier=[])),
    ("invalid-value", "RelatedPerson.relationship", f.related_person(relationship=[{"text": "granne"}])),
    ("invalid-value", "Consent.scope", f.consent(code="other")),
]


@pytest.mark.parametrize(("reason", "element", "resource"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_invalid_resource_is_quarantined_with_reason_and_element(run, rows, reason, element, resource):
    report = run(resource)
    assert report.counts()["quarantined"] == 1 and report.received == 1
    [row] = rows(QuarantinedInput)
    assert (row.reason, row.element) == (reason, element)
    issue = report.to_operation_outcome()["issue"][0]
    assert issue["expression"] == [element] and issue["details"]["coding"][0]["code"] == reason
    for pnr in (f.PNR_ADULT, BAD_PNR, f.PNR_CHILD):
        assert pnr not in row.message and pnr not in str(report.to_operation_outcome())


@pytest.mark.parametrize(("raw", "reason"), [
    (b"\xff\xfe not utf-8", "not-json"),
    (b"{not json", "not-json"),
    (b"[" * 100_000 + b"]" * 100_000, "not-json"),
    (b'{"a":' * 70 + b"1" + b"}" * 70, "not-json"),
    (b"x" * 2_000_001, "too-large"),
])
def test_unreadable_input_is_quarantined_not_raised(run, rows, raw, reason):
    report = run(parse_document(raw, "upload.json", max_bytes=2_000_000))
    assert report.quarantined == 1
    assert rows(QuarantinedInput)[0].reason == reason


def test_bundle_of_unknown_type_is_quarantined(run, rows):
    report = run({"resourceType": "Bundle", "type": "message", "entry": [{"resource": f.patient()}]})
    assert report.quarantined == 1 and rows(QuarantinedInput)[0].element == "Bundle.type"


def test_delete_of_a_malformed_url_is_quarantined(run, rows):
    report = run(f.bundle("batch", deletes=("nonsense",)))
    assert report.quarantined == 1 and rows(QuarantinedInput)[0].element == "Bundle.entry[0].request.url"


def test_a_date_at_the_calendars_edge_is_quarantined_and_the_run_goes_on(run, rows):
    report = run(f.patient(), f.encounter("e1", period={"start": "0001-01-01"}), f.encounter("e2"))
    assert report.counts()["quarantined"] == 1 and report.counts()["applied"] == 2
    assert [entry.source_key.rsplit("|", 1)[-1] for entry in rows(JournalEntry)] == ["e2"]


def test_a_version_last_updated_before_the_year_1000_is_older_than_one_from_this_century(run, rows):
    newer = f.encounter(type=[{"text": "Nyare"}], meta=f.meta("2", "2024-06-01T10:00:00Z"))
    older = f.encounter(type=[{"text": "Äldre"}], meta=f.meta("1", "0999-06-01T10:00:00Z"))
    run(f.patient(), newer)
    run(older)
    assert [entry.title for entry in rows(JournalEntry)] == ["Nyare"]


def test_a_batch_of_many_broken_resources_lists_the_first_issues_and_counts_the_rest(run, rows, monkeypatch):
    monkeypatch.setattr(report_module, "MAX_LISTED_ISSUES", 5)
    broken = [f.encounter(f"e{number}", period={}) for number in range(8)]
    report = run(f.bundle("batch", f.patient(), *broken))
    assert report.counts()["quarantined"] == 8 and report.counts()["applied"] == 1
    assert len(rows(QuarantinedInput)) == 8  # every one kept, listed or not
    issues = report.to_operation_outcome()["issue"]
    assert [issue["severity"] for issue in issues] == ["error"] * 5 + ["information"] * 2
    assert issues[5]["diagnostics"].startswith("3 more issues are not listed here")
    assert "quarantined=8" in issues[6]["diagnostics"]
