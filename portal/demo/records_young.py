"""Children and young people: child-health vaccinations, growth measured at BVC and by the school nurse,
school-health visits, and youth-clinic contacts that are hidden from proxies."""

from __future__ import annotations

from datetime import date, timedelta

from portal.demo import fhir
from portal.demo.catalog import UNITS, Unit
from portal.demo.catalog_clinical import ATC, CHILD_VACCINES, LOINC, SCHOOL_NOTES, concept
from portal.demo.record import Record

_VACCINES = tuple((concept(ATC, code, name), months, kind) for code, name, months, kind in CHILD_VACCINES)
_LENGTH = concept(LOINC, "8302-2", "Längd")
_WEIGHT = concept(LOINC, "29463-7", "Vikt")
_BMI = concept(LOINC, "39156-5", "BMI")
_BVC_AGES = (1, 2, 3, 4, 5)
_SCHOOL_AGES = (6, 8, 10, 12, 14, 16)  # förskoleklass, åk 2, 4, 6, 8, gymnasiet år 1
_PILL = concept(ATC, "G03AA07", "Levonorgestrel och etinylestradiol")


def school_unit(record: Record) -> Unit | None:
    home = record.home
    if home is None:
        return None
    return home.schools[0] if record.person.age < 13 else home.schools[1]


def vaccinations(record: Record) -> None:
    """The national programme up to the child's age; school doses only where the school sends data."""
    person, clock = record.person, record.clock
    school = school_unit(record)
    for code, months, kind in _VACCINES:
        day = person.birth + timedelta(days=months * 30 + record.rng.randint(0, 20))
        if day >= record.last_day:
            continue
        unit = UNITS["bvc_eskilstuna"] if kind == "primary_care" else school
        if unit is None:
            continue
        record.add(unit, fhir.immunization(record.rid("v"), record.subject(unit.source), code,
                                           clock.at(day, 10), unit, f"LOT{record.rng.randint(10000, 99999)}"))


def growth(record: Record) -> None:
    """Length, weight and BMI at BVC and at the school health visits (school visits need a school source)."""
    person, rng = record.person, record.rng
    z_length, z_bmi = rng.gauss(0, 1), rng.gauss(0, 1)
    school = school_unit(record)
    for age in _BVC_AGES + _SCHOOL_AGES:
        if age > person.age:
            break
        unit = UNITS["bvc_eskilstuna"] if age in _BVC_AGES else school
        if unit is None:
            continue
        day = person.birth + timedelta(days=age * 365 + rng.randint(10, 200))
        if day >= record.last_day:
            break
        length = _length(age, person.female) * (1 + 0.04 * z_length)
        bmi = 16 + 0.4 * max(0, age - 8) + 1.5 * z_bmi
        _measure(record, unit, day, round(length, 1), round(bmi * (length / 100) ** 2, 1), round(bmi, 1))
        if unit.kind == "school_health":
            record.visit(unit, day, "Hälsobesök elevhälsan", "Planerat hälsobesök",
                         rng.choice(SCHOOL_NOTES), author=record.nurse())


def _length(age: int, female: bool) -> float:
    teen = max(0, min(age, 16) - 12) * (3 if female else 7)
    return 50 + 25 * min(age, 1) + 6.8 * max(0, min(age, 12) - 1) + teen


def _measure(record: Record, unit: Unit, day: date, length: float, weight: float, bmi: float) -> None:
    clock, subject = record.clock, record.subject(unit.source)
    when = clock.at(day, 10)
    for code, value, text, ucum in ((_LENGTH, length, "cm", "cm"), (_WEIGHT, weight, "kg", "kg"),
                                    (_BMI, bmi, "kg/m²", "kg/m2")):
        record.add(unit, fhir.observation(record.rid("g"), subject, unit, "vital-signs", code, when, when,
                                          value, text, ucum))


def counsellor_note(record: Record) -> None:
    """A school counsellor's note the child asked to keep from the guardians (proxy-hidden)."""
    unit = school_unit(record) or UNITS["bup_sormland"]
    day = record.days_back(20, 200)
    record.visit(unit, day, "Samtal med skolkurator", "Eleven har själv sökt samtal",
                 "Stödsamtal. Eleven vill inte att vårdnadshavare informeras.", "proxy-hidden",
                 author="Kurator Jenny Ahl")


def youth_clinic(record: Record) -> None:
    """A youth-clinic contact: never shown to proxies."""
    home = record.person.city
    unit = UNITS["umo_nykoping" if home == "Nyköping" else "umo_eskilstuna"]
    day = record.days_back(15, 300)
    record.visit(unit, day, "Besök på ungdomsmottagningen", "Preventivmedelsrådgivning",
                 "Samtal om preventivmedel och sexuell hälsa. Start med p-piller.", "proxy-hidden",
                 author="Barnmorska Lena Fors")
    record.add(unit, fhir.medication(record.rid("m"), record.subject(unit.source), _PILL,
                                     "1 tablett dagligen enligt förpackning", record.clock.at(day, 15),
                                     "Barnmorska Lena Fors", True, "proxy-hidden"))


def barnahus(record: Record) -> None:
    """An entry from Barnahus, an excluded unit: kept in the record, never shown in the portal."""
    unit = UNITS["barnahus"]
    day = record.days_back(30, 700)
    record.visit(unit, day, "Samråd Barnahus", "Oro för att barn far illa",
                 "Samråd med socialtjänst och polis. Fortsatt utredning.", author="Kurator Maria Wiik")
