"""The region's dashboard as a reading: which agencies a caller may count, and their funnel (counts only).
Regional coordinators see every agency of their region; an agency's administrator sees their agency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from services.console.adapters.funnel import FunnelCounts
from services.console.domain.comparison import Comparison, compare, compared_months, recent_months
from services.console.domain.funnel import (
    Grouping,
    Row,
    checked_month,
    grouping_of,
    month_of,
    months_between,
    table,
)
from services.kit.agency_directory import AgencyDirectory
from services.kit.identity import Caller, Role


class NotForYou(Exception):
    """The caller is neither a regional coordinator nor an agency administrator."""


class UnknownAgency(Exception):
    """The agency asked for is none of those the caller may count."""


@dataclass(frozen=True)
class Reading:
    agencies: dict[str, str]  # every agency the caller may count, by id, with its name
    rows: list[Row]


@dataclass(frozen=True)
class MonthReading:
    agencies: dict[str, str]
    comparison: Comparison
    months: list[str]  # the months one may choose, the current one first


MONTHS_OFFERED = 25  # this month and the two years before it: each with the same month a year before


class Dashboard:
    def __init__(
        self, counts: FunnelCounts, directory: AgencyDirectory, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.counts = counts
        self.directory = directory
        self.now = now

    async def agencies(self, caller: Caller) -> dict[str, str]:
        """The agencies the caller may count, by id, with their names."""
        known = await self.directory.all()
        if caller.has(Role.REGIONAL_COORDINATOR):
            return {a["_id"]: a["name"] for a in known if a.get("region_code") == caller.region_code}
        if caller.has(Role.AGENCY_ADMIN):
            return {a["_id"]: a["name"] for a in known if a["_id"] == caller.agency_id}
        raise NotForYou("Le tableau de bord est réservé aux coordinateurs régionaux et aux administrateurs d'agence.")

    async def funnel(
        self, caller: Caller, agency: str | None, since: str | None, until: str | None, by: str
    ) -> Reading:
        """One agency's funnel (or every one the caller may count), between two months, grouped `by`
        (comma-separated: agency, sector, month); refusals are checked in that order."""
        agencies = await self.agencies(caller)
        counted_agencies = self._counted(agencies, agency)
        grouping = grouping_of(by)
        return Reading(
            agencies, table(await self.counts.counted(counted_agencies, months_between(since, until)), grouping)
        )

    async def month(self, caller: Caller, agency: str | None, month: str | None) -> MonthReading:
        """One month (this one when absent) against the month before and the same month a year before, for one
        agency or every one the caller may count; only those three months are read."""
        agencies = await self.agencies(caller)
        counted_agencies = self._counted(agencies, agency)
        current = month_of(self.now())
        chosen = checked_month("month", month) or current
        buckets = await self.counts.counted_in(counted_agencies, list(compared_months(chosen)))
        per_month = {row.month: row.counts for row in table(buckets, Grouping(by_agency=False, by_sector=False))}
        return MonthReading(agencies, compare(chosen, per_month), recent_months(current, MONTHS_OFFERED))

    @staticmethod
    def _counted(agencies: dict[str, str], agency: str | None) -> list[str]:
        if agency is not None and agency not in agencies:
            raise UnknownAgency("Cette agence n'existe pas parmi celles que vous pouvez voir.")
        return [agency] if agency is not None else sorted(agencies)
