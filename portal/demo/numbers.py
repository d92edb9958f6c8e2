"""How demo personnummer are chosen.

Every demo number is a *valid* 12-digit personnummer (or, for a few people, samordningsnummer: day + 60) whose
födelsenummer (the three digits after the date) is in **980-999**, the range the personas use too.

Why these should not belong to real people, and what we can and cannot promise:

- Skatteverket publishes *testpersonnummer* for exactly this use (open data, "Testpersonnummer"); as far as we
  know they are taken from the top of the serial range, 980-999, which Skatteverket assigns last, and the
  published numbers are reserved: they will never be given to a person. We could not check, offline, that
  *every* date with *every* serial in 980-999 is on that list. So the honest guarantee is weaker than
  "reserved": the demo follows the test-number convention, and any real collision needs someone born on that
  day to have received one of the last twenty serials of the day, which happens rarely.
- ``portal demo`` refuses to run when ``PORTAL_ENV=production``, so demo numbers stay in demo databases.
  A region that wants the strict guarantee replaces ``SERIALS`` by the published test-number list (a plain
  text file) and draws from it instead; the allocator only needs "free serials for a date".
- Samordningsnummer (day + 60) are given to about one percent, as for people not registered in Sweden.

The allocator is deterministic: numbers depend only on the order of requests, never on a clock or a hash seed.
The last digit of the födelsenummer is odd for men and even for women, as Skatteverket assigns them.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.identity.personnummer import make

SERIALS = range(980, 1000)


class NumberAllocator:
    """Hands out unique demo numbers; a full day moves the birth date one day earlier."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._used: set[str] = set(reserved)
        # Per (day, female, coordination): serials before this position are taken. Numbers are never given
        # back, so the first free serial only moves forward; without this, replicating a population 100-fold
        # rescans every full day's serials for every person (minutes instead of a second).
        self._next: dict[tuple[date, bool, bool], int] = {}

    def allocate(self, birth: date, female: bool, coordination: bool = False) -> tuple[str, date]:
        """A free number and the birth date it encodes (the wanted one unless that day is full)."""
        day = birth
        for _ in range(366):
            number = self._free_on(day, female, coordination)
            if number:
                self._used.add(number)
                return number, day
            day -= timedelta(days=1)
        raise RuntimeError("no free demo number within a year of the birth date")

    def _free_on(self, day: date, female: bool, coordination: bool) -> str | None:
        serials = _FEMALE if female else _MALE
        key = (day, female, coordination)
        position = self._next.get(key, 0)
        while position < len(serials):
            number = make(day, serials[position], coordination)
            if number not in self._used:
                self._next[key] = position
                return number
            position += 1
        self._next[key] = position
        return None


_FEMALE = tuple(s for s in SERIALS if s % 2 == 0)
_MALE = tuple(s for s in SERIALS if s % 2 == 1)
