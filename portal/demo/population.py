"""Who lives in the demo region: the personas, then households drawn from a Swedish age and family mix.

Households (not persons) are the unit of generation, so guardians and children, or a god man and the person
they represent, are made together and the stream never needs to look back. Shares, roughly as in Sörmland:
about 21 % children (0-17) living with one or two guardians, 58 % adults of 18-64, 21 % aged 65 or more.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.demo.catalog import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    MUNICIPALITIES,
    MUNICIPALITY_BY_CITY,
    OTHER_CITIES,
    STREETS,
    Municipality,
)
from portal.demo.numbers import NumberAllocator
from portal.demo.personas import PERSONAS, Persona
from portal.identity.age import age_on

CITY_WEIGHTS = tuple((m.city, m.weight) for m in MUNICIPALITIES) + OTHER_CITIES
_CITIES = tuple(city for city, _ in CITY_WEIGHTS)
_CITY_CUMULATIVE = tuple(sum(weight for _, weight in CITY_WEIGHTS[: i + 1]) for i in range(len(CITY_WEIGHTS)))
# (kind, weight): two-guardian families, single parents, adults alone or as couples, elderly alone or as couples.
HOUSEHOLDS = (("family", 17), ("single_parent", 6), ("adult", 30), ("couple", 20), ("elder", 15),
              ("elder_couple", 12))
_KINDS = tuple(kind for kind, _ in HOUSEHOLDS)
_KIND_CUMULATIVE = tuple(sum(w for _, w in HOUSEHOLDS[: i + 1]) for i in range(len(HOUSEHOLDS)))
PERSONA_CITIES = {"margit": "Nyköping", "gunnar": "Katrineholm", "per": "Katrineholm", "karl": "Nyköping",
                  "stina": "Strängnäs"}


@dataclass
class Person:
    rid: str
    number: str
    coordination: bool
    given: str
    family: str
    birth: date
    female: bool
    age: int
    city: str
    street: str
    protected: bool = False
    deceased_on: date | None = None
    guardians: list[Person] = field(default_factory=list)
    representatives: list[Person] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    persona: str = ""

    @property
    def municipality(self) -> Municipality | None:
        return None if self.protected else MUNICIPALITY_BY_CITY.get(self.city)


class Population:
    """Makes the personas and then random households; persons come out in a fixed order."""

    def __init__(self, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.numbers = NumberAllocator(tuple(p.personnummer(today) for p in PERSONAS))
        self._given: set[str] = set()

    def rare(self, name: str, rng: random.Random, chance: float) -> bool:
        """A rare case: the first household that can have it does, later ones by chance."""
        if name not in self._given:
            self._given.add(name)
            return True
        return rng.random() < chance

    def personas(self) -> list[Person]:
        people = {p.key: self._persona(p) for p in PERSONAS}
        for persona in PERSONAS:
            for key in persona.guardian_of:
                people[key].guardians.append(people[persona.key])
            for key in persona.representative_of:
                people[key].representatives.append(people[persona.key])
        return list(people.values())

    def _persona(self, p: Persona) -> Person:
        birth = p.birth_date(self.today)
        city = PERSONA_CITIES.get(p.key, "Eskilstuna")
        deceased = self.today - timedelta(days=40) if p.deceased else None
        return Person(f"persona-{p.key}", p.personnummer(self.today), False, p.given_name, p.family_name, birth,
                      p.serial % 2 == 0, age_on(birth, self.today), city, "Kungsgatan 12", p.protected_identity,
                      deceased, tags=set(p.tags), persona=p.key)

    def households(self, persons: int) -> Iterator[list[Person]]:
        """Random households until ``persons`` people are made (the last household may be cut short)."""
        made = index = 0
        while made < persons:
            rng = random.Random(self.seed * 1_000_003 + index)  # noqa: S311  # nosec B311 - demo data, not security
            members = self._household(rng, index)[: persons - made]
            for member in members:  # a guardian or representative cut away with the rest stays away
                member.guardians = [g for g in member.guardians if g in members]
                member.representatives = [r for r in member.representatives if r in members]
            made += len(members)
            index += 1
            yield members

    def _household(self, rng: random.Random, index: int) -> list[Person]:
        kind = _KINDS[_pick(rng, _KIND_CUMULATIVE)]
        city = _CITIES[_pick(rng, _CITY_CUMULATIVE)]
        street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
        family = rng.choice(FAMILY_NAMES)
        maker = _Maker(self, rng, index, city, street)
        if kind in ("family", "single_parent"):
            return maker.family(family, 2 if kind == "family" else 1)
        if kind in ("adult", "couple"):
            return [maker.person(family, rng.randint(19, 64)) for _ in range(1 if kind == "adult" else 2)]
        return maker.elders(family, 1 if kind == "elder" else 2)

    def allocate(self, birth: date, female: bool, coordination: bool) -> tuple[str, date]:
        return self.numbers.allocate(birth, female, coordination)


class _Maker:
    def __init__(self, population: Population, rng: random.Random, index: int, city: str, street: str) -> None:
        self.population, self.rng, self.index, self.city, self.street = population, rng, index, city, street
        self.count = 0

    def person(self, family: str, age: int, female: bool | None = None) -> Person:
        rng, today = self.rng, self.population.today
        female = rng.random() < 0.5 if female is None else female
        birth = today - timedelta(days=age * 365 + rng.randint(1, 364) + age // 4)
        coordination = age >= 18 and rng.random() < 0.01
        number, birth = self.population.allocate(birth, female, coordination)
        era = "young" if age < 25 else "mid" if age < 65 else "old"
        given = rng.choice((FEMALE_NAMES if female else MALE_NAMES)[era])
        self.count += 1
        return Person(f"d{self.index:06d}{self.count}", number, coordination, given, family, birth, female,
                      age_on(birth, today), self.city, self.street)

    def family(self, family: str, guardians: int) -> list[Person]:
        rng = self.rng
        children_ages = sorted((rng.randint(0, 17) for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))), reverse=True)
        first = rng.random() < 0.5
        parents = [self.person(family, children_ages[0] + rng.randint(22, 38), first)]
        if guardians == 2:
            other = family if rng.random() < 0.6 else rng.choice(FAMILY_NAMES)
            parents.append(self.person(other, parents[0].age + rng.randint(-4, 4), not first))
        protected = self.population.rare("protected", rng, 0.004)
        children = [self.person(family, age) for age in children_ages]
        for child in children:
            child.guardians = list(parents)
            child.protected = protected
        return parents + children

    def elders(self, family: str, count: int) -> list[Person]:
        rng = self.rng
        first = min(65 + int(rng.expovariate(1 / 10)), 101)
        people = [self.person(family, first)]
        if self.population.rare("deceased", rng, 0.015):
            people[0].deceased_on = self.population.today - timedelta(days=rng.randint(5, 700))
        if count == 2:
            people.append(self.person(family, max(65, first + rng.randint(-5, 5)), not people[0].female))
        if count == 1 and first >= 75 and self.population.rare("god_man", rng, 0.03):
            god_man = self.person(self.rng.choice(FAMILY_NAMES), rng.randint(40, 70))
            people[0].representatives.append(god_man)
            people.append(god_man)
        return people


def _pick(rng: random.Random, cumulative: tuple[int, ...]) -> int:
    point = rng.random() * cumulative[-1]
    for index, limit in enumerate(cumulative):
        if point < limit:
            return index
    return len(cumulative) - 1
