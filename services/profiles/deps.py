"""Request -> component getters for profiles' routes, as `Annotated` aliases, and profiles' own callers:
an operator or staff member (`CurrentOperatorOrStaff`), agency staff whose account is still open
(`OpenAgencyStaff`), the peer holding their link (`OwnPeer`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.contracts.links import PEER_PROFILE
from services.kit.auth import is_operator_token
from services.kit.domain import Forbidden, Gone
from services.kit.identity import (
    AGENCY_ROLES,
    CLOSED_ACCOUNT,
    NO_TOKEN,
    Caller,
    CurrentCaller,
    Role,
    caller_of_token,
    unauthorized,
)
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.domain.peer import Peer
from services.profiles.use_cases.agencies import AgencyService
from services.profiles.use_cases.beneficiaries import BeneficiaryService
from services.profiles.use_cases.names import NameService
from services.profiles.use_cases.peers import PeerService
from services.profiles.use_cases.rights import RightsService
from services.profiles.use_cases.staff import StaffService


def agency_service(request: Request) -> AgencyService:
    service: AgencyService = request.app.state.agencies
    return service


def staff_service(request: Request) -> StaffService:
    service: StaffService = request.app.state.staff
    return service


def beneficiary_service(request: Request) -> BeneficiaryService:
    service: BeneficiaryService = request.app.state.beneficiaries
    return service


def peer_service(request: Request) -> PeerService:
    service: PeerService = request.app.state.peers
    return service


def name_service(request: Request) -> NameService:
    service: NameService = request.app.state.names
    return service


def rights_service(request: Request) -> RightsService:
    service: RightsService = request.app.state.rights
    return service


def token_issuer(request: Request) -> TokenIssuer:
    issuer: TokenIssuer = request.app.state.token_issuer
    return issuer


AgencyServiceDep = Annotated[AgencyService, Depends(agency_service)]
StaffServiceDep = Annotated[StaffService, Depends(staff_service)]
BeneficiaryServiceDep = Annotated[BeneficiaryService, Depends(beneficiary_service)]
PeerServiceDep = Annotated[PeerService, Depends(peer_service)]
RightsServiceDep = Annotated[RightsService, Depends(rights_service)]
NameServiceDep = Annotated[NameService, Depends(name_service)]
TokenIssuerDep = Annotated[TokenIssuer, Depends(token_issuer)]

_bearer = HTTPBearer(auto_error=False, description="a staff token (POST /auth/login) or the operator token")


async def operator_or_staff(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> OperatorOrStaff:
    if credentials is None:
        raise unauthorized(NO_TOKEN, "token_required")
    if is_operator_token(request, credentials.credentials):
        return OperatorOrStaff(operator=True)
    return OperatorOrStaff(operator=False, caller=await caller_of_token(request, credentials.credentials))


CurrentOperatorOrStaff = Annotated[OperatorOrStaff, Depends(operator_or_staff)]


async def open_agency_staff(caller: CurrentCaller, staff: StaffServiceDep) -> Caller:
    """A counsellor, validator or agency admin whose account is still open: a deactivated account's token
    stops working here at once, not when it expires."""
    if caller.has(*AGENCY_ROLES):
        if await staff.is_closed(caller.staff_id):
            raise unauthorized(CLOSED_ACCOUNT, "account_closed")
        return caller
    if caller.has(Role.REGIONAL_COORDINATOR):
        raise Forbidden(
            "Un coordinateur régional voit les chiffres de la région (tableau de bord), pas les dossiers des agences.",
            code="agency_staff_only",
        )
    raise Forbidden(
        "Cette action est réservée au personnel d'une agence (conseiller, valideur ou administrateur).",
        code="agency_staff_only",
    )


OpenAgencyStaff = Annotated[Caller, Depends(open_agency_staff)]


async def own_peer(token: str, request: Request, peers: PeerServiceDep) -> Peer:
    """The peer a link was signed for (`services.contracts.links.PEER_PROFILE`): the link is the
    credential. Refusals are in French, for the person holding the phone."""
    peer_id = PEER_PROFILE.opened(request.app.state.link_key, token)
    found = await peers.linked(peer_id)
    if found is None:
        raise Gone("Vous n'êtes plus inscrit comme pair sur Parcours.", code="peer_gone")
    return found


OwnPeer = Annotated[Peer, Depends(own_peer)]
