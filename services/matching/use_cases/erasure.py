"""A person erased in profiles: the free text written about or by them in their introductions goes, the
facts (ids, dates, codes) stay; requests still open are cancelled first, giving the peer's slot back."""

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
                if introduction.status in OPEN:
                    introduction = await self.service.cancel(introduction, staff_id="", actor=Actor.SYSTEM)
                await self.service.step(introduction, Erase(party), Actor.SYSTEM, datetime.now(UTC))
                scrubbed += 1
        return scrubbed
