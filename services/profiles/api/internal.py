"""Profiles' internal routes: the contact points that no longer travel on the topics (see
`services.kit.internal_api`), fetched by the notifications service when a contact event tells it one
changed, and the names its notifications show (asked as they are shown, never kept). An erased or
unknown person is a 404, or absent from the names: nothing of them is left to give."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.kit.domain import NotFound
from services.kit.internal_api import internal_caller
from services.profiles.deps import BeneficiaryServiceDep, NameServiceDep, PeerServiceDep, StaffServiceDep

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)
Notifications = Annotated[str, internal_caller("notifications")]
# matching shows a peer's chosen way to be reached (their e-mail or phone) to the beneficiary's counsellor
NotificationsOrMatching = Annotated[str, internal_caller("notifications", "matching")]
# placements checks that a minor is 16 on a PMSMP's first day: the date of birth never travels on the topics
Placements = Annotated[str, internal_caller("placements")]


class PeerContactOut(BaseModel):
    peer_id: str
    agency_id: str
    version: int
    name: str
    email: str
    phone: str
    first_name: str = ""
    kind: str = ""


class StaffContactOut(BaseModel):
    staff_id: str
    agency_id: str
    version: int
    name: str
    email: str
    roles: list[str]
    active: bool


@router.get("/peers/{peer_id}/contact")
async def peer_contact(peer_id: str, caller: NotificationsOrMatching, peers: PeerServiceDep) -> PeerContactOut:
    peer = await peers.contact(peer_id)
    if peer is None:
        raise NotFound("Ce pair n'existe pas ou a été effacé.", code="peer_not_found")
    i = peer.identity
    return PeerContactOut(
        peer_id=peer.peer_id,
        agency_id=peer.agency_id,
        version=peer.version,
        name=f"{i.first_name} {i.last_name}",
        email=i.email,
        phone=i.phone,
        first_name=i.first_name,
        kind=peer.kind.value,
    )


@router.get("/staff/{staff_id}/contact")
async def staff_contact(staff_id: str, caller: Notifications, staff: StaffServiceDep) -> StaffContactOut:
    member = await staff.contact(staff_id)
    if member is None:
        raise NotFound("Ce compte n'existe pas.", code="staff_not_found")
    return StaffContactOut(
        staff_id=member.staff_id,
        agency_id=member.agency_id,
        version=member.version,
        name=member.name,
        email=member.email,
        roles=[role.value for role in member.roles],
        active=member.active,
    )


class GuardianContactOut(BaseModel):
    beneficiary_id: str
    name: str
    email: str


@router.get("/beneficiaries/{beneficiary_id}/guardian")
async def guardian_contact(
    beneficiary_id: str, agency_id: str, caller: Notifications, beneficiaries: BeneficiaryServiceDep
) -> GuardianContactOut:
    """A minor's legal representative (the meeting's invitations go to them too); 404 for anyone else."""
    found = await beneficiaries.guardian(beneficiary_id, agency_id)
    if found is None or not found.email:
        raise NotFound("Aucun représentant légal à qui écrire.", code="guardian_not_found")
    return GuardianContactOut(beneficiary_id=beneficiary_id, name=found.name, email=found.email)


class BeneficiaryContactOut(BaseModel):
    beneficiary_id: str
    name: str
    email: str


@router.get("/beneficiaries/{beneficiary_id}/contact")
async def beneficiary_contact(
    beneficiary_id: str, agency_id: str, caller: Notifications, beneficiaries: BeneficiaryServiceDep
) -> BeneficiaryContactOut:
    """Where a beneficiary's own invitations go (forums, fairs, open days); 404 without an address."""
    found = await beneficiaries.contact(beneficiary_id, agency_id)
    if found is None or not found.email:
        raise NotFound("Aucune adresse e-mail à qui écrire.", code="beneficiary_contact_not_found")
    name = f"{found.first_name} {found.last_name}"
    return BeneficiaryContactOut(beneficiary_id=beneficiary_id, name=name, email=found.email)


class NamesIn(BaseModel):
    staff_id: str = Field(description="the reader: names are given only for the people they may see")
    beneficiary_ids: list[str] = Field(default_factory=list, max_length=500)
    peer_ids: list[str] = Field(default_factory=list, max_length=2000)


class PeerNameOut(BaseModel):
    first_name: str
    kind: str


class NamesOut(BaseModel):
    beneficiaries: dict[str, str] = Field(description="id -> full name")
    peers: dict[str, PeerNameOut]


@router.post("/names")
async def names(asked: NamesIn, caller: NotificationsOrMatching, service: NameServiceDep) -> NamesOut:
    """The names of the people a staff member's notifications are about, for that staff member: their
    agency's beneficiaries, the peers their agency sees; nobody erased. A question, not a change: POST only
    because a page of notifications asks for hundreds of ids."""
    seen = await service.seen_by(asked.staff_id, asked.beneficiary_ids, asked.peer_ids)
    return NamesOut(
        beneficiaries=seen.beneficiaries,
        peers={i: PeerNameOut(first_name=first, kind=kind) for i, (first, kind) in seen.peers.items()},
    )


class MinorBirthDateOut(BaseModel):
    beneficiary_id: str
    birth_date: date | None  # none when the counsellor has not recorded it yet


@router.get("/beneficiaries/{beneficiary_id}/birth-date")
async def minor_birth_date(
    beneficiary_id: str, agency_id: str, caller: Placements, beneficiaries: BeneficiaryServiceDep
) -> MinorBirthDateOut:
    """A minor's date of birth (a PMSMP needs 16 on its first day); 404 for anyone else: profiles keeps it
    for minors only."""
    found = await beneficiaries.minor(beneficiary_id, agency_id)
    if found is None:
        raise NotFound("Ce bénéficiaire n'est pas un mineur connu.", code="minor_not_found")
    return MinorBirthDateOut(beneficiary_id=beneficiary_id, birth_date=found.identity.birth_date)
