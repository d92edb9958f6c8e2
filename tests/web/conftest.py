"""A family and an adult with records from region and municipality, and helpers for pages and forms."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from portal.auth.sessions import DEV_COOKIE
from tests.factories import NOW

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path: str = "/start") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def post(client, path: str, data: dict | None = None, page: str = "/start"):
    """A form POST as the browser sends it, with the CSRF token of ``page``."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, page)})


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(DEV_COOKIE)
    return cookie.value if cookie else None


def ids_in(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="/{prefix}/([A-Za-z0-9_-]+)"', html)


@pytest.fixture
def units(make):
    return SimpleNamespace(
        hospital=make.unit("Medicinkliniken, Centralsjukhuset", kind="hospital"),
        primary=make.unit("Vårdcentralen Fröslunda", kind="primary_care"),
        home_care=make.unit("Hemtjänst Norr", kind="home_care", origin="municipality"),
        school=make.unit("Elevhälsan Västra skolan", kind="school_health", origin="municipality"),
        barnahus=make.unit("Barnahus Sörmland", kind="barnahus"),
    )


@pytest.fixture
def anna(make, units, frozen):
    """An adult with a glucose series, entries from four kinds of unit, appointments and a SIP."""
    person = make.person("Anna", "Lindqvist", age=45)
    for day in range(25):
        make.entry(person, "P-Glukos", kind="lab_result", unit=units.hospital, code="2345-7", value=5 + day / 10,
                   value_unit="mmol/L", reference_low=4.0, reference_high=6.0, at=NOW - timedelta(days=200 - day))
    make.entry(person, "Besök på vårdcentralen", kind="care_contact", unit=units.primary, at=NOW - timedelta(days=40),
               text="Samtal om sömn.", author_name="Sofia Ek", author_role="Läkare")
    make.entry(person, "Hemtjänstinsats", kind="intervention", unit=units.home_care, at=NOW - timedelta(days=5))
    make.entry(person, "Nytt provsvar", kind="lab_result", unit=units.primary, at=NOW - timedelta(days=2))
    make.entry(person, "Samtal", unit=units.barnahus, at=NOW - timedelta(days=20))
    make.appointment(person, "Provtagning", unit=units.hospital, start=NOW + timedelta(days=2),
                     preparation="Kom fastande.", place="Centralsjukhuset, ingång 3")
    make.appointment(person, "Videobesök", unit=units.primary, start=NOW + timedelta(days=9), kind="video",
                     video_url="https://video.example/room/1")
    make.appointment(person, "Hembesök", unit=units.home_care, start=NOW - timedelta(days=2), status="fulfilled")
    make.care_plan(person, "Samordnad individuell plan", unit=units.home_care, is_sip=True,
                   next_follow_up=(NOW + timedelta(days=10)).date(), participants=[{"name": "Anna Lindqvist"}])
    make.session.commit()
    return person


@pytest.fixture
def family(make, units, frozen):
    """Erik, guardian of Lisa (8, growth measurements), Oskar (14) and Noah (6, protected identity)."""
    erik = make.person("Erik", "Johansson", age=41)
    lisa = make.person("Lisa", "Johansson", age=8)
    oskar = make.person("Oskar", "Johansson", age=14)
    noah = make.person("Noah", "Johansson", age=6, protected_identity=True)
    for child in (lisa, oskar, noah):
        make.relationship(erik, child)
    for year in range(5):
        make.entry(lisa, "Längd", kind="growth", unit=units.school, code="8302-2", value=110 + year * 6,
                   value_unit="cm", at=NOW - timedelta(days=365 * (5 - year)))
    make.entry(lisa, "Ungdomsmottagning", unit=units.primary, proxy_hidden=True)
    make.entry(oskar, "Oskars vaccination", kind="vaccination", unit=units.school)
    make.appointment(oskar, "Skolsköterskan", unit=units.school)
    make.entry(noah, "Noahs anteckning", unit=units.primary)
    make.entry(erik, "Eriks anteckning", unit=units.primary)
    make.session.commit()
    return SimpleNamespace(erik=erik, lisa=lisa, oskar=oskar, noah=noah)
