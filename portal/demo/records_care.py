"""Care plans (the SIP shared by region and municipality), home care, and appointments."""

from __future__ import annotations

from datetime import date, timedelta

from portal.demo import fhir
from portal.demo.catalog import REGION, Unit
from portal.demo.catalog_clinical import HOME_CARE_TEXTS, PREPARATIONS
from portal.demo.fhir_people import Activity, care_plan
from portal.demo.record import Record


def home_care(record: Record, notes: int) -> None:
    """Municipal home-care notes (insatser documented by the home-care staff)."""
    home = record.home
    if home is None:
        return
    unit, rng, clock = home.home_care, record.rng, record.clock
    subject = record.subject(unit.source)
    for _ in range(notes):
        day = record.days_back(1, 365)
        html = f"<p>{rng.choice(HOME_CARE_TEXTS)}</p>"
        record.add(unit, fhir.composition(record.rid("n"), subject, unit, clock.at(day, rng.randint(7, 21)),
                                          "Hemtjänst, social dokumentation", html, "Undersköterska Eva Lund"))


def sip(record: Record) -> None:
    """A SIP: region and municipality agree on goals and who does what, with a follow-up date."""
    home = record.home
    if home is None:
        return
    clock, vc = record.clock, record.unit("primary_care")
    start = record.days_back(30, 300)
    goals = (("Kunna bo kvar hemma med trygghet", (clock.today + timedelta(days=180)).isoformat()),
             ("Inga fall under året", (clock.today + timedelta(days=365)).isoformat()))
    activities = (
        Activity("Hemtjänst morgon och kväll, stöd vid personlig hygien", home.home_care, "Dagligen 07-09, 19-21"),
        Activity("Läkemedelsgenomgång", vc, "Var sjätte månad"),
        Activity("Fallprevention och träning med fysioterapeut", home.elderly_care, "En gång i veckan"),
        Activity("Trygghetslarm och nattillsyn", home.home_care, "Nattetid"),
    )
    participants = (record.person.given + " " + record.person.family, "Distriktssköterska Anna Berg",
                    f"Biståndshandläggare, {home.name}", "Fysioterapeut Omar Haddad")
    follow_up = (clock.today + timedelta(days=record.rng.randint(14, 90))).isoformat()
    record.add(vc, care_plan(record.rid("p"), record.subject(vc.source), vc, "Samordnad individuell plan (SIP)",
                             f"Gemensam plan för {REGION.name} och {home.name}.", start.isoformat(),
                             clock.at(start, 14), goals, activities, follow_up, participants, sip=True))


def plan(record: Record, unit: Unit, title: str) -> None:
    """An ordinary care plan at one unit."""
    clock = record.clock
    start = record.days_back(30, 1000)
    goal = ((f"Stabil behandling: {title.lower()}", (clock.today + timedelta(days=365)).isoformat()),)
    activity = (Activity("Årlig uppföljning med provtagning", unit, "En gång per år"),)
    follow_up = (clock.today + timedelta(days=record.rng.randint(20, 300))).isoformat()
    record.add(unit, care_plan(record.rid("p"), record.subject(unit.source), unit, title, "Individuell vårdplan.",
                               start.isoformat(), clock.at(start, 14), goal, activity, follow_up,
                               (record.person.given + " " + record.person.family, record.doctor())))


def past_appointments(record: Record, most: int) -> None:
    """The booked times behind the latest contacts: fulfilled, sometimes cancelled."""
    rng = record.rng
    for unit, day, title in record.visits[-most:]:
        status = "cancelled" if rng.random() < 0.08 else "fulfilled"
        _appointment(record, unit, day, title, status, "video" if title == "Digitalt vårdmöte" else "in_person")


def upcoming(record: Record, count: int) -> None:
    """Booked future times at the person's units, of every kind the person uses."""
    if record.person.deceased_on:
        return
    rng = record.rng
    for _ in range(count):
        kind = rng.choice(("in_person", "in_person", "phone", "video", "hospital"))
        unit = record.unit("hospital" if kind == "hospital" else "primary_care")
        title = {"hospital": "Mottagningsbesök", "phone": "Telefonsamtal med sjuksköterska",
                 "video": "Videobesök hos läkare"}.get(kind, "Läkarbesök")
        _appointment(record, unit, record.clock.day(rng.randint(2, 120)), title, "booked",
                     "in_person" if kind == "hospital" else kind)


def home_visits(record: Record, count: int) -> None:
    home = record.home
    if home is None or record.person.deceased_on:
        return
    for week in range(count):
        day = record.clock.day(1 + week * 7)
        _appointment(record, home.home_care, day, "Hembesök av distriktssköterska", "booked", "home_visit")


def school_nurse(record: Record, unit: Unit) -> None:
    day = record.clock.day(record.rng.randint(5, 60))
    _appointment(record, unit, day, "Hälsobesök hos skolsköterskan", "booked", "in_person")


def _appointment(record: Record, unit: Unit, day: date, title: str, status: str, kind: str) -> None:
    rng, clock = record.rng, record.clock
    hour, minute = rng.randint(8, 15), rng.choice((0, 20, 40))
    start, end = clock.at(day, hour, minute), clock.at(day, hour, minute + 19)
    prep_key = kind if kind in ("video", "phone", "home_visit") else unit.kind
    if unit.kind == "hospital" and rng.random() < 0.3:
        prep_key = "fasting"
    rid = record.rid("b")
    video = f"https://video.demo.example/rum/{rid}" if kind == "video" else ""
    place = "" if kind in ("video", "phone", "home_visit") else f"{unit.name}, {unit.city}"
    updated = clock.at(min(clock.today, day - timedelta(days=14)), 8)
    practitioner = record.nurse() if kind in ("phone", "home_visit") or unit.kind == "school_health" \
        else record.doctor()
    record.add(unit, fhir.appointment(rid, record.subject(unit.source), unit, start, end, status, title, kind,
                                      PREPARATIONS.get(prep_key, PREPARATIONS["primary_care"]), practitioner,
                                      updated, place=place, video=video))

