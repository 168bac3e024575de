"""A month of the funnel read against the month before and the same month a year before, and the conversion
rates between successive stages, as plain values. Rates compare the counts of one period (the steps that
happened in it), not the later fate of each person: a month can hold more meetings than acceptances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.console.domain.funnel import Stage
from services.reference.french import MONTHS

NO_BASE = "—"
NBSP = "\u00a0"
MINUS = "\u2212"

# (base, reached, how people read it): the successive stages of the funnel, as the dashboard names them
CONVERSIONS: tuple[tuple[Stage, Stage, str], ...] = (
    (Stage.SUGGESTIONS, Stage.INTRODUCTIONS, "Mises en relation proposées / pairs suggérés"),
    (Stage.INTRODUCTIONS, Stage.ACCEPTED, "Mises en relation acceptées / proposées"),
    (Stage.ACCEPTED, Stage.MEETINGS, "Rencontres / mises en relation acceptées"),
    (Stage.MEETINGS, Stage.CONVENTIONS, "Conventions PMSMP validées / rencontres"),
    (Stage.CONVENTIONS, Stage.HIRED, "Embauches / conventions PMSMP validées"),
)


def shifted(month: str, months: int) -> str:
    """`2026-01` shifted by -1 is `2025-12`."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str) -> str:
    """`2026-11` as people read it: `novembre 2026`."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {int(year)}"


def recent_months(last: str, count: int) -> list[str]:
    """The `count` months up to `last`, the most recent first."""
    return [shifted(last, -back) for back in range(count)]


def signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"{MINUS}{-number}" if number < 0 else "0"


def whole_percent(share: float) -> int:
    """A share in whole percents, halves away from zero (`0.125` is 13, `-0.125` is -13)."""
    hundredths = abs(share) * 100
    return int(hundredths + 0.5 + 1e-9) * (-1 if share < 0 else 1)


def percent(share: float) -> str:
    """`0.5` as `50 %`: whole percents, `< 1 %` for a share that is not nothing but rounds to it."""
    if share > 0 and whole_percent(share) == 0:
        return f"<{NBSP}1{NBSP}%"
    return f"{whole_percent(share)}{NBSP}%"


def percent_signed(share: float) -> str:
    """`0.5` as `+50 %`, `-0.25` as `-25 %` (with a minus sign, as every negative number here)."""
    return f"{signed(whole_percent(share))}{NBSP}%"


def points(difference: float) -> str:
    """A change of rate in percentage points: `+5 points`, `-1 point` (minus sign), `0 point`."""
    whole = whole_percent(difference)
    return f"{signed(whole)}{NBSP}{'point' if abs(whole) < 2 else 'points'}"


@dataclass(frozen=True)
class Rate:
    """`reached` out of `base`: a share, or none when the base is 0."""

    reached: int
    base: int

    @property
    def share(self) -> float | None:
        return self.reached / self.base if self.base else None

    @property
    def text(self) -> str:
        return NO_BASE if self.share is None else percent(self.share)


@dataclass(frozen=True)
class Change:
    """From `before` to `now`: the difference, and how much it is of `before` (none when `before` is 0)."""

    now: int
    before: int

    @property
    def difference(self) -> int:
        return self.now - self.before

    @property
    def relative(self) -> float | None:
        return self.difference / self.before if self.before else None

    @property
    def text(self) -> str:
        relative = NO_BASE if self.relative is None else percent_signed(self.relative)
        return f"{signed(self.difference)} ({relative})"


def spreadsheet_percent(rate: Rate) -> str:
    """A rate in a spreadsheet's cell, in percent with a decimal comma (`33,3`), `—` when the base is 0."""
    return NO_BASE if rate.share is None else f"{rate.share * 100:.1f}".replace(".", ",")


def rate_change(now: Rate, before: Rate) -> str:
    if now.share is None or before.share is None:
        return NO_BASE
    return points(now.share - before.share)


def rates(counts: Mapping[Stage, int]) -> list[Rate]:
    """The conversion between each pair of successive stages (`CONVERSIONS`' order)."""
    return [Rate(counts.get(reached, 0), counts.get(base, 0)) for base, reached, _ in CONVERSIONS]


@dataclass(frozen=True)
class Period:
    month: str
    label: str


@dataclass(frozen=True)
class StageLine:
    stage: Stage
    counts: tuple[int, ...]  # the month, the month before, the same month a year before

    @property
    def versus_previous(self) -> Change:
        return Change(self.counts[0], self.counts[1])

    @property
    def versus_last_year(self) -> Change:
        return Change(self.counts[0], self.counts[2])


@dataclass(frozen=True)
class RateLine:
    label: str
    base: Stage
    reached: Stage
    rates: tuple[Rate, ...]  # the same three months

    @property
    def versus_previous(self) -> str:
        return rate_change(self.rates[0], self.rates[1])

    @property
    def versus_last_year(self) -> str:
        return rate_change(self.rates[0], self.rates[2])


@dataclass(frozen=True)
class Comparison:
    periods: tuple[Period, ...]
    stages: list[StageLine]
    rates: list[RateLine]


def compared_months(month: str) -> tuple[str, str, str]:
    """The month, the one before, and the same month a year before: the only months a comparison reads."""
    return month, shifted(month, -1), shifted(month, -12)


def compare(month: str, counts: Mapping[str, Mapping[Stage, int]]) -> Comparison:
    """`month` against the month before and the same month a year before, from counts per month (a month
    absent counts 0 everywhere)."""
    months = compared_months(month)
    per_month = [counts.get(m, {}) for m in months]
    each = [rates(c) for c in per_month]
    return Comparison(
        periods=tuple(Period(m, month_label(m)) for m in months),
        stages=[StageLine(stage, tuple(c.get(stage, 0) for c in per_month)) for stage in Stage],
        rates=[
            RateLine(label, base, reached, tuple(r[i] for r in each))
            for i, (base, reached, label) in enumerate(CONVERSIONS)
        ],
    )
