"""Size limits: every body, ingestion's larger one (413 as an OperationOutcome), oversized credentials, headers and
URLs, all refused before any work is done."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.auth import tokens
from portal.ingestion.models import QuarantinedInput, ResourceEvent
from portal.readmodel.models import Person
from tests.security.conftest import bearer, ingest_token

SMALL = {"max_request_bytes": 2000, "ingest_max_bytes": 50_000}


@pytest.fixture
def small(app, app_config):  # app: its teardown empties the tables
    return create_app({**app_config, **SMALL})


@pytest.fixture
def no_token_checks(monkeypatch):
    """Fails the test if a token signature is checked: a refusal must come first."""

    def boom(*_args, **_kwargs):
        raise AssertionError("the token was checked before the size refusal")

    monkeypatch.setattr(tokens, "verify_signature", boom)
    monkeypatch.setattr("portal.auth.access_tokens.verify_signature", boom)


def test_a_form_body_past_the_limit_is_refused_413(small):
    response = small.test_client().post("/auth/backchannel-logout", data={"logout_token": "x" * 5000})
    assert response.status_code == 413


def test_an_api_body_past_the_limit_is_problem_json_413(small, no_token_checks):
    response = small.test_client().post("/api/v1/subjects/x/appointments/y/cancel-request",
                                        data=json.dumps({"reason": "x" * 5000}), content_type="application/json",
                                        headers=bearer("a.b.c"))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_ingestion_may_send_more_than_other_bodies(small):
    client = small.test_client()
    token = ingest_token(client)
    response = client.post("/ingest/fhir", data=b"[" + b" " * 10_000 + b"]", headers=bearer(token))
    assert response.status_code != 413
    assert response.status_code < 500


def test_ingestion_past_its_own_limit_answers_413_as_operation_outcome(small, no_token_checks):
    response = small.test_client().post("/ingest/fhir", data=b"[" + b" " * 60_000 + b"]", headers=bearer("a.b.c"))
    assert response.status_code == 413
    assert response.mimetype == "application/fhir+json"
    assert response.get_json()["issue"][0]["code"] == "too-costly"


def test_a_chunked_ingestion_body_is_cut_off_at_the_limit_and_no_resource_is_stored(small, make):
    client = small.test_client()
    token = ingest_token(client)
    patient = {"resourceType": "Patient", "id": "p1", "meta": {"versionId": "1"},
               "name": [{"family": "Ek", "text": "x" * 60_000}]}
    response = client.post("/ingest/fhir", input_stream=io.BytesIO(json.dumps(patient).encode()),
                           headers={**bearer(token), "Content-Type": "application/fhir+json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert make.session.scalar(select(func.count()).select_from(Person)) == 0
    # Only the refusal is kept, as quarantine: its reason and the first bytes, never as a resource.
    assert make.session.scalars(select(QuarantinedInput.reason)).all() in ([], ["too-large"])
    assert make.session.scalar(select(func.count()).select_from(ResourceEvent)) == 0


@pytest.mark.parametrize("path", ["/api/v1/me", "/ingest/fhir"])
def test_an_oversized_token_is_refused_401_before_it_is_checked(client, no_token_checks, path):
    response = client.open(path, method="POST" if path.startswith("/ingest") else "GET",
                           headers=bearer("eyJ" + "A" * 10_000))
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_an_oversized_page_request_header_is_refused_431(client):
    response = client.get("/", headers={"X-Padding": "p" * 20_000})
    assert response.status_code == 431


@pytest.mark.parametrize("path", ["/journal?q=" + "x" * 5000, "/api/v1/me?x=" + "y" * 5000, "/" + "z" * 3000])
def test_a_huge_url_is_refused_414(client, path):
    assert client.get(path).status_code == 414
