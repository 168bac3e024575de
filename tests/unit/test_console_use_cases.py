"""The console's use cases with in-memory stand-ins for its repositories: which step each event counts,
in which sector and month, what an assessment given again or a hiring taken back changes, and who may
read which agencies' funnel."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from services.console.domain.funnel import (
    TRANSITION_LABELS,
    UNKNOWN_SECTOR,
    UNKNOWN_TRANSITION,
    BadQuery,
    Fact,
    Grouping,
    Stage,
    table,
)
from services.console.use_cases.counting import FunnelCounting
from services.console.use_cases.dashboard import Dashboard, NotForYou, UnknownAgency
from services.kit.identity import Caller, Role

NOV, DEC = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC)


class MemoryCounts:
    """FunnelCounts' behaviour without the database: one fact per step key."""

    def __init__(self) -> None:
        self.steps: dict[str, Fact] = {}
        self.months_read: list[list[str]] = []

    async def count(self, fact: Fact) -> None:
        self.steps[fact.key] = fact

    async def uncount(self, key: str) -> None:
        self.steps.pop(key, None)

    async def counted(self, agency_ids: list[str], months: tuple[str, str] | None) -> list[dict[str, Any]]:
        return self._buckets(agency_ids, lambda month: months is None or months[0] <= month <= months[1])

    async def counted_in(self, agency_ids: list[str], months: list[str]) -> list[dict[str, Any]]:
        self.months_read.append(months)
        return self._buckets(agency_ids, lambda month: month in months)

    def _buckets(self, agency_ids: list[str], wanted: Callable[[str], bool]) -> list[dict[str, Any]]:
        buckets = Counter(
            (f.agency_id, f.sector, f.month, f.stage.value, f.transition)
            for f in self.steps.values()
            if f.agency_id in agency_ids and wanted(f.month)
        )
        return [
            {"agency_id": a, "sector": s, "month": m, "stage": stage, "transition": t, "count": n}
            for (a, s, m, stage, t), n in buckets.items()
        ]

    async def recount(self) -> int:
        return 0


class MemorySectors:
    def __init__(self) -> None:
        self.known: dict[str, tuple[str, str]] = {}

    async def reading(self, key: str) -> tuple[str, str]:
        return self.known.get(key, (UNKNOWN_SECTOR, UNKNOWN_TRANSITION))

    async def remember(self, key: str, *version_sector_transition: Any) -> None:
        self.known[key] = (version_sector_transition[-2], version_sector_transition[-1])

    async def forget(self, key: str) -> None:
        self.known.pop(key, None)


def counting() -> tuple[FunnelCounting, MemoryCounts]:
    counts = MemoryCounts()
    return FunnelCounting(counts, MemorySectors(), MemorySectors()), counts  # type: ignore[arg-type]


def stages(counts: MemoryCounts) -> dict[str, tuple[str, str, Stage]]:
    return {key: (f.sector, f.month, f.stage) for key, f in counts.steps.items()}


async def test_a_suggestion_counts_in_the_sector_its_beneficiary_explores_once_known() -> None:
    use_case, counts = counting()
    await use_case.suggestion_offered("e1", NOV, "a", "b1")
    await use_case.project_changed("b1", 1, ["M1805", "D1106"], None)
    await use_case.suggestion_offered("e2", NOV, "a", "b1")
    await use_case.person_erased("b1")
    await use_case.suggestion_offered("e3", DEC, "a", "b1")
    assert stages(counts) == {
        "e1": (UNKNOWN_SECTOR, "2026-11", Stage.SUGGESTIONS),
        "e2": ("M", "2026-11", Stage.SUGGESTIONS),
        "e3": (UNKNOWN_SECTOR, "2026-12", Stage.SUGGESTIONS),
    }


async def test_an_introduction_counts_each_of_its_steps_in_its_jobs_sector_and_a_refusal_not_at_all() -> None:
    use_case, counts = counting()
    await use_case.introduction_proposed(NOV, "a", "i1", "F1703", "b1")
    await use_case.introduction_answered(NOV, "a", "i1", accepted=True)
    await use_case.meeting_recorded(DEC, "a", "i1")
    await use_case.introduction_proposed(NOV, "a", "i2", "F1703", "b2")
    await use_case.introduction_answered(NOV, "a", "i2", accepted=False)
    assert stages(counts) == {
        "i1:introduced": ("F", "2026-11", Stage.INTRODUCTIONS),
        "i1:accepted": ("F", "2026-11", Stage.ACCEPTED),
        "i1:met": ("F", "2026-12", Stage.MEETINGS),
        "i2:introduced": ("F", "2026-11", Stage.INTRODUCTIONS),
    }


async def test_an_assessment_given_again_replaces_its_conclusion_and_takes_a_hiring_back() -> None:
    use_case, counts = counting()
    await use_case.convention_validated(NOV, "a", "c1", "M1805", "b1")
    await use_case.convention_assessed(NOV, "a", "c1", "M1805", "confirmed", True, "b1")
    assert stages(counts) == {
        "c1:validated": ("M", "2026-11", Stage.CONVENTIONS),
        "c1:conclusion": ("M", "2026-11", Stage.CONFIRMED),
        "c1:hired": ("M", "2026-11", Stage.HIRED),
    }
    await use_case.convention_assessed(DEC, "a", "c1", "M1805", "adjusted", False, "b1")
    assert stages(counts) == {
        "c1:validated": ("M", "2026-11", Stage.CONVENTIONS),
        "c1:conclusion": ("M", "2026-12", Stage.ADJUSTED),
    }


async def test_each_step_counts_in_its_beneficiarys_kind_of_transition_and_the_funnel_splits_by_it() -> None:
    use_case, counts = counting()
    await use_case.project_changed("pushed", 1, ["F1703"], "imposed")
    await use_case.project_changed("chose", 1, ["F1703"], "chosen")
    for n, beneficiary in enumerate(("pushed", "chose", "silent")):
        await use_case.suggestion_offered(f"e{n}", NOV, "a", beneficiary)
        await use_case.introduction_proposed(NOV, "a", f"i{n}", "F1703", beneficiary)
    await use_case.introduction_answered(NOV, "a", "i0", accepted=True)
    await use_case.meeting_recorded(NOV, "a", "i0")
    await use_case.convention_validated(NOV, "a", "c0", "F1703", "pushed")
    rows = table(await counts.counted(["a"], None), Grouping(by_agency=False, by_sector=False, by_transition=True))
    by_kind = {row.transition: row.counts for row in rows}
    assert set(by_kind) == {"chosen", "imposed", UNKNOWN_TRANSITION}
    assert by_kind["imposed"][Stage.MEETINGS] == 1 and by_kind["imposed"][Stage.CONVENTIONS] == 1
    assert by_kind["chosen"][Stage.INTRODUCTIONS] == 1 and by_kind["chosen"][Stage.MEETINGS] == 0
    assert by_kind[UNKNOWN_TRANSITION][Stage.SUGGESTIONS] == 1, "a project that says nothing of its move"
    assert TRANSITION_LABELS["imposed"] == "Mobilité subie"


class Directory:
    def __init__(self, agencies: list[Mapping[str, str]]) -> None:
        self.agencies = agencies

    async def all(self) -> list[Mapping[str, str]]:
        return self.agencies


def dashboard(counts: MemoryCounts, now: datetime = DEC) -> Dashboard:
    directory = Directory(
        [
            {"_id": "a", "name": "Nantes", "region_code": "52"},
            {"_id": "b", "name": "Angers", "region_code": "52"},
            {"_id": "c", "name": "Rennes", "region_code": "53"},
        ]
    )
    return Dashboard(counts, directory, lambda: now)  # type: ignore[arg-type]


def caller(*roles: Role, agency_id: str = "a") -> Caller:
    return Caller("s", agency_id, "52", frozenset(roles))


async def test_a_coordinator_reads_their_region_an_administrator_their_agency_and_no_one_else_reads() -> None:
    counts = MemoryCounts()
    for key, agency in (("e1", "a"), ("e2", "b"), ("e3", "c")):
        await counts.count(Fact(key, agency, "M", "2026-11", Stage.SUGGESTIONS))
    reading = await dashboard(counts).funnel(caller(Role.REGIONAL_COORDINATOR), None, None, None, "agency")
    assert reading.agencies == {"a": "Nantes", "b": "Angers"}
    assert [(r.agency_id, r.counts[Stage.SUGGESTIONS]) for r in reading.rows] == [("a", 1), ("b", 1)]
    mine = await dashboard(counts).funnel(caller(Role.AGENCY_ADMIN, agency_id="b"), None, "2026-11", None, "")
    assert mine.agencies == {"b": "Angers"} and [r.agency_id for r in mine.rows] == ["*"]
    with pytest.raises(NotForYou):
        await dashboard(counts).funnel(caller(Role.COUNSELLOR), None, "bad", None, "nonsense")
    with pytest.raises(UnknownAgency):
        await dashboard(counts).funnel(caller(Role.AGENCY_ADMIN), "b", "bad", None, "nonsense")
    with pytest.raises(BadQuery, match="regroupe par"):
        await dashboard(counts).funnel(caller(Role.AGENCY_ADMIN), "a", "bad", None, "nonsense")
    with pytest.raises(BadQuery, match="AAAA-MM"):
        await dashboard(counts).funnel(caller(Role.AGENCY_ADMIN), "a", "2026-13", None, "month")


async def test_a_month_is_read_with_the_month_before_and_the_same_month_a_year_before_and_nothing_else() -> None:
    counts = MemoryCounts()
    for key, agency, month in (
        ("e1", "a", "2026-12"),
        ("e2", "b", "2026-12"),
        ("e3", "a", "2026-11"),
        ("e4", "a", "2025-12"),
        ("e5", "a", "2026-06"),
        ("e6", "c", "2026-12"),
    ):
        await counts.count(Fact(key, agency, "M", month, Stage.INTRODUCTIONS))
    reading = await dashboard(counts).month(caller(Role.REGIONAL_COORDINATOR), None, None)
    assert counts.months_read == [["2026-12", "2026-11", "2025-12"]]
    [introductions] = [line for line in reading.comparison.stages if line.stage is Stage.INTRODUCTIONS]
    assert introductions.counts == (2, 1, 1)  # Rennes (c) is another region's
    assert [p.label for p in reading.comparison.periods] == ["décembre 2026", "novembre 2026", "décembre 2025"]
    assert reading.months[:2] == ["2026-12", "2026-11"] and len(reading.months) == 25
    mine = await dashboard(counts).month(caller(Role.AGENCY_ADMIN, agency_id="b"), "b", "2026-11")
    assert [line.counts for line in mine.comparison.stages if line.stage is Stage.INTRODUCTIONS] == [(0, 0, 0)]
    with pytest.raises(NotForYou):
        await dashboard(counts).month(caller(Role.COUNSELLOR), None, None)
    with pytest.raises(UnknownAgency):
        await dashboard(counts).month(caller(Role.AGENCY_ADMIN, agency_id="b"), "a", None)
    with pytest.raises(BadQuery, match="AAAA-MM"):
        await dashboard(counts).month(caller(Role.AGENCY_ADMIN), None, "novembre")


def test_a_gathering_counts_those_present_once_in_their_agency_and_an_absence_recorded_later_uncounts() -> None:
    service, counts = counting()
    attended = [("r1", "a1", True), ("r2", "a2", True), ("r3", "a1", False)]
    asyncio.run(service.gathering_attended(DEC, ["G1602", "M1805"], attended))
    asyncio.run(service.gathering_attended(DEC, ["G1602", "M1805"], attended))  # redelivered
    assert sorted((f.key, f.agency_id, f.sector, f.month, f.stage) for f in counts.steps.values()) == [
        ("r1:attended", "a1", "G", "2026-12", Stage.GATHERINGS),
        ("r2:attended", "a2", "G", "2026-12", Stage.GATHERINGS),
    ]
    asyncio.run(service.gathering_attended(DEC, ["G1602"], [("r1", "a1", False)]))
    assert list(counts.steps) == ["r2:attended"]
