"""Swedish personal identity numbers: personnummer and samordningsnummer.

Accepted forms: ``YYYYMMDDNNNC``, ``YYYYMMDD-NNNC``, ``YYMMDD-NNNC`` and ``YYMMDD+NNNC``
(``+`` marks a person of 100 or more). Short forms without century are resolved
against ``today``. The canonical form is always the 12 digits without separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PERSONNUMMER_SYSTEM = "urn:oid:1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_SYSTEM = "urn:oid:1.2.752.129.2.1.3.3"
_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")
COORDINATION_DAY_OFFSET = 60


class InvalidPersonnummer(ValueError):
    """The text is not a valid personnummer or samordningsnummer (never echoes the number)."""


@dataclass(frozen=True)
class PersonalNumber:
    """A validated identity number in canonical 12-digit form."""

    value: str
    birth_date: date
    is_coordination: bool

    @property
    def system(self) -> str:
        return SAMORDNINGSNUMMER_SYSTEM if self.is_coordination else PERSONNUMMER_SYSTEM

    def __repr__(self) -> str:  # never print the number itself
        return f"PersonalNumber(<hidden>, coordination={self.is_coordination})"


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit for YYMMDDNNN, by the Luhn algorithm."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse(text: str, today: date | None = None) -> PersonalNumber:
    """Validate and canonicalise; raises InvalidPersonnummer with a reason but not the number."""
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidPersonnummer("expected 12 digits (YYYYMMDDNNNC) or 10 digits with separator")
    century, yy, mm, dd, separator, serial, check = match.groups()
    if century is None and not separator:
        raise InvalidPersonnummer("a 10-digit number needs a '-' or '+' separator")
    if century is not None and separator == "+":
        raise InvalidPersonnummer("'+' is only used with the 10-digit form")
    if luhn_check_digit(f"{yy}{mm}{dd}{serial}") != int(check):
        raise InvalidPersonnummer("check digit does not match")
    day = int(dd)
    is_coordination = day > COORDINATION_DAY_OFFSET
    if is_coordination:
        day -= COORDINATION_DAY_OFFSET
    full_year = int(century + yy) if century else _resolve_century(int(yy), separator, today)
    birth = _birth_date(full_year, int(mm), day)
    return PersonalNumber(f"{full_year:04d}{mm}{dd}{serial}{check}", birth, is_coordination)


def _resolve_century(yy: int, separator: str, today: date | None) -> int:
    today = today or date.today()
    year = today.year - (today.year - yy) % 100
    if separator == "+":
        year -= 100
    return year


def _birth_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidPersonnummer("the date part is not a real date") from None


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidPersonnummer:
        return False
    return True


def make(birth: date, serial: int, coordination: bool = False) -> str:
    """Build a valid 12-digit number for a birth date and a three-digit serial (used by the demo)."""
    day = birth.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y}{nine[2:]}{luhn_check_digit(nine)}"
