"""What placements keeps of others' data and its own per-agency choice: the beneficiaries (agency,
counsellor, minor, open or closed) from profiles' events, and how each agency validates conventions."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import BeneficiaryClosedV1, BeneficiaryProjectV1, PersonErasedV1, PersonKind
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer
from services.placements.domain.convention import Beneficiary
from services.placements.domain.lifecycle import Validation

BENEFICIARIES = "beneficiaries"
AGENCY_SETTINGS = "agency_settings"
FOREVER = 2**31 - 1  # an erased person's version: later events are all older


class Projections:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.beneficiaries = database[BENEFICIARIES]
        self.agency_settings = database[AGENCY_SETTINGS]

    async def on_project(self, envelope: Envelope, payload: BeneficiaryProjectV1) -> None:
        fields = {
            "agency_id": payload.agency_id,
            "counsellor_id": payload.counsellor_id,
            "minor": payload.minor,
            "active": True,
        }
        await apply_if_newer(self.beneficiaries, payload.beneficiary_id, envelope.aggregate_version, fields)

    async def on_closed(self, envelope: Envelope, payload: BeneficiaryClosedV1) -> None:
        await apply_if_newer(self.beneficiaries, payload.beneficiary_id, envelope.aggregate_version, {"active": False})

    async def forget(self, payload: PersonErasedV1) -> None:
        if payload.person_kind != PersonKind.BENEFICIARY:
            return
        tombstone = {"_id": payload.person_id, "agency_id": payload.agency_id, "erased": True, "active": False}
        await self.beneficiaries.replace_one({"_id": payload.person_id}, {**tombstone, "version": FOREVER}, upsert=True)

    async def beneficiary(self, beneficiary_id: str) -> Beneficiary | None:
        found = await self.beneficiaries.find_one({"_id": beneficiary_id})
        if found is None or found.get("erased"):
            return None
        return Beneficiary(
            beneficiary_id,
            found["agency_id"],
            found.get("counsellor_id", ""),
            found.get("minor", False),
            found["active"],
        )

    async def validation_of(self, agency_id: str) -> Validation:
        found = await self.agency_settings.find_one({"_id": agency_id})
        return Validation(found["validation"]) if found else Validation.ONE_STEP

    async def set_validation(self, agency_id: str, validation: Validation, staff_id: str) -> None:
        await self.agency_settings.replace_one(
            {"_id": agency_id}, {"_id": agency_id, "validation": validation.value, "by": staff_id}, upsert=True
        )
