"""A person erased in profiles: the free text written about or by them in their introductions goes (and the
contact choice, the meeting's slots, the thread), the facts (ids, dates, codes) stay; requests still open
are then cancelled, giving the peer's slot back."""

from __future__ import annotations

from datetime import UTC, datetime

from services.matching.adapters.introductions import Introductions
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import OPEN, Erase
from services.matching.use_cases.introductions import IntroductionService


class Erasure:
    def __init__(self, introductions: Introductions, service: IntroductionService) -> None:
        self.introductions = introductions
        self.service = service

    async def scrub(self, person_id: str) -> int:
        scrubbed = 0
        for party, of_person in (
            ("beneficiary", self.introductions.of_beneficiary),
            ("peer", self.introductions.of_peer),
        ):
            for introduction in await of_person(person_id):
                # scrubbed first (a meeting that stood is cancelled in the same write, without its place),
                # so that nothing read between the two steps still shows where they were to meet
                introduction = await self.service.step(introduction, Erase(party), Actor.SYSTEM, datetime.now(UTC))
                if introduction.status in OPEN:
                    await self.service.cancel(introduction, staff_id="", actor=Actor.SYSTEM)
                scrubbed += 1
        return scrubbed
