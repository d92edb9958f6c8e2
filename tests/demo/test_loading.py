"""The demo goes through the one ingestion path and lands in the read model without quarantine."""

from __future__ import annotations

import os

from sqlalchemy import func, select

from portal import db
from portal.demo.commands import demo, run
from portal.demo.generator import generate
from portal.ingestion.models import QuarantinedInput
from portal.ingestion.parsing import read_paths
from portal.ingestion.pipeline import ingest
from portal.readmodel.models import CarePlan, ConsentDirective, JournalEntry, Person, Relationship
from tests.demo.conftest import TODAY


def _count(model, *where) -> int:  # type: ignore[no-untyped-def]
    return db.session().execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _expected_relationships(persons: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, r in generate(persons, 1, TODAY):
        if r["resourceType"] == "RelatedPerson":
            code = r["relationship"][0]["coding"][0]["code"]
            kind = "guardian" if code == "GUARD" else code
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_loading_30_persons_quarantines_nothing_and_fills_the_read_model(app):
    totals = run(30, 1, TODAY, None)
    assert totals["quarantined"] == 0 and totals["waiting"] == 0
    assert _count(QuarantinedInput) == 0
    assert _count(Person) == 30 + 12
    for kind, expected in _expected_relationships(30).items():
        assert _count(Relationship, Relationship.kind == kind) == expected
    assert _count(Person, Person.protected_identity.is_(True)) >= 2
    assert _count(Person, Person.deceased.is_(True)) >= 1
    assert _count(CarePlan, CarePlan.is_sip.is_(True)) >= 1
    assert _count(ConsentDirective) >= 2
    assert _count(JournalEntry) > 30 * 50


def test_representative_per_acts_for_gunnar_as_god_man(app):
    run(0, 1, TODAY, None)
    rows = db.session().execute(select(Relationship).where(Relationship.kind == "god_man")).scalars().all()
    assert [(r.proxy.given_name, r.subject.given_name) for r in rows] == [("Per", "Gunnar")]


def test_if_empty_does_nothing_when_persons_exist(app, runner):
    run(0, 1, TODAY, None)
    before = _count(JournalEntry)
    result = runner.invoke(demo, ["--if-empty", "--persons", "5", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output
    assert _count(JournalEntry) == before


def test_if_empty_loads_an_empty_read_model(app, runner):
    result = runner.invoke(demo, ["--if-empty", "--persons", "2", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert _count(Person) == 2 + 12


def test_out_writes_ndjson_per_source_that_portal_ingest_loads(app, tmp_path):
    run(10, 1, TODAY, str(tmp_path), load=False)
    assert _count(Person) == 0
    quarantined = 0
    for source in sorted(os.listdir(tmp_path), key=lambda name: not name.startswith("region")):
        items = read_paths([str(tmp_path / source)], 10 * 1024 * 1024)
        report = ingest(db.session(), items, source, secret_key=app.config["SECRET_KEY"])
        quarantined += report.quarantined
    assert quarantined == 0
    assert _count(Person) == 22


def test_out_files_are_byte_identical_for_the_same_seed(app, tmp_path):
    run(10, 4, TODAY, str(tmp_path / "a"), load=False)
    run(10, 4, TODAY, str(tmp_path / "b"), load=False)
    for source in os.listdir(tmp_path / "a"):
        for name in os.listdir(tmp_path / "a" / source):
            assert (tmp_path / "a" / source / name).read_bytes() == (tmp_path / "b" / source / name).read_bytes()
