"""The scheduler: on each pass (every minute, or by the operator with a moved clock) it sends the reminders
due and takes the steps time takes (start, end, expiry). It reads only the conventions due, by the
`next_due_at` index that every write of a convention keeps (`domain.convention.next_due_at`). What it sent
is written with the events in one write, so a restart or a second instance finds it done."""

from __future__ import annotations

import logging
from datetime import date, datetime

from services.kit.outbox import ConcurrentUpdate
from services.placements.adapters.conventions import Conventions
from services.placements.domain.commands import Remind
from services.placements.domain.convention import SYSTEM, Convention, timeline_of
from services.placements.domain.lifecycle import Status
from services.placements.domain.reminders import plan
from services.placements.domain.working_days import today_in_france
from services.placements.use_cases.conventions import ConventionService

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, service: ConventionService, conventions: Conventions) -> None:
        self.service = service
        self.conventions = conventions

    async def sweep(self, now: datetime) -> dict[str, int]:
        today = today_in_france(now)
        counts = {"reminders": 0, "steps": 0}
        for convention in await self.conventions.due(now):
            try:
                if not await self._one(convention, today, now, counts):
                    await self.conventions.reschedule(convention, today)
            except ConcurrentUpdate:
                log.info("convention %s changed during the sweep; the next sweep takes it", convention.id)
        return counts

    async def _one(self, convention: Convention, today: date, now: datetime, counts: dict[str, int]) -> bool:
        """Whatever is due today for this convention; False when nothing was (its writes, if any, said
        when to look again)."""
        acted = False
        for _ in range(len(Status)):  # a convention validated late may start and end in one pass
            due = plan(timeline_of(convention), today)
            if due.action is not None:
                convention = await self.service.act(convention, due.action, SYSTEM, now)
                counts["steps"] += 1
                acted = True
                continue
            if due.reminders:
                await self.service.apply(convention, Remind(due.reminders), SYSTEM, now)
                counts["reminders"] += len(due.reminders)
                acted = True
            break
        return acted
