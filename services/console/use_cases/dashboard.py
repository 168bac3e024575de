"""The region's dashboard as a reading: which agencies a caller may count, and their funnel (counts only).
Regional coordinators see every agency of their region; an agency's administrator sees their agency."""

from __future__ import annotations

from dataclasses import dataclass

from services.console.adapters.funnel import FunnelCounts
from services.console.domain.funnel import Row, grouping_of, months_between, table
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


class Dashboard:
    def __init__(self, counts: FunnelCounts, directory: AgencyDirectory) -> None:
        self.counts = counts
        self.directory = directory

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
        if agency is not None and agency not in agencies:
            raise UnknownAgency("Cette agence n'existe pas parmi celles que vous pouvez voir.")
        counted_agencies = [agency] if agency is not None else sorted(agencies)
        grouping = grouping_of(by)
        return Reading(
            agencies, table(await self.counts.counted(counted_agencies, months_between(since, until)), grouping)
        )
