"""Security tests: the app with the embedded dev provider, so tokens and sign-ins are real."""

from __future__ import annotations

import pytest

from tests.api.test_bearer import bearer, ingest_token, mint

__all__ = ["bearer", "ingest_token", "mint", "url_for_rule"]

SAMPLE_ARGS = {"filename": "portal.css"}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "dev_idp": True}


def url_for_rule(rule, value: str = "nonexistent-id") -> str:
    """The rule's path with every variable filled in."""
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<string:{name}>", SAMPLE_ARGS.get(name, value))
        path = path.replace(f"<path:{name}>", SAMPLE_ARGS.get(name, value)).replace(f"<{name}>", value)
    return path


@pytest.fixture(autouse=True)
def _empty_tables_afterwards(app):
    """Tests here build extra apps on the same database; the ``app`` fixture's teardown empties it after each."""
    yield


@pytest.fixture
def login_as():
    from portal import clock, db

    def sign_in(client, person, roles=()):
        with client.session_transaction() as session:
            session["auth"] = {"sub": f"sub-{person.public_id}", "person_id": person.public_id,
                               "name": person.display_name, "roles": list(roles), "login_at": clock.now().isoformat()}
            session["_user_id"] = person.public_id
            session["_fresh"] = True
        db.session().commit()

    return sign_in
