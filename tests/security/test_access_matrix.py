"""The access matrix's other half: what each persona may read answers 200 on every subject route of the API.

The IDOR probes (test_idor.py) prove nobody reads anyone else; this proves the rules do not over-block.
"""

from __future__ import annotations

from portal.policy.viewer import Mode
from tests.security.conftest import bearer, mint
from tests.security.test_idor import world  # noqa: F401 - the shared fixture

SUBJECT_ROUTES = ("journal", "appointments", "appointments.ics", "care-plans", "access-log")
# What a proxy may not read of the person they act for (DESIGN.md section 4: the access log is the subject's).
NOT_FOR_PROXIES = {"access-log"}


def test_every_persona_reads_what_the_rules_allow_on_every_subject_route(app, world):  # noqa: F811
    personas, _owned = world
    checked = 0
    for persona in personas:
        client = app.test_client()
        headers = bearer(mint(app, persona.person))
        me = client.get("/api/v1/me", headers=headers).get_json()
        listed = {subject["id"]: subject["mode"] for subject in me["subjects"]}
        expected = {persona.person.public_id, *(person.public_id for person in persona.may_see)}
        assert set(listed) == expected, persona.key
        for subject, mode in listed.items():
            for route in SUBJECT_ROUTES:
                status = client.get(f"/api/v1/subjects/{subject}/{route}", headers=headers).status_code
                want = 404 if mode != Mode.SELF and route in NOT_FOR_PROXIES else 200
                assert status == want, f"{persona.key} {mode} {route}: {status}"
                checked += 1
    assert checked >= len(personas) * len(SUBJECT_ROUTES)
