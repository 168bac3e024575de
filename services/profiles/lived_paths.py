"""What other services tell profiles about a beneficiary's lived path: an assessed PMSMP immersion becomes
a step of it (once, however often the event comes)."""

from __future__ import annotations

import logging

from services.contracts.envelope import Envelope
from services.contracts.events.placements import Attendance, ConventionAssessedV1
from services.contracts.events.profiles import StepKind
from services.kit.messaging import EventRouter
from services.profiles.adapters.beneficiaries import BeneficiaryRepository
from services.profiles.domain.beneficiary import LivedStep, add_lived_step

log = logging.getLogger(__name__)


class LivedPaths:
    def __init__(self, beneficiaries: BeneficiaryRepository) -> None:
        self.beneficiaries = beneficiaries

    def subscribe(self, router: EventRouter) -> LivedPaths:
        router.on("placements.convention.assessed", self.on_immersion_assessed)
        return self

    async def on_immersion_assessed(self, envelope: Envelope, payload: ConventionAssessedV1) -> None:
        if payload.attendance is Attendance.DID_NOT_SHOW:
            return  # nothing was lived
        beneficiary = await self.beneficiaries.get(payload.beneficiary_id, payload.agency_id)
        if beneficiary is None:
            log.info("immersion %s: beneficiary erased or unknown, nothing to record", payload.convention_id)
            return
        step = LivedStep(
            source_id=payload.convention_id,
            kind=StepKind.IMMERSION,
            start_date=payload.start_date,
            end_date=payload.end_date,
            rome_code=payload.rome_code,
            naf_division=payload.naf_division,
            place_id=payload.place_id,
            outcome=payload.project_conclusion.value,
            hired=payload.hired,
        )
        changed = add_lived_step(beneficiary, step)
        if changed is not None:
            await self.beneficiaries.save(changed, [])
