"""Ages in Swedish time, as the access rules count them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


def swedish_today(now: datetime) -> date:
    """The calendar date in Sweden at the instant ``now`` (which must be timezone-aware)."""
    return now.astimezone(SWEDISH_TIME).date()


def age_on(birth: date, today: date) -> int:
    """Whole years lived on ``today``; a 29 February birth turns a year older on 1 March in other years."""
    had_birthday = (today.month, today.day) >= (birth.month, birth.day)
    return today.year - birth.year - (0 if had_birthday else 1)


def age_at(birth: date, now: datetime) -> int:
    return age_on(birth, swedish_today(now))
