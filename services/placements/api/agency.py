"""The agency's validation mode (thin): read by its staff, chosen by its administrators."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from services.kit.identity import AgencyAdmin, AgencyStaff
from services.placements.deps import AgencySettingsDep
from services.placements.domain.lifecycle import Validation

router = APIRouter(tags=["conventions"])


class ValidationIn(BaseModel):
    validation: Validation


@router.get("/agency/validation", summary="How your agency validates: one_step (validator) or two_step")
async def validation(caller: AgencyStaff, settings: AgencySettingsDep) -> ValidationIn:
    return ValidationIn(validation=await settings.validation_of(caller.agency_id))


@router.put("/agency/validation", summary="Choose one- or two-step validation (agency administrators)")
async def set_validation(body: ValidationIn, caller: AgencyAdmin, settings: AgencySettingsDep) -> ValidationIn:
    await settings.choose(caller.agency_id, body.validation, caller.staff_id)
    return body
