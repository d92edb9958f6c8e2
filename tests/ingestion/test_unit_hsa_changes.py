"""A unit's Organization changes its HSA-id, or two Organizations share one: what the citizen's journal shows, live
and after a rebuild."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from portal.ingestion.commands import readmodel
from portal.readmodel.models import Person
from tests.ingestion import fhir_factories as f
from tests.ingestion.readmodel_dump import dump_read_model

LATER = f.meta("2", "2024-06-01T00:00:00Z")
OLD_HSA, NEW_HSA = "SE2321000032-7200", "SE2321000032-7201"


def _by_hsa(hsa: str, display: str) -> dict:
    return {"identifier": {"system": f.HSA, "value": hsa}, "display": display}


def _units_shown(client, person) -> list[tuple[str, str]]:
    entries = client.get(f"/api/v1/subjects/{person.public_id}/journal").get_json()["entries"]
    return sorted(((entry["provenance"]["unit"], entry["provenance"]["unit_hsa_id"]) for entry in entries), key=str)


def _live_and_rebuilt(login, rows, look):  # type: ignore[no-untyped-def]
    """What ``look(person)`` sees live, and after ``readmodel rebuild``."""
    [person] = rows(Person)
    login(person)
    live = look(person)
    result = CliRunner().invoke(readmodel, ["rebuild"])
    assert result.exit_code == 0, result.output
    return live, look(person)


def _units_shown_live_and_rebuilt(client, login, rows) -> tuple[list, list]:
    return _live_and_rebuilt(login, rows, lambda person: _units_shown(client, person))


def test_entries_naming_a_units_earlier_hsa_id_show_that_unit_by_its_current_name_and_hsa_id(
        run, rows, client, login):
    old = _by_hsa(OLD_HSA, "Vårdcentralen Norr")
    run(f.patient(), f.encounter("before", serviceProvider=old), f.organization("o1", OLD_HSA))
    run(f.organization("o1", NEW_HSA, meta=LATER, name="Vårdcentralen Nordost"),
        f.encounter("after", serviceProvider=old))
    live, rebuilt = _units_shown_live_and_rebuilt(client, login, rows)
    assert live == rebuilt == [("Vårdcentralen Nordost", NEW_HSA)] * 2


def test_an_entry_waiting_for_its_patient_past_a_units_new_hsa_id_shows_that_unit(run, rows, client, login):
    run(f.encounter("waited", serviceProvider=_by_hsa(OLD_HSA, "Vårdcentralen Norr")),
        f.organization("o1", OLD_HSA), f.organization("o1", NEW_HSA, meta=LATER, name="Vårdcentralen Nordost"))
    run(f.patient())
    live, rebuilt = _units_shown_live_and_rebuilt(client, login, rows)
    assert live == rebuilt == [("Vårdcentralen Nordost", NEW_HSA)]


@pytest.mark.parametrize("retracted", ["first", "second"])
def test_two_organizations_with_one_hsa_id_stay_one_unit_when_one_is_entered_in_error(
        run, rows, client, login, retracted):
    twin = {"first": "o1", "second": "o2"}[retracted]
    kept_name = {"first": "Vårdcentralen Andra", "second": "Vårdcentralen Första"}[retracted]
    run(f.patient(), f.organization("o1", f.UNIT_HSA, name="Vårdcentralen Första"),
        f.organization("o2", f.UNIT_HSA, name="Vårdcentralen Andra"),
        f.encounter("e1", serviceProvider={"reference": "Organization/o1"}),
        f.encounter("e2", serviceProvider={"reference": "Organization/o2"}))
    run(f.organization(twin, f.UNIT_HSA, meta=LATER, status="entered-in-error"),
        f.encounter("e3", serviceProvider={"reference": f"Organization/{twin}"}))
    live, rebuilt = _units_shown_live_and_rebuilt(client, login, rows)
    assert live == rebuilt == [(kept_name, f.UNIT_HSA)] * 3


def test_two_organizations_with_one_hsa_id_are_one_unit_for_entries_naming_either_later(run, rows, client, login):
    run(f.patient(), f.organization("o1", f.UNIT_HSA, name="Vårdcentralen Första"),
        f.organization("o2", f.UNIT_HSA, name="Vårdcentralen Andra"))
    run(f.encounter("e1", serviceProvider={"reference": "Organization/o1"}),
        f.encounter("e2", serviceProvider={"reference": "Organization/o2"}))
    live, rebuilt = _units_shown_live_and_rebuilt(client, login, rows)
    assert live == rebuilt == [("Vårdcentralen Andra", f.UNIT_HSA)] * 2


# Known gaps, kept as strict xfails so that whoever closes one sees it. HSA-ids are not to be given out again, and
# entries record neither the HSA-id nor the Organization id they named, so the rebuild, which replays every
# Organization before any entry, cannot tell which unit held an HSA-id when an entry arrived.
REUSED_HSA = (
    "An HSA-id given out again: live ingestion leaves the entries recorded before the take on the unit that recorded "
    "them; a rebuild, which replays every Organization before any entry, puts them on the Organization that took it.")
TWIN_SPLIT = (
    "When the Organization that described a unit shared by two Organization ids moves to another HSA-id, live "
    "ingestion moves the unit and its entries; a rebuild leaves them with the other Organization id.")


def _units_and_read_model_live_and_rebuilt(client, login, rows) -> tuple[tuple, tuple]:
    return _live_and_rebuilt(login, rows, lambda person: (_units_shown(client, person), dump_read_model()))


@pytest.mark.xfail(reason=REUSED_HSA, strict=True)
def test_an_entry_recorded_under_an_hsa_id_given_out_again_later_keeps_its_unit_after_a_rebuild(
        run, rows, client, login):
    run(f.patient(), f.organization("o1", OLD_HSA),
        f.encounter("by-o1", serviceProvider=_by_hsa(OLD_HSA, "Vårdcentralen Norr")))
    run(f.organization("o1", NEW_HSA, meta=LATER, name="Vårdcentralen Nordost"))
    run(f.organization("o2", OLD_HSA, name="Barnmottagningen"),
        f.encounter("by-o2", serviceProvider=_by_hsa(OLD_HSA, "Barnmottagningen")))
    live, rebuilt = _units_and_read_model_live_and_rebuilt(client, login, rows)
    assert live[0] == [("Barnmottagningen", OLD_HSA), ("Vårdcentralen Nordost", NEW_HSA)]
    assert rebuilt == live


@pytest.mark.parametrize("moving", ["o1", pytest.param("o2", marks=pytest.mark.xfail(reason=TWIN_SPLIT, strict=True))])
def test_entries_under_a_shared_hsa_id_are_the_same_after_a_rebuild_when_one_organization_moves_away(
        run, rows, client, login, moving):
    run(f.patient(), f.organization("o1", f.UNIT_HSA, name="Vårdcentralen Första"),
        f.organization("o2", f.UNIT_HSA, name="Vårdcentralen Andra"),
        f.encounter("shared", serviceProvider=_by_hsa(f.UNIT_HSA, "Vårdcentralen")))
    run(f.organization(moving, NEW_HSA, meta=LATER, name="Vårdcentralen Nordost"),
        f.encounter("after", serviceProvider=_by_hsa(f.UNIT_HSA, "Vårdcentralen")))
    live, rebuilt = _units_and_read_model_live_and_rebuilt(client, login, rows)
    assert rebuilt == live
