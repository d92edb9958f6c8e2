"""The batched path (whole chunks, bulk inserts) and the item-by-item path build the same read model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from portal import db
from portal.demo.generator import generate
from portal.identity.personnummer import make
from portal.ingestion.commands import readmodel
from portal.ingestion.pipeline import ingest
from portal.readmodel.models import JournalEntry, Organisation
from tests.conftest import _empty_tables
from tests.ingestion import fhir_factories as f
from tests.ingestion.readmodel_dump import dump_read_model

Run = tuple[str, list[Any]]
PNR_LATE = make(date(1975, 2, 3), 984)
PNR_WAITS = make(date(1977, 8, 9), 985)


def _edge_cases() -> Iterator[Run]:
    """Waiting and release, versions, retraction, merges, blocks, seals and placeholders, source by source."""
    yield "municipality", [f.encounter("m1", subject=f.pnr_ref())]
    yield "ehr", [
        f.encounter("early"), f.patient(), f.patient("child", f.PNR_CHILD), f.related_person(),
        f.patient("g", f.PNR_GUARDIAN),
        f.consent("block", "guardian-block", f.pnr_ref(f.PNR_GUARDIAN), patient={"reference": "Patient/child"}),
        f.consent(), f.observation(), f.observation("obs2"),
        f.encounter(),
        f.encounter(meta=f.meta("2", "2024-05-01T00:00:00Z"), type=[{"text": "Ny"}]),
        f.encounter(meta=f.meta("0", "2023-05-01T00:00:00Z"), type=[{"text": "Gammal"}]),
        f.encounter("e5", serviceProvider={"reference": "Organization/prov", "display": "Placeholder"}),
        f.organization("prov", f.PROVIDER_HSA, name="Regionen"),
        f.organization(part_of={"reference": "Organization/prov"}),
        f.observation("obs2", meta=f.meta("2", "2024-06-01T00:00:00Z"), status="entered-in-error"),
        f.observation("obs3", status="entered-in-error"),
        f.bundle("batch", deletes=("Observation/obs1", "Encounter/nothing")),
        f.encounter("e1", meta=f.meta("2", "2024-05-01T00:00:00Z"), type=[{"text": "Ny"}]),
    ]
    yield "region", [f.patient("a", f.PNR_ADULT, name=[{"family": "Ny", "given": ["Anna"]}])]


def _units_entered_in_error() -> Iterator[Run]:
    """Organizations entered in error after a reference made their placeholder (reset), and before one (bare too)."""
    gone = {"reference": "Organization/gone", "display": "Okänd"}
    early = {"reference": "Organization/early", "display": "Tidig"}
    yield "ehr", [
        f.patient(), f.encounter("e6", serviceProvider=gone),
        f.organization("gone", "SE2321000032-9999", status="entered-in-error"),
        f.encounter("e7", serviceProvider=gone),
        f.organization("early", "SE2321000032-9998", status="entered-in-error"),
        f.encounter("e8", serviceProvider=early),
        f.organization("child", "SE2321000032-9997", part_of={"reference": "Organization/parent", "display": "Moder"}),
        f.organization("parent", "SE2321000032-9996", status="entered-in-error"),
    ]
    # Applied first, then entered in error or deleted: one bare row with the HSA-id last known, before and after.
    later, removed = {"reference": "Organization/later", "display": "Senare"}, {"reference": "Organization/removed"}
    yield "ehr", [
        f.encounter("e9", serviceProvider=later), f.organization("later", "SE2321000032-9995", name="Senare"),
        f.organization("later", "SE2321000032-9995", status="entered-in-error",
                       meta=f.meta("2", "2024-06-01T00:00:00Z")),
        f.encounter("e10", serviceProvider=later),
        f.organization("removed", "SE2321000032-9994", name="Borttagen"), f.encounter("e11", serviceProvider=removed),
        f.bundle("batch", deletes=("Organization/removed",)), f.encounter("e12", serviceProvider=removed),
    ]


def _waiting_past_a_retraction() -> Iterator[Run]:
    """Resources that wait for their Patient while the Organization they name is entered in error or deleted (or
    entered in error and sent again), and one that names it meanwhile: as if none had waited."""
    late = {"reference": "Patient/late"}
    retired, dropped = {"reference": "Organization/retired", "display": "Väntar"}, {"reference": "Organization/dropped"}
    revived = {"reference": "Organization/revived", "display": "Åter"}
    yield "ehr", [
        f.encounter("e13", subject=late, serviceProvider=retired), f.consent("c13", actor=retired, patient=late),
        f.encounter("e14", subject=late, serviceProvider=dropped),
        f.encounter("e16", subject=late, serviceProvider=revived),
    ]
    yield "ehr", [
        f.organization("retired", "SE2321000032-9993", status="entered-in-error"),
        f.encounter("e15", serviceProvider={"reference": "Organization/retired", "display": "Annan"}),
        f.organization("dropped", "SE2321000032-9992", status="entered-in-error"),
        f.bundle("batch", deletes=("Organization/dropped",)),
        f.organization("revived", "SE2321000032-9991", status="entered-in-error"),
        f.organization("revived", "SE2321000032-9990", name="Åter", meta=f.meta("2", "2024-06-01T00:00:00Z")),
    ]
    yield "ehr", [f.patient("late", PNR_LATE)]


WAITS = {"reference": "Patient/waits"}
LATER = f.meta("2", "2024-06-01T00:00:00Z")


def _named(oid: str, display: str | None = None) -> dict:
    return {"reference": f"Organization/{oid}", **({"display": display} if display else {})}


def _by_hsa(display: str) -> dict:
    return {"identifier": {"system": f.HSA, "value": "SE2321000032-9980"}, "display": display}


def _named_while_waiting() -> Iterator[Run]:
    """A unit named first by entries that wait for their Patient, then by others with another display."""
    yield "ehr", [
        f.encounter("w1", subject=WAITS, serviceProvider=_named("ahead", "Väntade först")),
        f.encounter("w2", subject=WAITS, serviceProvider=_by_hsa("Väntade först")),
    ]
    yield "ehr", [
        f.patient(), f.encounter("n1", serviceProvider=_named("ahead", "Kom sedan")),
        f.encounter("n2", serviceProvider=_by_hsa("Kom sedan")), f.patient("waits", PNR_WAITS),
    ]


def _named_by_a_superseded_version() -> Iterator[Run]:
    yield "ehr", [
        f.patient(), f.encounter("s1", serviceProvider=_named("renamed", "Gammalt namn")),
        f.encounter("s1", meta=LATER, serviceProvider=_named("renamed", "Nytt namn")),
        f.encounter("s2", serviceProvider=_named("unnamed", "Bara först")),
        f.encounter("s2", meta=LATER, serviceProvider=_named("unnamed")),
    ]


def _named_by_removed_entries() -> Iterator[Run]:
    yield "ehr", [
        f.patient(), f.encounter("d1", serviceProvider=_named("orphan", "Ensam")),
        f.bundle("batch", deletes=("Encounter/d1",)),
        f.encounter("d2", serviceProvider=_named("mistaken", "Felaktig")),
        f.encounter("d2", meta=LATER, status="entered-in-error", serviceProvider=_named("mistaken", "Felaktig")),
    ]


def _named_by_a_consent_or_a_part_of() -> Iterator[Run]:
    """A Consent, and an Organization's partOf, name a unit before an entry does: the rebuild replays them in
    another order (Organizations first, Consents last)."""
    yield "ehr", [
        f.patient(), f.consent("c20", actor=_named("sealed", "Spärrad enhet")),
        f.encounter("c21", serviceProvider=_named("sealed", "Annat namn")),
        f.encounter("m1", serviceProvider=_named("mother", "Annat namn")),
        f.organization("daughter", "SE2321000032-9981", part_of=_named("mother", "Moderns eget namn")),
    ]


PLACEHOLDER_CASES = {
    "named-while-waiting": _named_while_waiting, "named-by-a-superseded-version": _named_by_a_superseded_version,
    "named-by-removed-entries": _named_by_removed_entries,
    "named-by-a-consent-or-a-part-of": _named_by_a_consent_or_a_part_of,
}

def _hsa(value: str, display: str | None = None) -> dict:
    return {"identifier": {"system": f.HSA, "value": value}, **({"display": display} if display else {})}


def _renamed_before_and_after_entries() -> Iterator[Run]:
    """An Organization whose newer version has another HSA-id, with entries naming the old one before and after."""
    old = _hsa("SE2321000032-9970", "Gamla namnet")
    yield "ehr", [
        f.patient(), f.encounter("r1", serviceProvider=old), f.organization("moved", "SE2321000032-9970"),
        f.encounter("r2", serviceProvider=old), f.encounter("r3", subject=WAITS, serviceProvider=old),
        f.encounter("r4", subject=WAITS, serviceProvider=_hsa("SE2321000032-9971")),
    ]
    yield "ehr", [
        f.organization("moved", "SE2321000032-9971", meta=LATER, name="Flyttade enheten"),
        f.encounter("r5", serviceProvider=old), f.encounter("r6", serviceProvider=_named("moved")),
        f.patient("waits", PNR_WAITS),
    ]


def _renamed_onto_a_placeholder_and_back() -> Iterator[Run]:
    """Renamed to an HSA-id entries named before it arrived (one unit), and renamed back to an earlier HSA-id."""
    yield "ehr", [
        f.patient(), f.encounter("b1", serviceProvider=_hsa("SE2321000032-9961", "Ny enhet")),
        f.organization("merged", "SE2321000032-9960"), f.encounter("b2", serviceProvider=_hsa("SE2321000032-9960")),
        f.organization("merged", "SE2321000032-9961", meta=LATER),
        f.organization("back", "SE2321000032-9962"), f.encounter("b3", serviceProvider=_hsa("SE2321000032-9962")),
        f.organization("back", "SE2321000032-9963", meta=LATER),
        f.organization("back", "SE2321000032-9962", meta=f.meta("3", "2024-07-01T00:00:00Z")),
        f.encounter("b4", serviceProvider=_hsa("SE2321000032-9963")),
    ]


def _renamed_then_entered_in_error() -> Iterator[Run]:
    yield "ehr", [
        f.patient(), f.organization("undone", "SE2321000032-9950"),
        f.organization("undone", "SE2321000032-9951", meta=LATER),
        f.organization("undone", "SE2321000032-9951", meta=f.meta("3", "2024-07-01T00:00:00Z"),
                       status="entered-in-error"),
        f.encounter("u1", serviceProvider=_hsa("SE2321000032-9950")),
    ]


def _twins_with_one_hsa_id() -> Iterator[Run]:
    """Two Organizations with one HSA-id, each entered in error in turn, named by id before and after."""
    def by_id(oid: str) -> dict:
        return {"reference": f"Organization/{oid}"}
    yield "ehr", [
        f.patient(), f.organization("t1", "SE2321000032-9940", name="Första"),
        f.organization("t2", "SE2321000032-9940", name="Andra"), f.encounter("t1", serviceProvider=by_id("t1")),
        f.organization("t3", "SE2321000032-9941", name="Tredje"),
        f.organization("t4", "SE2321000032-9941", name="Fjärde"),
    ]
    yield "ehr", [
        f.encounter("t2", serviceProvider=by_id("t1")),
        f.organization("t1", "SE2321000032-9940", meta=LATER, status="entered-in-error"),
        f.encounter("t3", serviceProvider=by_id("t1")), f.encounter("t4", serviceProvider=by_id("t2")),
        f.organization("t4", "SE2321000032-9941", meta=LATER, status="entered-in-error"),
        f.encounter("t5", serviceProvider=by_id("t4")),
    ]


RENAMED_UNIT_CASES = {
    "twins-with-one-hsa-id": _twins_with_one_hsa_id,
    "renamed-before-and-after-entries": _renamed_before_and_after_entries,
    "renamed-onto-a-placeholder-and-back": _renamed_onto_a_placeholder_and_back,
    "renamed-then-entered-in-error": _renamed_then_entered_in_error,
}
CASES = {**PLACEHOLDER_CASES, **RENAMED_UNIT_CASES}


def _demo() -> Iterator[Run]:
    by_source: dict[str, list[Any]] = {}
    for source, resource in generate(12, 5, date(2025, 3, 15)):
        by_source.setdefault(source, []).append(resource)
    region = sorted(by_source, key=lambda source: not source.startswith("region"))
    yield from ((source, by_source[source]) for source in region)


def _load(app: Flask, runs: list[Run], chunk_size: int) -> list[dict[str, int]]:
    return [ingest(db.session(), items, source, secret_key=app.config["SECRET_KEY"], chunk_size=chunk_size).counts()
            for source, items in runs]


@pytest.mark.parametrize("runs", [list(_edge_cases()) + list(_units_entered_in_error()) +
                                  list(_waiting_past_a_retraction()) + [
                                      run for case in CASES.values() for run in case()],
                                  list(_demo())], ids=["edge-cases", "demo"])
def test_whole_chunks_and_item_by_item_build_the_same_read_model_and_counts(app, runs):
    batched = _load(app, runs, chunk_size=500)
    batched_model = dump_read_model()
    assert batched_model["journal_entry"] and batched_model["person"]
    db.session().close()
    _empty_tables()
    one_by_one = _load(app, runs, chunk_size=1)
    assert one_by_one == batched
    assert dump_read_model() == batched_model


def test_rebuild_after_a_batched_load_reproduces_the_read_model(app):
    runs = [*_demo(), *_edge_cases(), *_units_entered_in_error(), *_waiting_past_a_retraction(),
            *(run for case in CASES.values() for run in case())]
    _load(app, runs, chunk_size=500)
    before = dump_read_model()
    result = CliRunner().invoke(readmodel, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert dump_read_model() == before


@pytest.mark.parametrize("case", PLACEHOLDER_CASES)
def test_a_rebuild_names_and_keeps_units_that_have_not_arrived_as_ingestion_did(app, case):
    _assert_rebuild_reproduces(app, list(PLACEHOLDER_CASES[case]()))


@pytest.mark.parametrize("case", RENAMED_UNIT_CASES)
def test_a_rebuild_keeps_entries_naming_a_units_earlier_hsa_id_on_that_unit_as_ingestion_did(app, case):
    _assert_rebuild_reproduces(app, list(RENAMED_UNIT_CASES[case]()))


def _assert_rebuild_reproduces(app: Flask, runs: list[Run]) -> None:
    _load(app, runs, chunk_size=500)
    before = dump_read_model()
    result = CliRunner().invoke(readmodel, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert dump_read_model() == before


def test_an_organization_entered_in_error_turns_its_placeholder_back_to_a_bare_hsa_id(run, rows):
    gone = {"reference": "Organization/gone", "display": "Okänd"}
    run(f.patient(), f.encounter(serviceProvider=gone))
    assert [o.name for o in rows(Organisation)] == ["Okänd"]
    run(f.organization("gone", "SE2321000032-9999", status="entered-in-error"))
    [placeholder] = rows(Organisation)
    assert placeholder.name == placeholder.hsa_id and placeholder.source_key == "ehr|Organization|gone"


def test_an_organization_applied_then_deleted_leaves_one_bare_row_for_every_entry_that_names_it(run, rows):
    named = {"reference": "Organization/o1", "display": "Vårdcentralen"}
    run(f.patient(), f.encounter("e1", serviceProvider=named), f.organization("o1", f.UNIT_HSA))
    run(f.bundle("batch", deletes=("Organization/o1",)), f.encounter("e2", serviceProvider=named))
    [unit] = rows(Organisation)
    assert (unit.hsa_id, unit.name) == (f.UNIT_HSA, f.UNIT_HSA)
    assert {entry.unit_id for entry in rows(JournalEntry)} == {unit.id}


@pytest.mark.parametrize("first", ["entry", "waiting-entry", "retraction"])
def test_entries_naming_an_organization_entered_in_error_share_its_bare_row_whatever_came_first(run, rows, first):
    named = {"reference": "Organization/gone", "display": "Okänd"}
    retraction = f.organization("gone", "SE2321000032-9999", status="entered-in-error")
    if first == "retraction":
        run(retraction, f.patient(), f.encounter("e1", serviceProvider=named))
    else:
        run(*([f.patient()] if first == "entry" else []), f.encounter("e1", serviceProvider=named))
        run(retraction, f.patient())
    run(f.encounter("e2", serviceProvider=named))
    [unit] = rows(Organisation)
    assert unit.name == unit.hsa_id and unit.source_key == "ehr|Organization|gone"
    assert [entry.unit_id for entry in rows(JournalEntry)] == [unit.id, unit.id]


def test_a_first_version_entered_in_error_applies_and_leaves_no_row(run, rows):
    report = run(f.patient(), f.observation(status="entered-in-error"))
    assert report.applied == 2 and rows(JournalEntry) == []
