"""Adult records: chronic conditions with follow-up visits and lab series, short illnesses, allergies,
referrals, certificates and the vaccinations offered to older people."""

from __future__ import annotations

from datetime import date, timedelta

from portal.demo import fhir
from portal.demo.catalog import UNITS, Unit
from portal.demo.catalog_clinical import (
    ACUTE,
    ADULT_VACCINES,
    ALLERGIES,
    ANALYSES,
    ATC,
    PNEUMOCOCCAL,
    PROFILES,
    REFERRALS,
    SNOMED,
    Analysis,
    Profile,
    concept,
)
from portal.demo.record import Record

_ACUTE_CHILD = tuple(a for a in ACUTE if a.icd in ("J06.9", "H66.9", "L20.9"))
_ALLERGY_CODES = tuple((concept(SNOMED, code, name), crit, reaction) for code, name, reaction, crit in ALLERGIES)
_ADULT_VACCINE_CODES = tuple(concept(ATC, code, name) for code, name in ADULT_VACCINES)
_PNEUMO_CODE = concept(ATC, *PNEUMOCOCCAL)
_CHECKUP = ("hb", "glukos", "krea", "kolesterol", "alat", "tsh")


def chronic(record: Record, force: tuple[Profile, ...] = ()) -> list[Profile]:
    """Each condition the person has: its diagnosis, medications, and visits with a lab series."""
    age, chosen = record.person.age, []
    for profile in PROFILES:
        if profile in force or (age >= profile.min_age and record.rng.random() < profile.chance * min(2.5, age / 45)):
            _condition(record, profile)
            chosen.append(profile)
    return chosen


def _condition(record: Record, profile: Profile) -> None:
    rng = record.rng
    years = rng.randint(1, max(1, min(10, record.person.age - profile.min_age)))
    onset = record.days_back(years * 365 - 180, years * 365)
    unit = record.unit(profile.unit_kind)
    doctor = record.doctor()
    record.visit(unit, onset, "Nybesök", f"Utredning som visat {profile.name.lower()}",
                 f"{profile.name}. Behandling inleds.", author=doctor)
    record.add(unit, fhir.condition(record.rid("c"), record.subject(unit.source), profile.code,
                                    record.clock.at(onset, 15), doctor, "Diagnos ställd vid nybesök.", True))
    for medication in profile.medications:
        record.add(unit, fhir.medication(record.rid("m"), record.subject(unit.source), medication.code,
                                         medication.dosage, record.clock.at(onset, 15, 30), doctor, True))
    series = [ANALYSES[key] for key in profile.analyses]
    interval = 120 if profile.analyses else 240
    level = {a.key: rng.gauss(0, 0.6) + (1.5 if profile.drift > 0 else 0) for a in series}
    day, step = onset, 0
    while (day := day + timedelta(days=interval + rng.randint(-20, 20))) < record.last_day:
        step += 1
        record.visit(unit, day, "Återbesök", f"Uppföljning av {profile.name.lower()}",
                     "Stabilt. Fortsatt behandling enligt vårdplan.", author=doctor)
        for analysis in series:
            value = analysis.mean + analysis.spread * (level[analysis.key] + profile.drift * step / 2)
            lab(record, unit, analysis, value + rng.gauss(0, analysis.spread * 0.3), day)


def lab(record: Record, unit: Unit, analysis: Analysis, value: float, day: date, *labels: str) -> None:
    clock, hour = record.clock, record.rng.randint(7, 10)
    shown = round(max(value, analysis.spread / 10), analysis.decimals)
    record.add(unit, fhir.observation(
        record.rid("l"), record.subject(unit.source), unit, "laboratory", analysis.code,
        clock.at(day, hour), clock.at(day, hour + 4), shown, analysis.unit, analysis.ucum, *labels,
        low=analysis.low, high=analysis.high))


def checkups(record: Record) -> None:
    """Yearly or two-yearly health checks with the same blood tests, so every adult has lab series."""
    rng, unit = record.rng, record.unit("primary_care")
    levels = {key: rng.gauss(0, 0.8) for key in _CHECKUP}
    day = record.last_day - timedelta(days=rng.randint(3650, 4000))
    while (day := day + timedelta(days=rng.randint(330, 700))) < record.last_day:
        if day <= record.person.birth + timedelta(days=18 * 365):
            continue
        record.visit(unit, day, "Hälsokontroll", "Årlig hälsokontroll med provtagning",
                     "Provsvar inom förväntat. Råd om motion och kost.", author=record.nurse())
        for key in _CHECKUP:
            analysis = ANALYSES[key]
            lab(record, unit, analysis, analysis.mean + analysis.spread * (levels[key] + rng.gauss(0, 0.4)), day)


def acute(record: Record, count: int) -> None:
    """Short illnesses: a visit, a diagnosis, sometimes tests and a medication."""
    rng, person = record.rng, record.person
    choices = _ACUTE_CHILD if person.age < 16 else ACUTE
    for _ in range(count):
        illness = rng.choice(choices)
        day = record.days_back(3, 3650)
        unit = record.unit(illness.unit_kind)
        doctor = record.doctor()
        klass = "VR" if unit.kind == "primary_care" and rng.random() < 0.15 else "AMB"
        title = "Digitalt vårdmöte" if klass == "VR" else "Akutbesök" if unit.kind == "hospital" else "Läkarbesök"
        record.visit(unit, day, title, illness.reason, illness.assessment, klass=klass, author=doctor)
        subject = record.subject(unit.source)
        record.add(unit, fhir.condition(record.rid("c"), subject, illness.code, record.clock.at(day, 17), doctor,
                                        illness.assessment, False))
        for key in illness.analyses:
            analysis = ANALYSES[key]
            lab(record, unit, analysis, analysis.mean + analysis.spread * rng.gauss(1, 1), day)
        if illness.medication:
            record.add(unit, fhir.medication(record.rid("m"), subject, illness.medication.code,
                                             illness.medication.dosage, record.clock.at(day, 17), doctor, False))


def allergies(record: Record) -> None:
    code, criticality, reaction = record.rng.choice(_ALLERGY_CODES)
    unit = record.unit("primary_care")
    day = record.days_back(30, 5000)
    record.add(unit, fhir.allergy(record.rid("a"), record.subject(unit.source), code, criticality, reaction,
                                  record.clock.at(day, 11), record.doctor()))


def referrals(record: Record, count: int) -> None:
    rng = record.rng
    for _ in range(count):
        title, reason, target = rng.choice(REFERRALS)
        unit, receiver = record.unit("primary_care"), UNITS[target]
        day = record.days_back(10, 1500)
        answered = (record.last_day - day).days > 60
        record.add(unit, fhir.service_request(record.rid("r"), record.subject(unit.source), unit, receiver,
                                              record.clock.at(day, 14), title, reason,
                                              "completed" if answered else "active"))
        if answered:
            record.visit(receiver, day + timedelta(days=rng.randint(20, 55)), "Besök efter remiss", reason,
                         "Bedömning klar, svar skickat till remittent.")


def certificate(record: Record) -> None:
    unit = record.unit("primary_care")
    day = record.days_back(20, 2000)
    html = "<p>Arbetsförmågan bedöms nedsatt med 50 % under fyra veckor på grund av ryggbesvär.</p>"
    record.add(unit, fhir.composition(record.rid("n"), record.subject(unit.source), unit, record.clock.at(day, 13),
                                      "Läkarintyg för sjukpenning", html, record.doctor(), certificate=True))


def elderly_vaccines(record: Record) -> None:
    unit, clock = record.unit("primary_care"), record.clock
    subject = record.subject(unit.source)
    for years_ago in range(min(5, record.person.age - 64)):
        day = record.last_day - timedelta(days=years_ago * 365 + 60 + record.rng.randint(0, 40))
        for code in _ADULT_VACCINE_CODES:
            record.add(unit, fhir.immunization(record.rid("v"), subject, code, clock.at(day, 10), unit,
                                               f"LOT{record.rng.randint(10000, 99999)}"))
    day = record.days_back(400, 2000)
    record.add(unit, fhir.immunization(record.rid("v"), subject, _PNEUMO_CODE, clock.at(day, 10), unit, "PN2201"))
