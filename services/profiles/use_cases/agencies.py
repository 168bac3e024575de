"""Agencies: registering one (operator), listing the open ones, renaming one (operator or the agency's admin),
closing one for good (operator: its accounts are closed with it)."""

from __future__ import annotations

from services.contracts.events.profiles import AgencyKind
from services.kit.outbox import ConcurrentUpdate, TakenByAnother
from services.profiles.adapters.agencies import Agencies
from services.profiles.domain import agency as rules
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.use_cases.errors import Clock, Conflict, NotFound, utc_now
from services.profiles.use_cases.staff import StaffService


def _same_name() -> Conflict:
    return Conflict("Une structure de cette région porte déjà ce nom : choisissez-en un autre.")


class AgencyService:
    def __init__(self, agencies: Agencies, staff: StaffService, clock: Clock = utc_now) -> None:
        self.agencies, self.staff, self.clock = agencies, staff, clock

    async def register(
        self, name: str, kind: AgencyKind, region_code: str, places_served: tuple[str, ...]
    ) -> rules.Agency:
        agency, event = rules.register(name, kind, region_code, places_served=places_served)
        try:
            await self.agencies.add(agency, event)
        except TakenByAnother as taken:
            raise _same_name() from taken
        return agency

    async def all(self) -> list[rules.Agency]:
        """The open agencies: a closed one leaves the lists."""
        return await self.agencies.open()

    async def _change(self, agency_id: str, command: rules.Command, by: OperatorOrStaff) -> rules.Agency:
        for attempt in (1, 2):  # once more after a concurrent change: the command is decided again
            current = await self.agencies.get(agency_id)
            if current is None or not by.administers(agency_id):
                raise NotFound("Aucune structure de ce nom parmi celles que vous administrez.")
            changed, events = rules.decide(current, command, by.actor, self.clock())
            if not events:
                return changed
            try:
                await self.agencies.save(changed, events)
            except TakenByAnother as taken:
                raise _same_name() from taken
            except ConcurrentUpdate:
                if attempt == 2:
                    raise
                continue
            return changed
        raise AssertionError("unreachable")

    async def rename(self, agency_id: str, name: str, by: OperatorOrStaff) -> rules.Agency:
        return await self._change(agency_id, rules.Rename(name), by)

    async def close(self, agency_id: str, by: OperatorOrStaff) -> rules.Agency:
        """Closes the agency, then each of its open accounts (their tokens stop working on every service). On
        a repeat, the accounts a crash left open are closed."""
        closed = await self._change(agency_id, rules.Close(), by)
        for member in await self.staff.of_agency(agency_id, by):
            if member.active:
                await self.staff.deactivate(agency_id, member.staff_id, by)
        return closed
