"""The introductions' clock, a periodic job (every minute, or at once by the operators' route): expire the
requests past their date, remind the peers whose request expires soon, remind both sides of a meeting the
day before. Each is found by its due-date
index; one whose peer answered meanwhile (its version moved) is left for the next sweep."""

from __future__ import annotations

from datetime import datetime

from services.kit.outbox import ConcurrentUpdate
from services.matching.adapters.introductions import Introductions
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import Expire, Remind, RemindAppointment
from services.matching.memory import Memory
from services.matching.use_cases.introductions import IntroductionService
from services.matching.use_cases.peer_records import PeerRecords


class Sweep:
    def __init__(
        self, introductions: Introductions, service: IntroductionService, records: PeerRecords, memory: Memory
    ) -> None:
        self.introductions = introductions
        self.service = service
        self.records = records
        self.memory = memory

    async def run(self, now: datetime) -> dict[str, int]:
        self.memory.roll_month()
        reminded = expired = 0
        for introduction in await self.introductions.due_to_expire(now):
            try:
                await self.service.step(introduction, Expire(), Actor.SYSTEM, now)
            except ConcurrentUpdate:
                continue
            await self.records.booking(introduction.peer_id, introduction.month, -1)
            expired += 1
        for introduction in await self.introductions.due_for_reminder(now):
            try:
                await self.service.step(introduction, Remind(), Actor.SYSTEM, now)
            except ConcurrentUpdate:
                continue
            reminded += 1
        meetings = 0
        for introduction in await self.introductions.due_for_appointment_reminder(now):
            try:
                await self.service.step(introduction, RemindAppointment(), Actor.SYSTEM, now)
            except ConcurrentUpdate:
                continue
            meetings += 1
        return {"reminded": reminded, "expired": expired, "meetings_reminded": meetings}
