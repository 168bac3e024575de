"""The scheduler: on each pass (every minute, or by the operator with a moved clock) it sends the reminders
due and takes the steps time takes (start, end, expiry). It reads only the conventions due, by the
`next_due_at` index that every write of a convention keeps (`conventions.next_due_at`). What it sent is
written with the events in one write, so a restart or a second instance finds it done."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from services.contracts.events.placements import LinkPurpose, PartyRole, ReminderKind
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate
from services.placements.convention_events import reminder_event
from services.placements.conventions import ASSESSMENT_LINK_DAYS, SYSTEM, ConventionDesk, Step, timeline_of
from services.placements.domain.lifecycle import Status
from services.placements.domain.reminders import Reminder, plan
from services.placements.domain.working_days import today_in_france

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, desk: ConventionDesk) -> None:
        self.desk = desk

    async def sweep(self, now: datetime) -> dict[str, int]:
        today = today_in_france(now)
        counts = {"reminders": 0, "steps": 0}
        for document in await self.desk.due(now):
            try:
                if not await self._one(document, today, now, counts):
                    await self.desk.reschedule(document, today)
            except ConcurrentUpdate:
                log.info("convention %s changed during the sweep; the next sweep takes it", document["_id"])
        return counts

    async def _one(self, document: Document, today: date, now: datetime, counts: dict[str, int]) -> bool:
        """Whatever is due today for this convention; False when nothing was (its writes, if any, said
        when to look again)."""
        acted = False
        for _ in range(len(Status)):  # a convention validated late may start and end in one pass
            due = plan(timeline_of(document), today)
            if due.action is not None:
                document = await self.desk.act(document, due.action, SYSTEM, now)
                counts["steps"] += 1
                acted = True
                continue
            if due.reminders:
                await self._remind(document, due.reminders, now)
                counts["reminders"] += len(due.reminders)
                acted = True
            break
        return acted

    async def _remind(self, document: Document, reminders: Sequence[Reminder], now: datetime) -> None:
        sent = [*document.get("reminders_sent", []), *(r.key for r in reminders)]
        step = Step(document, {"reminders_sent": sent}, now=now)
        for reminder in reminders:
            tutor = document.get("links", {}).get(PartyRole.TUTOR.value)
            if reminder.kind is ReminderKind.ASSESSMENT_REQUEST and (tutor is None or tutor["used_at"]):
                expires_at = now + timedelta(days=ASSESSMENT_LINK_DAYS)
                self.desk.issue_link(step, PartyRole.TUTOR, LinkPurpose.ASSESS, expires_at)
            step.events.append(reminder_event(step.after, step.version, reminder))
        await self.desk.commit(step)
