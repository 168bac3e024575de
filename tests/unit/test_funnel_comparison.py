"""A month of the funnel against the month before and the same month a year before, and the conversion rates
between successive stages, as plain values: months in French, no division by zero, signs people read."""

from __future__ import annotations

from services.console.domain.comparison import (
    CONVERSIONS,
    NO_BASE,
    Change,
    Rate,
    compare,
    compared_months,
    month_label,
    percent,
    rates,
    recent_months,
    shifted,
    spreadsheet_percent,
)
from services.console.domain.funnel import Stage

NBSP, MINUS = "\u00a0", "\u2212"


def test_months_shift_across_years_and_read_in_french() -> None:
    assert shifted("2026-01", -1) == "2025-12"
    assert shifted("2026-11", -12) == "2025-11"
    assert shifted("2026-12", 1) == "2027-01"
    assert compared_months("2026-03") == ("2026-03", "2026-02", "2025-03")
    assert month_label("2026-11") == "novembre 2026"
    assert month_label("2027-08") == "août 2027"
    assert recent_months("2026-02", 3) == ["2026-02", "2026-01", "2025-12"]


def test_a_rate_is_a_share_of_its_base_and_a_dash_when_the_base_is_zero() -> None:
    assert Rate(3, 6).share == 0.5 and Rate(3, 6).text == f"50{NBSP}%"
    assert Rate(2, 0).share is None and Rate(2, 0).text == NO_BASE == "—"
    assert Rate(0, 0).text == "—"
    assert Rate(1, 3).text == f"33{NBSP}%" and Rate(2, 3).text == f"67{NBSP}%"
    assert Rate(1, 8).text == f"13{NBSP}%"  # halves go up
    assert Rate(1, 1000).text == f"<{NBSP}1{NBSP}%"  # not nothing
    assert Rate(3, 2).text == f"150{NBSP}%"  # a month's counts, not one cohort
    assert percent(0) == f"0{NBSP}%"
    assert spreadsheet_percent(Rate(1, 3)) == "33,3" and spreadsheet_percent(Rate(1, 0)) == "—"


def test_the_rates_follow_the_successive_stages_of_the_funnel() -> None:
    counts = {Stage.SUGGESTIONS: 40, Stage.INTRODUCTIONS: 10, Stage.ACCEPTED: 5, Stage.MEETINGS: 4}
    assert [(base, reached) for base, reached, _ in CONVERSIONS] == [
        (Stage.SUGGESTIONS, Stage.INTRODUCTIONS),
        (Stage.INTRODUCTIONS, Stage.ACCEPTED),
        (Stage.ACCEPTED, Stage.MEETINGS),
        (Stage.MEETINGS, Stage.CONVENTIONS),
        (Stage.CONVENTIONS, Stage.HIRED),
    ]
    assert [r.text for r in rates(counts)] == [f"25{NBSP}%", f"50{NBSP}%", f"80{NBSP}%", f"0{NBSP}%", "—"]


def test_a_change_says_its_difference_and_its_share_of_the_earlier_count() -> None:
    assert Change(6, 4).text == f"+2 (+50{NBSP}%)"
    assert Change(1, 4).text == f"{MINUS}3 ({MINUS}75{NBSP}%)"
    assert Change(3, 0).text == "+3 (—)" and Change(3, 0).relative is None
    assert Change(0, 0).text == "0 (—)"
    assert Change(5, 5).difference == 0 and Change(5, 5).text == f"0 (0{NBSP}%)"


def test_a_month_is_compared_with_the_month_before_and_the_same_month_a_year_before() -> None:
    counts = {
        "2026-11": {Stage.INTRODUCTIONS: 10, Stage.ACCEPTED: 6},
        "2026-10": {Stage.INTRODUCTIONS: 8, Stage.ACCEPTED: 2},
        "2026-09": {Stage.INTRODUCTIONS: 100},  # not one of the three months: not read
    }
    compared = compare("2026-11", counts)
    assert [(p.month, p.label) for p in compared.periods] == [
        ("2026-11", "novembre 2026"),
        ("2026-10", "octobre 2026"),
        ("2025-11", "novembre 2025"),
    ]
    introductions = next(line for line in compared.stages if line.stage is Stage.INTRODUCTIONS)
    assert introductions.counts == (10, 8, 0)
    assert introductions.versus_previous.text == f"+2 (+25{NBSP}%)"
    assert introductions.versus_last_year.text == "+10 (—)"
    assert [line.stage for line in compared.stages] == list(Stage)
    accepted = next(line for line in compared.rates if line.reached is Stage.ACCEPTED)
    assert accepted.label == "Mises en relation acceptées / proposées"
    assert [r.text for r in accepted.rates] == [f"60{NBSP}%", f"25{NBSP}%", "—"]
    assert accepted.versus_previous == f"+35{NBSP}points"
    assert accepted.versus_last_year == "—"
    meetings = next(line for line in compared.rates if line.reached is Stage.MEETINGS)
    assert meetings.versus_previous == f"0{NBSP}point"


def test_a_month_with_nothing_counted_compares_zeros_without_dividing_by_them() -> None:
    compared = compare("2027-01", {})
    assert [p.label for p in compared.periods] == ["janvier 2027", "décembre 2026", "janvier 2026"]
    assert all(line.counts == (0, 0, 0) for line in compared.stages)
    assert all(r.text == "—" for line in compared.rates for r in line.rates)
