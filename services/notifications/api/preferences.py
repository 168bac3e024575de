"""A staff member's choice of channels per kind of notification."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.kit.identity import CurrentCaller
from services.notifications.deps import ChoicesService
from services.notifications.domain.routing import Kind, Preference

router = APIRouter(tags=["inbox"])


class PreferencesIn(BaseModel):
    kinds: dict[Kind, Preference] = Field(description="per kind: live, email, both or none")


@router.get("/preferences", summary="How you hear of each kind of notification (defaults included)")
async def preferences(caller: CurrentCaller, choices: ChoicesService) -> PreferencesIn:
    return PreferencesIn(kinds=await choices.of(caller.staff_id))


@router.put("/preferences", summary="Choose live, email, both or none per kind")
async def set_preferences(body: PreferencesIn, caller: CurrentCaller, choices: ChoicesService) -> PreferencesIn:
    return PreferencesIn(kinds=await choices.choose(caller.staff_id, body.kinds))
