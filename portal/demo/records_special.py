"""The entries that exercise the access rules: sealed, delayed pathology, entered in error, Consent seal and
guardian block, and an excluded unit (LSS)."""

from __future__ import annotations

import random
from datetime import timedelta

from portal.demo import fhir
from portal.demo.catalog import UNITS
from portal.demo.fhir_people import consent_guardian_block, consent_seal
from portal.demo.record import Record


class Specials:
    """Rare cases: the first person who qualifies always gets one, later ones by chance."""

    def __init__(self) -> None:
        self.given: set[str] = set()

    def take(self, name: str, rng: random.Random, chance: float) -> bool:
        if name not in self.given:
            self.given.add(name)
            return True
        return rng.random() < chance


def sealed_entry(record: Record) -> None:
    """A psychiatry contact the patient had sealed (spärr): meta.security ``sealed``."""
    unit = UNITS["psyk_eskilstuna"]
    record.visit(unit, record.days_back(60, 900), "Bedömningssamtal", "Sömnproblem och oro",
                 "Lindrig ångest. Samtalsbehandling erbjuds.", "sealed")


def delayed_pathology(record: Record) -> None:
    """A biopsy taken ten days ago whose PAD answer was recorded two days ago (held back by the region)."""
    clock = record.clock
    taken = clock.day(-10)
    record.visit(UNITS["msh_kvinna"], taken, "Mottagningsbesök gynekologi", "Kontroll efter cellprov",
                 "Px tagen från portio. Svar meddelas per brev.")
    unit = UNITS["lab_pat"]
    record.add(unit, fhir.diagnostic_report(
        record.rid("d"), record.subject(unit.source), unit, "PAT", "PAD, px portio", clock.at(taken, 10),
        clock.at(clock.day(-2), 14), "Lätt skivepiteldysplasi (CIN 1). Ingen malignitet."))


def entered_in_error(record: Record) -> None:
    """A note written in the wrong record: the source marks it entered-in-error."""
    unit = record.unit("primary_care")
    day = record.days_back(5, 60)
    record.add(unit, fhir.composition(record.rid("n"), record.subject(unit.source), unit,
                                      record.clock.at(day, 11), "Telefonkontakt",
                                      "<p>Felaktigt journalförd: avser annan patient.</p>", record.nurse(),
                                      status="entered-in-error"))


def seal_unit(record: Record) -> None:
    """A Consent: the patient seals all of psychiatry's entries from other units."""
    unit = UNITS["psyk_eskilstuna"]
    day = record.days_back(100, 900)
    record.visit(unit, day, "Läkarbesök psykiatri", "Nedstämdhet", "Medelsvår depression, behandling inleds.")
    when = record.clock.at(day + timedelta(days=1), 10)
    record.add(unit, consent_seal(record.rid("s"), record.subject(unit.source), unit, when))


def guardian_block(record: Record) -> None:
    """A Consent: the care unit blocks one guardian from this child (after a court decision)."""
    guardian = record.person.guardians[0]
    unit = record.unit("primary_care")
    when = record.clock.at(record.days_back(30, 300), 10)
    record.add(unit, consent_guardian_block(record.rid("s"), record.subject(unit.source), guardian.number, when))


def lss(record: Record) -> None:
    """Documentation from a municipal LSS home: an excluded unit."""
    home = record.home
    if home is None:
        return
    unit = home.lss
    day = record.days_back(10, 400)
    record.add(unit, fhir.composition(record.rid("n"), record.subject(unit.source), unit, record.clock.at(day, 18),
                                      "Genomförandeplan LSS", "<p>Stöd i vardagen enligt LSS 9 § 9.</p>",
                                      "Stödpedagog Kim Sand"))
