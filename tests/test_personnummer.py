"""Personnummer and samordningsnummer: check digit, date, century from separators, 12 and 10 digits."""

from __future__ import annotations

from datetime import date

import pytest

from portal.identity.personnummer import InvalidPersonnummer, luhn_check_digit, make, parse

TODAY = date(2024, 6, 1)


def test_twelve_digits_with_valid_check_digit_is_accepted():
    number = parse("198005170000"[:11] + str(luhn_check_digit("800517000")), TODAY)
    assert number.birth_date == date(1980, 5, 17) and not number.is_coordination


def test_wrong_check_digit_is_rejected_without_echoing_the_number():
    good = make(date(1980, 5, 17), 981)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidPersonnummer) as error:
        parse(bad, TODAY)
    assert bad not in str(error.value) and bad[2:] not in str(error.value)


def test_samordningsnummer_adds_60_to_the_day():
    number = parse(make(date(1990, 7, 4), 990, coordination=True), TODAY)
    assert number.is_coordination and number.birth_date == date(1990, 7, 4)
    assert number.system == "urn:oid:1.2.752.129.2.1.3.3"


def test_ten_digits_with_minus_is_within_the_last_hundred_years():
    assert parse("800517-" + make(date(1980, 5, 17), 981)[-4:], TODAY).value.startswith("1980")
    assert parse("100517-" + make(date(2010, 5, 17), 981)[-4:], TODAY).value.startswith("2010")


def test_ten_digits_with_plus_is_a_person_of_a_hundred_or_more():
    assert parse("200517+" + make(date(1920, 5, 17), 981)[-4:], TODAY).value.startswith("1920")


@pytest.mark.parametrize("text", ["8005170000", "19800517+0000", "19800231" + "0000", "abc", ""])
def test_malformed_numbers_are_rejected(text):
    with pytest.raises(InvalidPersonnummer):
        parse(text, TODAY)


def test_impossible_date_with_valid_check_digit_is_rejected():
    nine = "800231000"
    with pytest.raises(InvalidPersonnummer):
        parse(f"19{nine}{luhn_check_digit(nine)}", TODAY)
