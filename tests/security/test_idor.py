"""IDOR probes: for every route that takes a subject or object id, every pair of personas, swapped ids.

A probe asks for another person's subject or object as one persona and compares the answer with the answer to
a random id that does not exist: the same status and the same body (with per-response tokens masked), so
nothing tells another person's data, or even their existence, from nothing at all.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import db
from portal.pages.current import ACTING_FOR
from portal.readmodel.models import CancelRequest, Person
from portal.security.routes import RULES, Access
from tests.factories import NOW
from tests.security.conftest import bearer, mint
from tests.web.conftest import csrf

# Every id a route may take, and which object of a person it names.
ID_KINDS = {"subject_id": "subject", "entry_id": "entry", "appointment_id": "appointment", "plan_id": "plan",
            "filename": None}
PROBED_POSTS = {"api.CancelRequest", "appointments.cancel", "actfor.switch"}
MASKED = re.compile(r'(value|nonce|content)="[A-Za-z0-9._-]{24,}"')


@dataclass
class Persona:
    key: str
    person: Person
    roles: tuple[str, ...] = ()
    may_see: list[Person] = field(default_factory=list)  # besides themself


@dataclass
class Owned:
    person: Person
    entry: str
    appointment: str
    plan: str


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "representatives_enabled": True}  # so only the expiry keeps the representative out


@pytest.fixture
def world(make):
    """Eight personas and the people around them, each person with an entry, an appointment and a care plan."""
    people = {key: make.person(key.capitalize(), "Probe", age=age, **extra) for key, age, extra in [
        ("anna", 45, {}), ("erik", 41, {}), ("lisa", 8, {}), ("maria", 38, {}), ("ella", 7, {}), ("pia", 35, {}),
        ("noah", 6, {"protected_identity": True}), ("bo", 44, {}), ("saga", 9, {}), ("rut", 60, {}),
        ("gustav", 82, {}), ("sven", 50, {}), ("agent", 30, {"is_staff": True}),
    ]}
    for guardian, child in [("erik", "lisa"), ("maria", "ella"), ("pia", "noah"), ("bo", "saga")]:
        make.relationship(people[guardian], people[child])
    make.consent(people["saga"], "guardian_block", blocked=people["bo"])
    make.relationship(people["rut"], people["gustav"], kind="god_man", valid_from=date(2020, 1, 1),
                      valid_to=date.today() - timedelta(days=30))
    owned = {}
    for key, person in people.items():
        entry = make.entry(person, f"Anteckning om {key}", text=f"Journaltext om {key}")
        appointment = make.appointment(person, f"Besök för {key}", start=NOW.replace(year=2099))
        plan = make.care_plan(person, f"Plan för {key}")
        owned[key] = Owned(person, entry.public_id, appointment.public_id, plan.public_id)
    make.session.commit()
    personas = [
        Persona("self adult", people["anna"]),
        Persona("guardian", people["erik"], may_see=[people["lisa"]]),
        Persona("guardian of another child", people["maria"], may_see=[people["ella"]]),
        Persona("guardian of a protected child", people["pia"]),
        Persona("blocked guardian", people["bo"]),
        Persona("expired representative", people["rut"]),
        Persona("stranger", people["sven"]),
        Persona("support agent without a session", people["agent"], roles=("support",)),
    ]
    return personas, owned


def _id_rules(app, prefix: str):
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or RULES.get(rule.endpoint) == Access.STATIC:
            continue
        unknown = set(rule.arguments) - set(ID_KINDS)
        assert not unknown, f"{rule.rule}: teach the IDOR probes what {unknown} names"
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "POST" in methods:
            assert rule.endpoint in PROBED_POSTS or rule.endpoint.startswith("support."), rule.endpoint
        if rule.rule.startswith(prefix):
            rules.append((rule, "POST" if "POST" in methods else "GET"))
    return rules


def _path(rule, subject: str, obj: str) -> str:
    path = rule.rule.replace("<string:subject_id>", subject)
    for name in ("entry_id", "appointment_id", "plan_id"):
        path = path.replace(f"<string:{name}>", obj)
    return path


def _object(owned: Owned, rule) -> str:
    for name in ("entry_id", "appointment_id", "plan_id"):
        if name in rule.arguments:
            return getattr(owned, ID_KINDS[name])  # type: ignore[arg-type]
    return ""


def _random() -> str:
    return secrets.token_urlsafe(12)


class Prober:
    def __init__(self) -> None:
        self.count = 0
        self.leaks: list[str] = []

    def compare(self, what: str, probe, baseline) -> None:
        """The two answers alike, but for the ids each request carried (a page may link to its own URL)."""
        self.count += 1
        if probe.status_code != baseline.status_code or _body(probe) != _body(baseline):
            self.leaks.append(f"{what}: {probe.status_code} vs {baseline.status_code} for a nonexistent id")


def _body(response) -> str:
    text = MASKED.sub(r'\1="*"', response.get_data(as_text=True))
    path = response.request.path
    for sent in {part for part in path.split("/") if len(part) >= 12}:
        text = text.replace(sent, "{id}")
    return text


def test_swapped_ids_in_the_api_look_exactly_like_ids_that_do_not_exist(app, world):
    personas, owned = world
    prober = Prober()
    rules = _id_rules(app, "/api/")
    for persona in personas:
        client = app.test_client()
        headers = bearer(mint(app, persona.person))
        call = _caller(client, headers)
        allowed = {persona.person.public_id, *(p.public_id for p in persona.may_see)}
        for rule, method in rules:
            subject_only = "subject_id" in rule.arguments and len(rule.arguments) == 1
            nothing = call(method, _path(rule, _random(), _random()))
            for target in owned.values():
                subject = target.person.public_id
                if subject in allowed:
                    continue
                # Another person's id, with their own object: exactly as for an id that does not exist.
                prober.compare(f"{persona.key} {method} {rule.rule} for {target.person.given_name}",
                               call(method, _path(rule, subject, _object(target, rule))), nothing)
            if subject_only:
                continue
            for mine in allowed:
                nothing_mine = call(method, _path(rule, mine, _random()))
                for target in owned.values():
                    if target.person.public_id == mine:
                        continue
                    # A subject one may see, with someone else's object id.
                    prober.compare(f"{persona.key} {method} {rule.rule} own subject, object of "
                                   f"{target.person.given_name}",
                                   call(method, _path(rule, mine, _object(target, rule))), nothing_mine)
    assert not prober.leaks, "\n".join(prober.leaks[:20])
    assert db.session().scalar(select(func.count()).select_from(CancelRequest)) == 0
    print(f"\nIDOR probes (API): {prober.count}")
    assert prober.count > 800


def _caller(client, headers):
    def call(method: str, path: str):
        if method == "POST":
            return client.post(path, json={"reason": "probe"}, headers=headers)
        return client.get(path, headers=headers)

    return call


def _sign_in(client, persona: Persona, acting_for: Person | None = None) -> None:
    from portal import clock

    person = persona.person
    with client.session_transaction() as session:
        session["auth"] = {"sub": f"test-{person.public_id}", "person_id": person.public_id,
                           "name": person.display_name, "roles": list(persona.roles),
                           "login_at": clock.now().isoformat(), "auth_time": None}
        session["_user_id"] = person.public_id
        session["_fresh"] = True
        if acting_for is not None:
            session[ACTING_FOR] = acting_for.public_id
    db.session().commit()


def test_swapped_ids_in_the_pages_look_exactly_like_ids_that_do_not_exist(app, world):
    personas, owned = world
    prober = Prober()
    rules = [(rule, method) for rule, method in _id_rules(app, "/") if not rule.rule.startswith(("/api/", "/dev-idp"))]
    assert len(rules) >= 5
    for persona in personas:
        for acting_for in [None, *persona.may_see]:
            client = app.test_client()
            _sign_in(client, persona, acting_for)
            viewed = (acting_for or persona.person).public_id
            token = csrf(client)
            call = _page_caller(client, token)
            for rule, method in rules:
                nothing = call(method, _path(rule, _random(), _random()))
                for target in owned.values():
                    if target.person.public_id == viewed:
                        continue
                    prober.compare(f"{persona.key} (viewing {viewed}) {method} {rule.rule} object of "
                                   f"{target.person.given_name}", call(method, _path(rule, "", _object(target, rule))),
                                   nothing)
            # Acting for: the subject id travels in the form.
            nothing = client.post("/act-for", data={"subject": _random(), "csrf_token": token})
            allowed = {persona.person.public_id, *(p.public_id for p in persona.may_see)}
            for target in owned.values():
                if target.person.public_id not in allowed:
                    probe = client.post("/act-for", data={"subject": target.person.public_id, "csrf_token": token})
                    prober.compare(f"{persona.key} act for {target.person.given_name}", probe, nothing)
    assert not prober.leaks, "\n".join(prober.leaks[:20])
    assert db.session().scalar(select(func.count()).select_from(CancelRequest)) == 0
    print(f"\nIDOR probes (pages): {prober.count}")
    assert prober.count > 400


def _page_caller(client, token: str):
    def call(method: str, path: str):
        if method == "POST":
            return client.post(path, data={"reason": "probe", "csrf_token": token})
        return client.get(path)

    return call
