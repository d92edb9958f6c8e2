"""The HTTP cases: what each requests, as whom, and which floor route it is compared with."""

from __future__ import annotations

from dataclasses import dataclass

from bench.credentials import Sample

KIND = "lab_result"


@dataclass(frozen=True)
class Case:
    name: str
    paths: tuple[str, ...]  # candidates, first that answers wins; "{subject}" and "{entry}" are filled in
    auth: str  # "bearer" or "session"
    floor: str  # the floor case it is measured against


CASES = (
    Case("api_journal", ("/api/v1/subjects/{subject}/journal",), "bearer", "floor_journal"),
    Case("api_journal_kind", (f"/api/v1/subjects/{{subject}}/journal?kind={KIND}",), "bearer", "floor_journal_kind"),
    Case("api_appointments", ("/api/v1/subjects/{subject}/appointments",), "bearer", "floor_appointments"),
    Case("page_journal", ("/journal",), "session", "floor_journal"),
    Case("page_start", ("/start", "/"), "session", "floor_journal"),
)
FLOOR_CASES = {
    "floor_journal": "/floor/journal/{person}",
    "floor_journal_kind": f"/floor/journal/{{person}}?kind={KIND}",
    "floor_appointments": "/floor/appointments/{person}",
}
PAGES = {"start": ("/start", "/"), "journal": ("/journal",), "entry": ("/journal/{entry}", "/journal/entries/{entry}")}


def headers(sample: Sample, auth: str) -> dict[str, str]:
    if auth == "bearer":
        return {"Authorization": f"Bearer {sample.token}", "Accept": "application/json"}
    return {"Cookie": sample.cookie, "Accept": "text/html", "Accept-Encoding": "gzip, br"}


def fill(path: str, sample: Sample) -> str:
    return path.format(subject=sample.public_id, entry=sample.entry_id, person=sample.person_id)


def spec(path: str, auth: str | None, samples: list[Sample]) -> list[dict]:
    return [{"path": fill(path, s), "headers": headers(s, auth) if auth else {}} for s in samples]
