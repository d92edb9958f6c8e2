"""The journal pages: one timeline with provenance, filters, search, "show more", and an entry with its chart."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import db
from portal.audit.models import AuditEvent
from tests.conftest import reads_went_alone
from tests.web.conftest import ids_in


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/journal/[^"]+">([^<]+)</a></h3>', html)


def test_timeline_shows_region_and_municipality_with_where_each_came_from(client, login, anna):
    login(anna)
    page = client.get("/journal").get_data(as_text=True)
    assert "Hemtjänstinsats" in page and "Besök på vårdcentralen" in page
    assert 'badge origin-municipality">Kommun</span> Hemtjänst Norr' in page
    assert 'badge origin-region">Region</span> Medicinkliniken, Centralsjukhuset' in page


def _kinds_and_origins(html: str) -> set[str]:
    cards = set(re.findall(r'<span class="kind">([^<]+)</span>|badge origin-municipality">([^<]+)</span>', html))
    return {word for pair in cards for word in pair if word}


def test_kinds_and_origins_are_in_the_language_of_each_request(client, login, anna):
    login(anna)
    english, swedish, english_again = (client.get(f"/journal?lang={lang}").get_data(as_text=True)
                                       for lang in ("en", "sv", "en"))
    assert _kinds_and_origins(english) == {"Lab result", "Care contact", "Municipal intervention", "Municipality"}
    assert _kinds_and_origins(swedish) == {"Provsvar", "Vårdkontakt", "Kommunal insats", "Kommun"}
    assert _kinds_and_origins(english_again) == _kinds_and_origins(english)
    assert '<input type="checkbox" name="kind" value="lab_result"> Provsvar</label>' in swedish


def test_the_journal_page_reads_without_a_write_transaction(client, login, anna, statements):
    login(anna)
    client.get("/start")  # the chain's first row, which records its head in a transaction of its own
    with statements() as seen:
        page = client.get("/journal")
    assert page.status_code == 200 and "Hemtjänstinsats" in page.get_data(as_text=True)
    assert any("journal_entry" in sent.statement for sent in seen)
    assert any("web_session" in sent.statement for sent in seen)
    assert reads_went_alone(seen)
    db.session().rollback()
    assert "journal" in db.session().scalars(select(AuditEvent.resource)).all()


def test_the_journal_pages_reads_share_one_sqlite_transaction_and_its_audit_row_another(client, login, anna,
                                                                                         statements):
    if db.on_postgresql(db.session()):
        pytest.skip("PostgreSQL's reads go alone, one statement at a time, with no BEGIN")
    login(anna)
    client.get("/start")  # the chain's first row, which records its head in a transaction of its own
    with statements() as seen:
        assert client.get("/journal").status_code == 200
    assert [sent.statement for sent in seen if sent.statement.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]


def test_show_more_pages_through_every_entry_once(client, login, anna):
    login(anna)
    seen, url = [], "/journal"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen.extend(ids_in(html, "journal"))
        more = re.search(r'<p class="more"><a href="([^"]+)">Visa fler</a>', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert len(seen) == 28 == len(set(seen))


def test_show_more_keeps_the_filters(client, login, anna):
    login(anna)
    html = client.get("/journal?kind=lab_result").get_data(as_text=True)
    more = re.search(r'<p class="more"><a href="([^"]+)">', html).group(1).replace("&amp;", "&")
    assert "kind=lab_result" in more
    assert set(_titles(client.get(more).get_data(as_text=True))) == {"P-Glukos"}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=intervention", {"Hemtjänstinsats"}),
        ("kind=intervention&kind=care_contact", {"Hemtjänstinsats", "Besök på vårdcentralen"}),
        ("origin=municipality", {"Hemtjänstinsats"}),
        ("q=sömn", {"Besök på vårdcentralen"}),
        ("q=GLUKOS&from=2025-12-01", {"P-Glukos"}),
        ("from=2026-06-10&to=2026-06-15", {"Hemtjänstinsats", "Nytt provsvar"}),
    ],
)
def test_filters_by_kind_origin_period_and_text(client, login, anna, query, titles):
    login(anna)
    assert set(_titles(client.get(f"/journal?{query}").get_data(as_text=True))) == titles


def test_filter_by_unit_offers_the_units_behind_the_entries(client, login, anna, units):
    login(anna)
    page = client.get("/journal").get_data(as_text=True)
    assert f'<option value="{units.home_care.hsa_id}">Hemtjänst Norr</option>' in page
    assert "Barnahus" not in page
    filtered = client.get(f"/journal?unit={units.primary.hsa_id}").get_data(as_text=True)
    assert set(_titles(filtered)) == {"Besök på vårdcentralen", "Nytt provsvar"}


def test_the_unit_filter_lists_units_in_swedish_order(client, login, make, frozen):
    person = make.person("Maja", "Berg", age=30)
    for name in ("Örnsköldsviks hälsocentral", "Zakrisdals vårdcentral", "Ängelholms sjukhus", "Åre vårdcentral",
                 "akutmottagningen"):
        make.entry(person, "Besök", unit=make.unit(name))
    make.session.commit()
    login(person)
    page = client.get("/journal").get_data(as_text=True)
    listed = re.findall(r'<option value="SE[^"]+">([^<]+)</option>', page)
    assert listed == ["akutmottagningen", "Zakrisdals vårdcentral", "Åre vårdcentral", "Ängelholms sjukhus",
                      "Örnsköldsviks hälsocentral"]


def test_a_bad_filter_is_explained_on_the_page(client, login, anna):
    login(anna)
    response = client.get("/journal?from=igår")
    assert response.status_code == 400
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in response.get_data(as_text=True)
    assert client.get("/journal?cursor=bm9wZQ").status_code == 400


def test_entry_shows_text_author_unit_and_times(client, login, anna):
    login(anna)
    entry_id = ids_in(client.get("/journal?q=sömn").get_data(as_text=True), "journal")[0]
    page = client.get(f"/journal/{entry_id}").get_data(as_text=True)
    assert "Samtal om sömn." in page and "Sofia Ek, Läkare" in page
    assert "Vårdcentralen Fröslunda" in page and "Registrerad" in page


def test_lab_result_has_reference_range_and_a_trend_chart_with_a_table(client, login, anna):
    login(anna)
    entry_id = ids_in(client.get("/journal?q=Glukos").get_data(as_text=True), "journal")[0]
    page = client.get(f"/journal/{entry_id}").get_data(as_text=True)
    assert "Referensintervall: 4–6 mmol/L" in page
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'class="band"' in svg
    assert svg.count("<circle") == 25
    assert page.count("<tr>") == 26  # header and one row per value: the chart's text alternative


def test_growth_measurement_has_a_growth_chart_by_age(client, login, family):
    login(family.erik)
    from tests.web.conftest import post

    post(client, "/act-for", {"subject": family.lisa.public_id})
    entry_id = ids_in(client.get("/journal?kind=growth").get_data(as_text=True), "journal")[0]
    page = client.get(f"/journal/{entry_id}").get_data(as_text=True)
    assert "Längd efter ålder" in page
    assert re.search(r"<svg .*?</svg>", page, re.S).group(0).count("<circle") == 5


def test_a_14_year_old_sees_appointments_and_a_friendly_journal_page(client, login, family):
    login(family.oskar)
    assert "Skolsköterskan" in client.get("/appointments").get_data(as_text=True)
    response = client.get("/journal")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Din journal öppnas när du fyller 16." in page
    assert "Oskars vaccination" not in page
    assert "Din journal öppnas när du fyller 16." in client.get("/start").get_data(as_text=True)
