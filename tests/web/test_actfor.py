"""Acting for others on the pages: the switcher, a new session id, an audit row, the banner, and the rules."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.audit.models import AuditEvent
from tests.web.conftest import CSRF, post, session_cookie


def _switcher(html: str) -> str:
    return re.search(r'<select id="act-for".*?</select>', html, re.S).group(0)


def test_switcher_lists_only_children_the_guardian_may_act_for(client, login, family):
    login(family.erik)
    switcher = _switcher(client.get("/start").get_data(as_text=True))
    assert "Erik Johansson (du)" in switcher and "Lisa Johansson" in switcher
    assert "Oskar" not in switcher  # 14: past the guardian age
    assert "Noah" not in switcher and family.noah.public_id not in switcher  # protected identity


def test_switching_rotates_the_session_id_and_is_audited(client, login, family, make):
    login(family.erik)
    client.get("/start")
    before = session_cookie(client)
    response = post(client, "/act-for", {"subject": family.lisa.public_id})
    assert response.status_code == 302
    after = session_cookie(client)
    assert after and after != before
    row = make.session.scalars(select(AuditEvent).where(AuditEvent.action == "switch")).one()
    assert (row.actor_id, row.subject_id, row.mode, row.channel) == (
        family.erik.public_id, family.lisa.public_id, "guardian", "web")


def test_banner_on_every_page_and_a_way_back(client, login, family, make):
    login(family.erik)
    post(client, "/act-for", {"subject": family.lisa.public_id})
    for path in ["/start", "/journal", "/appointments", "/care-plans"]:
        page = client.get(path).get_data(as_text=True)
        assert "Du ser Lisas uppgifter" in page, path
    assert "You are viewing Lisa&#39;s information" in client.get("/start?lang=en").get_data(as_text=True)
    journal = client.get("/journal").get_data(as_text=True)
    assert "Längd" in journal and "Eriks anteckning" not in journal
    assert "Ungdomsmottagning" not in journal  # hidden from proxies
    back = post(client, "/act-for", {"subject": family.erik.public_id})
    assert back.status_code == 302
    page = client.get("/journal").get_data(as_text=True)
    assert "Du ser" not in page and "Eriks anteckning" in page


def test_a_proxy_has_no_access_log_of_the_child(client, login, family):
    login(family.erik)
    post(client, "/act-for", {"subject": family.lisa.public_id})
    assert 'href="/access-log"' not in client.get("/start").get_data(as_text=True)
    assert client.get("/access-log").status_code == 404


NONCE = re.compile(r'nonce="[^"]+"')


def _without_tokens(html: str) -> str:
    """The page without what every response makes afresh: the CSRF token and the CSP nonce."""
    return NONCE.sub('nonce=""', CSRF.sub('name="csrf_token" value=""', html))


def test_a_protected_child_answers_exactly_like_a_missing_one(client, login, family, make):
    login(family.erik)
    protected = post(client, "/act-for", {"subject": family.noah.public_id})
    missing = post(client, "/act-for", {"subject": "no-such-person-000000"})
    assert protected.status_code == missing.status_code == 404
    assert _without_tokens(protected.get_data(as_text=True)) == _without_tokens(missing.get_data(as_text=True))
    assert "Noah" not in protected.get_data(as_text=True)
    assert "Noahs anteckning" not in client.get("/journal").get_data(as_text=True)
    refused = make.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
    assert len(refused) == 2


def test_a_teen_past_the_guardian_age_cannot_be_switched_to(client, login, family):
    login(family.erik)
    assert post(client, "/act-for", {"subject": family.oskar.public_id}).status_code == 404
    assert "Oskars vaccination" not in client.get("/journal").get_data(as_text=True)


def test_a_block_takes_effect_on_the_next_request_back_to_self(client, login, family, make):
    login(family.erik)
    post(client, "/act-for", {"subject": family.lisa.public_id})
    assert "Du ser Lisas uppgifter" in client.get("/journal").get_data(as_text=True)
    make.consent(family.lisa, "guardian_block", blocked=family.erik)
    make.session.commit()
    response = client.get("/journal")
    assert response.status_code == 302 and response.location.endswith("/start")
    page = client.get("/start").get_data(as_text=True)
    assert "Du kan inte längre se den personens uppgifter" in page and "Du ser Lisas" not in page
    assert "Längd" not in client.get("/journal").get_data(as_text=True)


def test_the_child_sees_in_the_access_log_what_the_guardian_read(client, login, family, make):
    login(family.erik)
    post(client, "/act-for", {"subject": family.lisa.public_id})
    client.get("/journal")
    rows = make.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == family.lisa.public_id,
                                                         AuditEvent.resource == "journal")).all()
    assert [(row.actor_id, row.mode) for row in rows] == [(family.erik.public_id, "guardian")]


def test_switch_needs_a_csrf_token(client, login, family):
    login(family.erik)
    assert client.post("/act-for", data={"subject": family.lisa.public_id}).status_code == 400
