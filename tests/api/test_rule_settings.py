"""Each access rule of DESIGN.md section 2 is a setting: changing it changes what the API (and so the pages) show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import NOW


@pytest.fixture
def app_config(app_config: dict, request) -> dict:
    changes = getattr(request, "param", {})
    return {**app_config, **changes}


def _record(make):
    adult = make.person("Anna", age=45)
    make.entry(adult, "Samtal på Barnahus", unit=make.unit("Barnahus", kind="barnahus"))
    make.entry(adult, "Tredje person berättade")
    make.entry(adult, "PAD-svar", category="pathology", recorded_at=NOW - timedelta(days=2))
    make.entry(adult, "Vanligt besök")
    make.session.commit()
    return adult


def _titles(client, person) -> list[str]:
    body = client.get(f"/api/v1/subjects/{person.public_id}/journal").get_json()
    return sorted(entry["title"] for entry in body["entries"])


def test_defaults_hide_excluded_units_keywords_and_delayed_pathology(client, login, make, frozen):
    adult = _record(make)
    login(adult)
    assert _titles(client, adult) == ["Vanligt besök"]


@pytest.mark.parametrize(
    ("app_config", "now_visible"),
    [
        ({"excluded_unit_kinds": ()}, "Samtal på Barnahus"),
        ({"excluded_keywords": ()}, "Tredje person berättade"),
        ({"release_delay_days": {}}, "PAD-svar"),
    ],
    indirect=["app_config"],
)
def test_turning_a_rule_off_by_its_setting_shows_what_it_hid(client, login, make, frozen, now_visible):
    adult = _record(make)
    login(adult)
    assert now_visible in _titles(client, adult)


@pytest.mark.parametrize(("app_config", "status"), [({}, 403), ({"self_journal_age": 15}, 200)],
                         indirect=["app_config"])
def test_self_journal_age_is_a_setting(client, login, make, frozen, status):
    teen = make.person("Oskar", age=15)
    make.session.commit()
    login(teen)
    assert client.get(f"/api/v1/subjects/{teen.public_id}/journal").status_code == status


@pytest.mark.parametrize(("app_config", "status"), [({}, 404), ({"guardian_until_age": 14}, 200)],
                         indirect=["app_config"])
def test_guardian_age_is_a_setting(client, login, make, frozen, status):
    parent, child = make.person("Erik", age=40), make.person("Lisa", age=13)
    make.relationship(parent, child)
    make.session.commit()
    login(parent)
    assert client.get(f"/api/v1/subjects/{child.public_id}/journal").status_code == status


@pytest.mark.parametrize(("app_config", "status"), [({}, 404), ({"representatives_enabled": True}, 200)],
                         indirect=["app_config"])
def test_representatives_are_a_setting(client, login, make, frozen, status):
    god_man, client_person = make.person("Per", age=58), make.person("Gunnar", age=72)
    make.relationship(god_man, client_person, kind="god_man", scope=["appointments"])
    make.session.commit()
    login(god_man)
    assert client.get(f"/api/v1/subjects/{client_person.public_id}/appointments").status_code == status
