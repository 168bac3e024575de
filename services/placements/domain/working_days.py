"""Working days in France: Monday to Friday, public holidays excepted (Alsace-Moselle's two extra days
are not counted)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

FRANCE = ZoneInfo("Europe/Paris")


def today_in_france(now: datetime) -> date:
    return now.astimezone(FRANCE).date()


def start_of_day(day: date) -> datetime:
    """Midnight in France on `day`, in UTC: from then on, `today_in_france` is `day`."""
    return datetime.combine(day, time(0), FRANCE).astimezone(UTC)


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


@cache
def public_holidays(year: int) -> frozenset[date]:
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [sunday + timedelta(days=n) for n in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return frozenset([date(year, m, d) for m, d in fixed] + moving)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (`day` itself need not be one)."""
    current = day
    while count:
        current -= timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current
