"""Ingestion rules: versions, retraction, waiting, transactions, accounting."""

from __future__ import annotations

from portal.ingestion.models import EventStatus, QuarantinedInput, ResourceEvent
from portal.readmodel.models import JournalEntry, PatientLink, Person
from tests.ingestion import fhir_factories as f


def test_counts_always_add_up_and_first_ingest_applies(run):
    report = run(f.patient(), f.encounter())
    assert report.counts() == {"received": 2, "applied": 2, "unchanged": 0, "waiting": 0, "quarantined": 0}


def test_same_version_again_changes_nothing(run, rows):
    run(f.patient(), f.encounter())
    report = run(f.patient(), f.encounter())
    assert (report.applied, report.unchanged) == (0, 2)
    assert len(rows(ResourceEvent)) == 2


def test_newer_version_replaces_the_row(run, rows):
    run(f.patient(), f.encounter())
    run(f.encounter(meta=f.meta("2", "2024-02-01T00:00:00Z"), type=[{"text": "Återbesök"}]))
    assert [e.title for e in rows(JournalEntry)] == ["Återbesök"]


def test_older_version_after_newer_is_kept_as_superseded_and_not_applied(run, rows):
    run(f.patient(), f.encounter(meta=f.meta("2", "2024-02-01T00:00:00Z"), type=[{"text": "Ny"}]))
    report = run(f.encounter(type=[{"text": "Gammal"}]))
    assert report.unchanged == 1
    assert [e.title for e in rows(JournalEntry)] == ["Ny"]
    statuses = {e.version_id: e.status for e in rows(ResourceEvent) if e.resource_type == "Encounter"}
    assert statuses == {"2": EventStatus.APPLIED, "1": EventStatus.SUPERSEDED}


def test_version_without_meta_is_a_content_hash(run, rows):
    run(f.patient(), f.encounter(meta={}))
    assert run(f.encounter(meta={})).unchanged == 1
    assert run(f.encounter(meta={}, type=[{"text": "Ändrad"}])).applied == 1
    assert [e.title for e in rows(JournalEntry)] == ["Ändrad"]


def test_delete_entry_retracts_the_rows_and_keeps_the_event(run, rows):
    run(f.patient(), f.encounter())
    report = run(f.bundle("batch", deletes=("Encounter/e1",)))
    assert report.applied == 1
    assert rows(JournalEntry) == []
    assert any(e.deleted for e in rows(ResourceEvent))


def test_entered_in_error_retracts_the_rows(run, rows):
    run(f.patient(), f.encounter())
    run(f.encounter(meta=f.meta("2", "2024-03-01T00:00:00Z"), status="entered-in-error"))
    assert rows(JournalEntry) == []


def test_condition_verification_entered_in_error_retracts(run, rows):
    condition = {"resourceType": "Condition", "id": "d1", "meta": f.meta(), "subject": {"reference": "Patient/p1"},
                 "code": {"coding": [{"system": "ICD-10-SE", "code": "J06.9"}]}, "recordedDate": "2024-01-02"}
    run(f.patient(), condition)
    assert len(rows(JournalEntry)) == 1
    retracted = dict(condition, meta=f.meta("2", "2024-02-01T00:00:00Z"),
                     verificationStatus={"coding": [{"code": "entered-in-error"}]})
    run(retracted)
    assert rows(JournalEntry) == []


def test_resource_with_unknown_patient_waits_then_applies_when_patient_arrives(run, rows):
    first = run(f.encounter())
    assert first.waiting == 1 and rows(JournalEntry) == []
    assert rows(ResourceEvent)[0].waiting_for == "ehr|Patient|p1"
    second = run(f.patient())
    assert second.counts()["applied"] == 1 and second.waiting == 0
    assert len(rows(JournalEntry)) == 1
    assert {e.status for e in rows(ResourceEvent)} == {EventStatus.APPLIED}


def test_resource_naming_patient_by_personnummer_waits_for_that_person_from_any_source(run, rows):
    assert run(f.encounter(subject=f.pnr_ref()), source="municipality").waiting == 1
    run(f.patient(), source="region")
    assert len(rows(JournalEntry)) == 1
    assert rows(JournalEntry)[0].source_system == "municipality"


def test_persons_merge_across_sources_by_personnummer(run, rows):
    run(f.patient("a"), source="region")
    run(f.patient("b", name=[{"family": "Ny", "given": ["Anna"]}]), source="municipality")
    persons = rows(Person)
    assert len(persons) == 1 and persons[0].family_name == "Ny"
    assert {link.source_key for link in rows(PatientLink)} == {"region|Patient|a", "municipality|Patient|b"}


def test_transaction_with_one_invalid_entry_stores_nothing_and_counts_every_entry(run, rows):
    bad = f.encounter("e2", subject={"reference": "Patient/p1"}, period={"start": "2024-02-30"})
    report = run(f.bundle("transaction", f.patient(), f.encounter(), bad))
    assert report.counts() == {"received": 3, "applied": 0, "unchanged": 0, "waiting": 0, "quarantined": 3}
    assert rows(Person) == [] and rows(ResourceEvent) == []
    quarantined = rows(QuarantinedInput)
    assert [q.reason for q in quarantined] == ["bundle-rejected"]
    assert quarantined[0].element == "Encounter.period.start"


def test_valid_transaction_applies_whole(run, rows):
    report = run(f.bundle("transaction", f.patient(), f.encounter(), f.observation()))
    assert report.applied == 3
    assert len(rows(JournalEntry)) == 2


def test_batch_bundle_applies_valid_entries_and_quarantines_invalid_ones(run, rows):
    report = run(f.bundle("batch", f.patient(), f.encounter(id="bad id")))
    assert (report.applied, report.quarantined) == (1, 1)
    assert len(rows(Person)) == 1


def test_collection_and_searchset_bundles_are_read_per_entry(run):
    assert run(f.bundle("collection", f.patient())).applied == 1
    assert run(f.bundle("searchset", f.encounter())).applied == 1


def test_error_while_storing_keeps_earlier_data_and_quarantines_the_item(run, rows, monkeypatch):
    run(f.patient())
    from portal.projection import journal

    def broken(*_args):
        raise ValueError("boom")

    monkeypatch.setitem(journal.HANDLERS, "Encounter", broken)
    monkeypatch.setitem(__import__("portal.projection.projector").projection.projector.HANDLERS, "Encounter", broken)
    report = run(f.observation(), f.encounter())
    assert (report.applied, report.quarantined) == (1, 1)
    assert len(rows(Person)) == 1 and len(rows(JournalEntry)) == 1
    assert report.received == 2
