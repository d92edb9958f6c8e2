"""A unit named before its Organization arrived: its name and its row follow the current versions only."""

from __future__ import annotations

from portal.readmodel.models import Organisation, Person
from tests.ingestion import fhir_factories as f

LATER = f.meta("2", "2024-06-01T00:00:00Z")
HSA_ID = "SE2321000032-7100"


def _unit(display: str | None = None) -> dict:
    return {"identifier": {"system": f.HSA, "value": HSA_ID}, **({"display": display} if display else {})}


def test_a_placeholder_is_named_by_the_least_display_of_the_current_versions_naming_it_and_dropped_with_the_last(
        run, rows):
    run(f.patient(), f.encounter("e1", serviceProvider=_unit("Norra vårdcentralen")),
        f.encounter("e2", serviceProvider=_unit("Ahlströms vårdcentral")), f.encounter("e3", serviceProvider=_unit()))
    assert [o.name for o in rows(Organisation)] == ["Ahlströms vårdcentral"]
    run(f.encounter("e2", meta=LATER, serviceProvider=_unit()))
    assert [o.name for o in rows(Organisation)] == ["Norra vårdcentralen"]
    run(f.encounter("e1", meta=LATER, status="entered-in-error", serviceProvider=_unit("Norra vårdcentralen")))
    assert [o.name for o in rows(Organisation)] == [HSA_ID]
    run(f.bundle("batch", deletes=("Encounter/e2", "Encounter/e3")))
    assert rows(Organisation) == []


def test_a_placeholder_waiting_entries_name_gets_the_same_name_whichever_came_first(run, rows):
    waits = {"reference": "Patient/waits"}
    run(f.encounter("e1", subject=waits, serviceProvider=_unit("Hälsocentralen")))
    run(f.patient(), f.encounter("e2", serviceProvider=_unit("Vårdcentralen")))
    run(f.patient("waits", f.PNR_CHILD))
    assert [o.name for o in rows(Organisation)] == ["Hälsocentralen"]


def test_the_journal_shows_a_unit_that_has_not_arrived_by_the_name_its_current_entry_gives_it(
        run, rows, client, login):
    run(f.patient(), f.encounter("e1", serviceProvider=_unit("Vårdcentralen Gamla stan")))
    run(f.encounter("e1", meta=LATER, serviceProvider=_unit("Vårdcentralen Nya stan")))
    [person] = rows(Person)
    login(person)
    where = client.get(f"/api/v1/subjects/{person.public_id}/journal").get_json()["entries"][0]["provenance"]
    assert (where["unit"], where["unit_hsa_id"]) == ("Vårdcentralen Nya stan", HSA_ID)
