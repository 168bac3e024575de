"""The region's funnel as plain values: which sector and month an event counts in, what an assessment
counts for, and the table the dashboard and its CSV show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.console.domain.funnel import (
    UNKNOWN_SECTOR,
    BadQuery,
    Grouping,
    Stage,
    assessment_stages,
    grouping_of,
    month_of,
    months_between,
    sector_of,
    table,
    totals,
)


def test_the_sector_is_the_rome_family_and_unknown_codes_are_said_so() -> None:
    assert sector_of("M1805") == "M"
    assert sector_of("d1106") == "D"
    assert sector_of("Z9999") == UNKNOWN_SECTOR
    assert sector_of(None) == UNKNOWN_SECTOR


def test_an_event_counts_in_the_month_people_in_the_region_lived_it() -> None:
    assert month_of(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "2026-12"  # 00:30 in Paris
    assert month_of(datetime(2026, 11, 30, 22, 59, tzinfo=UTC)) == "2026-11"


def test_an_assessment_counts_its_conclusion_and_a_hiring() -> None:
    assert assessment_stages("adjusted", hired=False) == [Stage.ADJUSTED]
    assert assessment_stages("confirmed", hired=True) == [Stage.CONFIRMED, Stage.HIRED]


def test_the_table_sums_what_the_grouping_leaves_out() -> None:
    groups = [
        {"agency_id": "a", "sector": "M", "month": "2026-10", "stage": "suggestions", "count": 3},
        {"agency_id": "a", "sector": "D", "month": "2026-11", "stage": "suggestions", "count": 2},
        {"agency_id": "b", "sector": "M", "month": "2026-11", "stage": "meetings", "count": 1},
    ]
    detailed = table(groups)
    assert [(r.month, r.agency_id, r.sector) for r in detailed] == [
        ("2026-10", "a", "M"),
        ("2026-11", "a", "D"),
        ("2026-11", "b", "M"),
    ]
    by_sector = table(groups, Grouping(by_agency=False, by_sector=True, by_month=False))
    assert [(r.sector, r.counts[Stage.SUGGESTIONS], r.counts[Stage.MEETINGS]) for r in by_sector] == [
        ("D", 2, 0),
        ("M", 3, 1),
    ]
    assert totals(detailed)[Stage.SUGGESTIONS] == 5 and totals(detailed)[Stage.CONVENTIONS] == 0


def test_a_reading_covers_the_months_asked_open_at_either_end_and_groups_by_the_columns_named() -> None:
    assert months_between(None, None) is None
    assert months_between("2026-03", None) == ("2026-03", "9999-12")
    assert months_between(None, "2026-10") == ("0000-01", "2026-10")
    for wrong in ("2026-13", "2026-1", "mars"):
        with pytest.raises(BadQuery, match="AAAA-MM"):
            months_between(wrong, None)
    assert grouping_of("agency,sector,month") == Grouping()
    assert grouping_of("month") == Grouping(by_agency=False, by_sector=False, by_month=True)
    assert grouping_of("") == Grouping(by_agency=False, by_sector=False, by_month=False)
    with pytest.raises(BadQuery, match="regroupe par"):
        grouping_of("agency,person")
