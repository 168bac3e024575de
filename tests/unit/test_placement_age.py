"""A PMSMP needs a minor to be 16 on its first day: the age on a day, birthdays on the first day, leap days."""

from __future__ import annotations

from datetime import date

from services.placements.domain.age import age_on, age_problems


def test_a_birthday_counts_from_its_own_day() -> None:
    assert age_on(date(2011, 3, 1), date(2027, 2, 28)) == 15
    assert age_on(date(2011, 3, 1), date(2027, 3, 1)) == 16


def test_a_leap_day_birthday_counts_on_the_first_of_march_in_other_years() -> None:
    born = date(2084, 2, 29)  # 2100 is no leap year
    assert age_on(born, date(2100, 2, 28)) == 15
    assert age_on(born, date(2100, 3, 1)) == 16
    assert age_on(date(2012, 2, 29), date(2028, 2, 28)) == 15
    assert age_on(date(2012, 2, 29), date(2028, 2, 29)) == 16


def test_fifteen_on_the_first_day_is_refused_on_the_start_date() -> None:
    assert age_problems(True, date(2011, 6, 2), date(2027, 6, 1)) == [
        ("start_date", "La personne aura 15 ans le premier jour : une PMSMP demande au moins 16 ans.")
    ]


def test_sixteen_on_the_first_day_itself_is_enough() -> None:
    assert age_problems(True, date(2011, 6, 1), date(2027, 6, 1)) == []


def test_a_minor_without_a_date_of_birth_is_asked_for_one_and_an_adult_never() -> None:
    [(field, message)] = age_problems(True, None, date(2027, 6, 1))
    assert field == "beneficiary_id" and "date de naissance" in message
    assert age_problems(False, None, date(2027, 6, 1)) == []
