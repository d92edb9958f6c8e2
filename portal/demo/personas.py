"""The fixed demo personas: the people the dev identity provider lists and the demo generator gives records.

Birth dates are relative to the day the demo is made, so a "teen of 14" is 14 whenever ``make run`` is used.
Personnummer are built by ``portal.identity.personnummer.make`` with serial numbers in 980-999, see
``portal.demo.numbers`` for why these cannot belong to real people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.identity.personnummer import make


@dataclass(frozen=True)
class Persona:
    key: str
    given_name: str
    family_name: str
    role_sv: str
    role_en: str
    years: int
    extra_days: int = 0  # added to the age, so 13 years and 0 days is years=13, extra_days=0
    serial: int = 980
    protected_identity: bool = False
    deceased: bool = False
    roles: tuple[str, ...] = ()
    guardian_of: tuple[str, ...] = ()
    representative_of: tuple[str, ...] = ()
    login: bool = True
    tags: tuple[str, ...] = field(default=())

    def birth_date(self, today: date) -> date:
        return _years_before(today, self.years) - timedelta(days=self.extra_days)

    def personnummer(self, today: date) -> str:
        return make(self.birth_date(today), self.serial)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year without one
        return today.replace(year=today.year - years, day=28)


PERSONAS: tuple[Persona, ...] = (
    Persona("anna", "Anna", "Lindqvist", "Vuxen invånare", "Adult citizen", 45, 120, 981,
            tags=("hospital", "primary_care", "lab_series", "sealed", "delayed_pathology", "entered_in_error")),
    Persona("erik", "Erik", "Johansson", "Vårdnadshavare till flera barn", "Guardian of several children", 41, 30,
            982, guardian_of=("lisa", "oskar", "elsa", "noah")),
    Persona("lisa", "Lisa", "Johansson", "Barn, 8 år", "Child, 8", 8, 40, 983, login=False,
            tags=("school_health", "proxy_hidden")),
    Persona("oskar", "Oskar", "Johansson", "Tonåring, 14 år", "Teen of 14", 14, 60, 984,
            tags=("school_health",)),
    Persona("elsa", "Elsa", "Johansson", "Tonåring, 16 år", "Teen of 16", 16, 10, 985,
            tags=("school_health", "youth_clinic", "proxy_hidden")),
    Persona("noah", "Noah", "Johansson", "Barn med skyddad identitet", "Child with protected identity", 6, 15, 986,
            protected_identity=True, login=False),
    Persona("margit", "Margit", "Andersson", "Äldre med hemtjänst och SIP", "Elderly home-care user with a SIP",
            86, 200, 987, tags=("home_care", "sip")),
    Persona("gunnar", "Gunnar", "Berg", "Har god man", "Has a legal representative", 72, 90, 988, login=False,
            tags=("home_care",)),
    Persona("per", "Per", "Holm", "God man", "Legal representative (god man)", 58, 5, 989,
            representative_of=("gunnar",)),
    Persona("sara", "Sara", "Nilsson", "Skyddad identitet", "Person with protected identity", 34, 77, 990,
            protected_identity=True, tags=("primary_care",)),
    Persona("stina", "Stina", "Ek", "Supportpersonal", "Support agent", 39, 3, 991, roles=("support",)),
    Persona("karl", "Karl", "Ström", "Avliden", "Deceased", 80, 11, 992, deceased=True, login=False,
            tags=("hospital",)),
)


def by_key(key: str) -> Persona:
    for persona in PERSONAS:
        if persona.key == key:
            return persona
    raise KeyError(key)
