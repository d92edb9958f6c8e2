"""Demo catalog: the region, the municipalities, their units (HSA-ids) and Swedish names.

Everything here is built once at import, as tuples and ready-made FHIR fragments, so the generator only picks.
The region is Region Sörmland (HSA prefix SE2321000032); municipal HSA-ids use the SE2120000xxx form.
Unit suffixes are made up for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HSA_SYSTEM = "urn:oid:1.2.752.29.4.19"
UNIT_KIND_SYSTEM = "https://portal.example/fhir/CodeSystem/unit-kind"
ORIGIN_SYSTEM = "https://portal.example/fhir/CodeSystem/origin"
REGION_SOURCE = "region-sormland"


@dataclass(frozen=True)
class Unit:
    key: str
    hsa_id: str
    name: str
    kind: str
    origin: str
    source: str
    city: str
    provider: str = ""  # the HSA-id of the care provider; empty for a provider itself
    ref: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def resource_id(self) -> str:
        return "org-" + self.hsa_id.lower()


def _unit(key: str, suffix: str, name: str, kind: str, city: str, provider: Unit) -> Unit:
    hsa = f"{provider.hsa_id}-{suffix}"
    ref = {"identifier": {"system": HSA_SYSTEM, "value": hsa}, "display": name}
    return Unit(key, hsa, name, kind, provider.origin, provider.source, city, provider.hsa_id, ref)


def _provider(key: str, hsa: str, name: str, origin: str, source: str, city: str) -> Unit:
    ref = {"identifier": {"system": HSA_SYSTEM, "value": hsa}, "display": name}
    return Unit(key, hsa, name, "other", origin, source, city, "", ref)


REGION = _provider("region", "SE2321000032", "Region Sörmland", "region", REGION_SOURCE, "Nyköping")

_REGION_UNITS = (
    ("msh_med", "1001", "Mälarsjukhuset, Medicinkliniken", "hospital", "Eskilstuna"),
    ("msh_kir", "1002", "Mälarsjukhuset, Kirurgkliniken", "hospital", "Eskilstuna"),
    ("msh_ort", "1003", "Mälarsjukhuset, Ortopedkliniken", "hospital", "Eskilstuna"),
    ("msh_kvinna", "1004", "Mälarsjukhuset, Kvinnokliniken", "hospital", "Eskilstuna"),
    ("msh_barn", "1005", "Mälarsjukhuset, Barn- och ungdomskliniken", "hospital", "Eskilstuna"),
    ("msh_akut", "1006", "Mälarsjukhuset, Akutmottagningen", "hospital", "Eskilstuna"),
    ("nlas_med", "1101", "Nyköpings lasarett, Medicinkliniken", "hospital", "Nyköping"),
    ("nlas_kard", "1102", "Nyköpings lasarett, Kardiologmottagningen", "hospital", "Nyköping"),
    ("kss_ort", "1201", "Kullbergska sjukhuset, Ortopedmottagningen", "hospital", "Katrineholm"),
    ("vc_froslunda", "2001", "Vårdcentralen Fröslunda", "primary_care", "Eskilstuna"),
    ("vc_skiftinge", "2002", "Vårdcentralen Skiftinge", "primary_care", "Eskilstuna"),
    ("vc_brandholmen", "2003", "Vårdcentralen Brandholmen", "primary_care", "Nyköping"),
    ("vc_katrineholm", "2004", "Vårdcentralen Katrineholm Väst", "primary_care", "Katrineholm"),
    ("vc_strangnas", "2005", "Vårdcentralen Strängnäs", "primary_care", "Strängnäs"),
    ("vc_flen", "2006", "Vårdcentralen Flen", "primary_care", "Flen"),
    ("bvc_eskilstuna", "2101", "Barnavårdscentralen Fröslunda", "primary_care", "Eskilstuna"),
    ("umo_eskilstuna", "3001", "Ungdomsmottagningen Eskilstuna", "youth_clinic", "Eskilstuna"),
    ("umo_nykoping", "3002", "Ungdomsmottagningen Nyköping", "youth_clinic", "Nyköping"),
    ("psyk_eskilstuna", "4001", "Vuxenpsykiatrin Eskilstuna", "psychiatry", "Eskilstuna"),
    ("bup_sormland", "4002", "Barn- och ungdomspsykiatrin Sörmland", "psychiatry", "Eskilstuna"),
    ("rattspsyk", "4101", "Rättspsykiatriska regionkliniken Nyköping", "forensic_psychiatry", "Nyköping"),
    ("barnahus", "5001", "Barnahus Sörmland", "barnahus", "Eskilstuna"),
    ("lab_kemi", "6001", "Laboratoriemedicin, Klinisk kemi Mälarsjukhuset", "other", "Eskilstuna"),
    ("lab_pat", "6002", "Klinisk patologi och cytologi Mälarsjukhuset", "other", "Eskilstuna"),
)


@dataclass(frozen=True)
class Municipality:
    key: str
    name: str
    city: str
    provider: Unit
    home_care: Unit
    elderly_care: Unit
    schools: tuple[Unit, ...]
    lss: Unit
    primary_care: str  # unit key of the nearest vårdcentral
    hospital: str  # unit key of the nearest hospital clinic
    weight: int  # inhabitants, in thousands, for the population mix

    @property
    def units(self) -> tuple[Unit, ...]:
        return (self.home_care, self.elderly_care, *self.schools, self.lss)


def _municipality(key: str, number: str, city: str, places: tuple[str, str, str, str, str],
                  near: tuple[str, str], weight: int) -> Municipality:
    source = f"kommun-{key}"
    provider = _provider(key, f"SE2120000{number}", f"{city} kommun", "municipality", source, city)
    home, elderly, school_a, school_b, lss = places
    return Municipality(
        key, f"{city} kommun", city, provider,
        _unit(f"{key}_hemtjanst", "H01", f"Hemtjänst {home}", "home_care", city, provider),
        _unit(f"{key}_aldre", "A01", f"{elderly} vård- och omsorgsboende", "elderly_care", city, provider),
        (_unit(f"{key}_skola1", "E01", f"Elevhälsan {school_a}", "school_health", city, provider),
         _unit(f"{key}_skola2", "E02", f"Elevhälsan {school_b}", "school_health", city, provider)),
        _unit(f"{key}_lss", "L01", f"LSS-boende {lss}", "lss", city, provider),
        near[0], near[1], weight,
    )


MUNICIPALITIES: tuple[Municipality, ...] = (
    _municipality("eskilstuna", "340", "Eskilstuna",
                  ("Fröslunda", "Ekeby", "Skiftingeskolan", "Rinmanskolan", "Tunavägen"),
                  ("vc_froslunda", "msh_med"), 107),
    _municipality("nykoping", "308", "Nyköping",
                  ("Brandholmen", "Hemgården", "Kiladalens skola", "Nicolaiskolan", "Ekensberg"),
                  ("vc_brandholmen", "nlas_med"), 57),
    _municipality("katrineholm", "316", "Katrineholm",
                  ("Västra staden", "Strångsgården", "Skogsborgsskolan", "Duveholmsgymnasiet", "Nävertorp"),
                  ("vc_katrineholm", "kss_ort"), 34),
    _municipality("strangnas", "324", "Strängnäs",
                  ("Finningeområdet", "Solhaga", "Paulinska skolan", "Thomasgymnasiet", "Storgärdet"),
                  ("vc_strangnas", "msh_med"), 37),
)
# Inhabitants of the region outside the demo municipalities: region data only.
OTHER_CITIES: tuple[tuple[str, int], ...] = (("Flen", 16), ("Oxelösund", 12), ("Trosa", 14))

UNITS: dict[str, Unit] = {
    key: _unit(key, suffix, name, kind, city, REGION) for key, suffix, name, kind, city in _REGION_UNITS
}
for _m in MUNICIPALITIES:
    UNITS.update({unit.key: unit for unit in _m.units})
MUNICIPALITY_BY_CITY: dict[str, Municipality] = {m.city: m for m in MUNICIPALITIES}
PROVIDERS: tuple[Unit, ...] = (REGION, *(m.provider for m in MUNICIPALITIES))
PROVIDER_BY_HSA: dict[str, Unit] = {p.hsa_id: p for p in PROVIDERS}
SOURCES: tuple[str, ...] = tuple(p.source for p in PROVIDERS)

FEMALE_NAMES = {
    "old": ("Margareta", "Birgitta", "Karin", "Kerstin", "Ingrid", "Marianne", "Gunilla", "Britt", "Elisabeth",
            "Ulla", "Inger", "Gun", "Barbro", "Solveig", "Astrid"),
    "mid": ("Anna", "Maria", "Sara", "Emma", "Johanna", "Linda", "Malin", "Jenny", "Sofia", "Hanna", "Camilla",
            "Elin", "Fatima", "Amira", "Helena"),
    "young": ("Alice", "Maja", "Elsa", "Astrid", "Wilma", "Ebba", "Olivia", "Selma", "Vera", "Alma", "Saga",
              "Ella", "Leah", "Nora", "Freja"),
}
MALE_NAMES = {
    "old": ("Lars", "Karl", "Bengt", "Göran", "Sven", "Lennart", "Kjell", "Rolf", "Bo", "Leif", "Stig", "Åke",
            "Gunnar", "Rune", "Ove"),
    "mid": ("Erik", "Johan", "Anders", "Peter", "Fredrik", "Daniel", "Mikael", "Andreas", "Magnus", "Jonas",
            "Mattias", "Ahmed", "Mohammed", "Thomas", "Henrik"),
    "young": ("William", "Liam", "Noah", "Hugo", "Lucas", "Oliver", "Elias", "Adam", "Alexander", "Viktor",
              "Isak", "Leo", "Ludvig", "Oscar", "Nils"),
}
FAMILY_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk", "Gunnarsson",
    "Holm", "Samuelsson", "Fransson", "Wikström", "Isaksson", "Ali", "Mohammed", "Hussein", "Ahmed", "Yilmaz",
    "Nguyen", "Hassan", "Korhonen", "Nieminen", "Kowalski",
)
STREETS = ("Kungsgatan", "Drottninggatan", "Storgatan", "Skolgatan", "Björkvägen", "Tallvägen", "Ängsvägen",
           "Sjövägen", "Parkgatan", "Västra vägen", "Östra Storgatan", "Kyrkogatan", "Bruksgatan", "Hagagatan")
CLINICIANS = (
    ("Leg. läkare", ("Karin Sjögren", "Ali Hassan", "Johan Wester", "Maria Öberg", "Petra Lund", "Erik Falk",
                     "Lena Nordin", "Omar Haddad", "Sofia Ek")),
    ("Leg. sjuksköterska", ("Anna Berg", "Emelie Strand", "Mats Holmgren", "Lina Dahl", "Sanna Vik", "Ida Frisk")),
)
DOCTORS = CLINICIANS[0][1]
NURSES = CLINICIANS[1][1]
