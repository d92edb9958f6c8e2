"""Rebuild reproduces the read model; the CLI and HTTP doors account for every input."""

from __future__ import annotations

import json

from click.testing import CliRunner

from portal.ingestion.commands import ingest as ingest_command
from portal.ingestion.commands import readmodel
from portal.ingestion.http import handle_ingest_request
from tests.ingestion import fhir_factories as f
from tests.ingestion.readmodel_dump import dump_read_model as _dump
from tests.ingestion.test_mapping import test_care_plan_maps_sip_goals_activities_and_follow_up as _care_plan


def test_rebuild_reproduces_the_same_read_model(app, run, rows):
    run(f.patient(), f.encounter(subject=f.pnr_ref()), source="municipality")  # waits, then applies
    run(f.patient("child", f.PNR_CHILD), f.patient("g", f.PNR_GUARDIAN), f.related_person(),
        f.consent("block", "guardian-block", f.pnr_ref(f.PNR_GUARDIAN), patient={"reference": "Patient/child"}))
    run(f.observation(), f.encounter(), f.consent(),
        f.organization(part_of={"identifier": {"system": f.HSA, "value": f.PROVIDER_HSA}}))
    run(f.encounter(meta=f.meta("2", "2024-05-01T00:00:00Z"), type=[{"text": "Ny"}]))
    run(f.bundle("batch", deletes=("Observation/obs1",)))
    _care_plan(run, rows)
    before = _dump()
    assert before["journal_entry"] and before["relationship"] and before["care_plan_activity"]
    result = CliRunner().invoke(readmodel, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert "replayed=" in result.output
    assert _dump() == before


def _write(path, document) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def test_cli_accounts_for_a_folder_of_mixed_files_and_a_second_run_applies_nothing(app, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    _write(folder / "a_patient.json", f.patient())
    _write(folder / "sub" / "b_bundle.json", f.bundle("batch", f.encounter(), f.observation()))
    (folder / "c.ndjson").write_text("\n".join(json.dumps(r) for r in (f.organization(), f.encounter("e9"))) +
                                     "\n{broken\n", encoding="utf-8")
    (folder / "d_bad.json").write_bytes(b"\xff\xfe")
    (folder / "ignored.txt").write_text("not read")
    first = CliRunner().invoke(ingest_command, [str(folder), "--source", "ehr"])
    assert first.output.strip().splitlines()[-1] == "received=7 applied=5 unchanged=0 waiting=0 quarantined=2"
    assert first.exit_code == 2
    second = CliRunner().invoke(ingest_command, [str(folder / "a_patient.json"), str(folder / "sub"),
                                                 "--source", "ehr"])
    assert second.output.strip() == "received=3 applied=0 unchanged=3 waiting=0 quarantined=0"
    assert second.exit_code == 0


def test_http_body_handling_answers_200_422_and_413(app):
    outcome, status = handle_ingest_request(json.dumps(f.patient()).encode(), "ehr")
    assert status == 200 and outcome["resourceType"] == "OperationOutcome"
    outcome, status = handle_ingest_request(b"{nope", "ehr")
    assert status == 422 and outcome["issue"][0]["details"]["coding"][0]["code"] == "not-json"
    limit = app.config["SETTINGS"].ingest_max_bytes
    assert handle_ingest_request(b" " * (limit + 1), "ehr")[1] == 413


def test_http_ingest_still_refuses_everyone_with_fhir_json(client):
    response = client.post("/ingest/fhir", data=json.dumps(f.patient()))
    assert response.status_code == 401 and response.mimetype == "application/fhir+json"
