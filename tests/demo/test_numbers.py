from __future__ import annotations

import random
from datetime import date, timedelta

from portal.demo.numbers import SERIALS, NumberAllocator
from portal.identity.personnummer import make, parse

DAY = date(1980, 5, 17)


def _first_free(used: set[str], birth: date, female: bool, coordination: bool) -> tuple[str, date]:
    """The rule spelled out: the lowest free serial of the right parity on the nearest day, going back."""
    day = birth
    while True:
        for serial in SERIALS:
            number = make(day, serial, coordination)
            if (serial % 2 == 0) == female and number not in used:
                used.add(number)
                return number, day
        day -= timedelta(days=1)


def test_a_full_day_moves_the_birth_date_one_day_earlier():
    allocator = NumberAllocator()
    on_the_day = [allocator.allocate(DAY, female=True) for _ in range(10)]
    assert {day for _, day in on_the_day} == {DAY}
    number, day = allocator.allocate(DAY, female=True)
    assert day == DAY - timedelta(days=1)
    assert parse(number).birth_date == day


def test_each_number_is_the_lowest_free_serial_of_the_nearest_day_with_room():
    reserved = (make(DAY, 980), make(DAY, 984), make(DAY - timedelta(days=2), 981))
    allocator, used = NumberAllocator(reserved), set(reserved)
    draw = random.Random(5)
    for _ in range(2000):
        birth = DAY - timedelta(days=draw.randrange(4))
        female, coordination = draw.random() < 0.5, draw.random() < 0.1
        assert allocator.allocate(birth, female, coordination) == _first_free(used, birth, female, coordination)
