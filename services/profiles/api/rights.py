"""Routes for personal data rights: export everything held about a person, erase it (here, and everywhere
through the erasure event), and run the consent expiry job now (operator)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.kit.auth import operator_moment, require_operator
from services.kit.mongo import Document
from services.profiles.api.testimony_deps import Testimonies
from services.profiles.api.testimony_models import TestimonyOut
from services.profiles.deps import OpenAgencyStaff, RightsServiceDep

router = APIRouter(tags=["personal data"])


def _plain(document: Document) -> Document:
    exported: Document = jsonable_encoder(document)
    return exported


def _attachment(body: Document, name: str) -> JSONResponse:
    return JSONResponse(body, headers={"Content-Disposition": f'attachment; filename="{name}.json"'})


@router.get("/beneficiaries/{beneficiary_id}/export", summary="Everything held about a beneficiary (JSON)")
async def export_beneficiary(beneficiary_id: str, caller: OpenAgencyStaff, rights: RightsServiceDep) -> JSONResponse:
    beneficiary, peer_profiles = await rights.export_beneficiary(beneficiary_id, caller.agency_id)
    body = {
        "beneficiary": _plain(beneficiary),
        "peer_profiles": [_plain(p) for p in peer_profiles],
        "exported_at": datetime.now(UTC).isoformat(),
    }
    return _attachment(body, beneficiary_id)


@router.get("/peers/{peer_id}/export", summary="Everything held about a peer (JSON)")
async def export_peer(
    peer_id: str, caller: OpenAgencyStaff, rights: RightsServiceDep, testimonies: Testimonies
) -> JSONResponse:
    body = {
        "peer": _plain(await rights.export_peer(peer_id, caller.agency_id)),
        "testimonies": [TestimonyOut.of(t).model_dump(mode="json") for t in await testimonies.exported(peer_id)],
        "exported_at": datetime.now(UTC).isoformat(),
    }
    return _attachment(body, peer_id)


@router.delete(
    "/beneficiaries/{beneficiary_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a beneficiary (and the peer profile they became), here and in every service",
)
async def erase_beneficiary(beneficiary_id: str, caller: OpenAgencyStaff, rights: RightsServiceDep) -> None:
    await rights.erase_beneficiary(beneficiary_id, caller.agency_id)


@router.delete(
    "/peers/{peer_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Erase a peer, here and in every service"
)
async def erase_peer(peer_id: str, caller: OpenAgencyStaff, rights: RightsServiceDep) -> None:
    await rights.erase_peer(peer_id, caller.agency_id)


@router.post(
    "/operations/consent-expiry",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Run the consent expiry job now (it also runs hourly); `as_of` moves the clock",
)
async def run_consent_expiry(
    request: Request, rights: RightsServiceDep, as_of: Annotated[datetime | None, Query()] = None
) -> dict[str, Any]:
    return await rights.expire_consents(operator_moment(request, as_of))
