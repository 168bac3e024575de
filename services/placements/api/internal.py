"""Placements' internal route: a convention's parties' contact points, which no longer travel on the
topic (see `services.kit.internal_api`), fetched by the notifications service when a `contacts_changed`
event tells it they changed. An erased beneficiary's and legal representative's are no longer given."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from services.contracts.events.placements import Contact
from services.kit.internal_api import internal_caller
from services.placements.deps import ConventionsDep
from services.placements.domain.events import party_contacts

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)
Notifications = Annotated[str, internal_caller("notifications")]


class PartyContactsOut(BaseModel):
    convention_id: str
    agency_id: str
    beneficiary_id: str
    version: int
    contacts: list[Contact]


@router.get("/conventions/{convention_id}/contacts")
async def convention_contacts(
    convention_id: str, caller: Notifications, conventions: ConventionsDep
) -> PartyContactsOut:
    convention = await conventions.get(convention_id)
    return PartyContactsOut(
        convention_id=convention.id,
        agency_id=convention.agency_id,
        beneficiary_id=convention.beneficiary_id,
        version=convention.version,
        contacts=party_contacts(convention),
    )
