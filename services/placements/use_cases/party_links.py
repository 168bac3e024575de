"""What the parties do with their secure links (bound to one convention and one role, working once,
expiring, replaced when sent again, stored only as a hash): open the convention, take their step; and
the staff's resending of a party's link."""

from __future__ import annotations

import contextlib
from datetime import datetime

from services.contracts.events.placements import PartyRole
from services.kit.domain import InvalidInput
from services.kit.outbox import ConcurrentUpdate
from services.placements.adapters.conventions import NotFound
from services.placements.domain.commands import ResendLink
from services.placements.domain.convention import SYSTEM, Convention, Party
from services.placements.domain.lifecycle import Action, RefusedTransition, Status
from services.placements.domain.party_links import LinkRefused, Opened, check_step, link_subject, opened
from services.placements.domain.terms import Assessment, assessment_problems
from services.placements.use_cases.conventions import ConventionService

ATTEMPTS = 3


class PartyLinks:
    def __init__(self, service: ConventionService) -> None:
        self.service = service

    async def open(self, convention_id: str, token: str, now: datetime, *, reading: bool = False) -> Opened:
        """The convention and what the link may do, or LinkRefused saying why."""
        role_name, link_id = link_subject(self.service.link_key, convention_id, token, now)
        try:
            convention, role = await self.service.get(convention_id), PartyRole(role_name)
        except (NotFound, ValueError) as error:
            raise LinkRefused(404, "convention_not_found", "Cette convention n'existe plus.") from error
        return opened(convention, role, link_id, token, reading=reading)

    async def act(
        self,
        convention_id: str,
        token: str,
        action: Action,
        now: datetime,
        *,
        reason: str = "",
        note: str = "",
        assessment: Assessment | None = None,
    ) -> Opened:
        """Two parties signing at the same moment both succeed: a lost race is read again and retried."""
        for _ in range(ATTEMPTS - 1):
            with contextlib.suppress(ConcurrentUpdate):
                return await self._act(convention_id, token, action, now, reason, note, assessment)
        return await self._act(convention_id, token, action, now, reason, note, assessment)

    async def _act(
        self,
        convention_id: str,
        token: str,
        action: Action,
        now: datetime,
        reason: str,
        note: str,
        assessment: Assessment | None,
    ) -> Opened:
        link = await self.open(convention_id, token, now)
        check_step(link, action)
        convention, role = link.convention, link.role
        if action is Action.SUBMIT_ASSESSMENT and convention.status is Status.IN_PROGRESS:
            assert assessment is not None
            terms = convention.terms
            problems = assessment_problems(assessment, terms.start_date, terms.end_date)
            if problems:
                raise InvalidInput(problems)
            convention = await self.service.act(convention, Action.END, SYSTEM, now)  # the last day: it ends now
        try:
            done = await self.service.act(
                convention,
                action,
                Party.link(role),
                now,
                reason=reason,
                note=note,
                assessment=assessment,
                used_link=role,
            )
        except RefusedTransition as error:  # moved on between the read and the write
            raise LinkRefused(
                409, "concurrent_update", "Cette étape n'est plus possible : la convention vient de changer."
            ) from error
        return Opened(done, role, None, ())

    async def resend(self, convention: Convention, role: PartyRole, staff: Party, now: datetime) -> Convention:
        """The same purpose again, with a new link: the old one stops working."""
        return await self.service.apply(convention, ResendLink(role), staff, now)
