"""What other services tell profiles about a beneficiary's lived path: an assessed PMSMP immersion becomes a
step of it (once, however often the event comes)."""

from __future__ import annotations

import logging

from services.contracts.events.placements import Attendance, ConventionAssessedV1
from services.contracts.events.profiles import StepKind
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.domain.access import Actor
from services.profiles.domain.beneficiary import LivedStep
from services.profiles.domain.beneficiary_lifecycle import RecordLivedStep, decide
from services.profiles.use_cases.errors import Clock, utc_now

log = logging.getLogger(__name__)


class LivedPathService:
    def __init__(self, beneficiaries: Beneficiaries, clock: Clock = utc_now) -> None:
        self.beneficiaries, self.clock = beneficiaries, clock

    async def record_immersion(self, assessed: ConventionAssessedV1) -> None:
        if assessed.attendance is Attendance.DID_NOT_SHOW:
            return  # nothing was lived
        beneficiary = await self.beneficiaries.get(assessed.beneficiary_id, assessed.agency_id)
        if beneficiary is None:
            log.info("immersion %s: beneficiary erased or unknown, nothing to record", assessed.convention_id)
            return
        step = LivedStep(
            source_id=assessed.convention_id,
            kind=StepKind.IMMERSION,
            start_date=assessed.start_date,
            end_date=assessed.end_date,
            rome_code=assessed.rome_code,
            naf_division=assessed.naf_division,
            place_id=assessed.place_id,
            outcome=assessed.project_conclusion.value,
            hired=assessed.hired,
        )
        changed, events = decide(beneficiary, RecordLivedStep(step), Actor.PLATFORM, self.clock())
        if changed is not beneficiary:
            await self.beneficiaries.save(changed, events)
