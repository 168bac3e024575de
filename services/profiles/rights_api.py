"""Personal data rights: export everything held about a person, erase it (here, and everywhere through
the erasure event), and the consent expiry job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.contracts.events.profiles import PersonKind, WithdrawalReason
from services.kit.auth import require_operator
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate, OutboxWriter
from services.profiles.adapters.beneficiaries import COLLECTION as BENEFICIARIES
from services.profiles.adapters.beneficiaries import BeneficiaryRepository
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import PeerRepository
from services.profiles.beneficiaries_api import Staff
from services.profiles.domain import beneficiary as beneficiary_rules
from services.profiles.domain import erasure
from services.profiles.domain import peer as peer_rules

router = APIRouter(tags=["personal data"])
PERSON_TOPIC = "profiles.person"


def _plain(document: Document) -> Document:
    exported: Document = jsonable_encoder({k: v for k, v in document.items() if k not in ("outbox", "search", "jobs")})
    return exported


async def _document(request: Request, collection: str, person_id: str, agency_id: str) -> Document:
    document: Document | None = await request.app.state.db[collection].find_one({"_id": person_id})
    if document is None or document["agency_id"] != agency_id or document.get("status") == erasure.ERASED:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"no {'beneficiary' if collection == BENEFICIARIES else 'peer'} {person_id} in your agency",
        )
    return document


@router.get("/beneficiaries/{beneficiary_id}/export", summary="Everything held about a beneficiary (JSON)")
async def export_beneficiary(beneficiary_id: str, caller: Staff, request: Request) -> JSONResponse:
    document = await _document(request, BENEFICIARIES, beneficiary_id, caller.agency_id)
    peers = request.app.state.db[PEERS].find({"former_beneficiary_id": beneficiary_id})
    body = {
        "beneficiary": _plain(document),
        "peer_profiles": [_plain(p) async for p in peers],
        "exported_at": datetime.now(UTC).isoformat(),
    }
    return JSONResponse(body, headers={"Content-Disposition": f'attachment; filename="{beneficiary_id}.json"'})


@router.get("/peers/{peer_id}/export", summary="Everything held about a peer (JSON)")
async def export_peer(peer_id: str, caller: Staff, request: Request) -> JSONResponse:
    document = await _document(request, PEERS, peer_id, caller.agency_id)
    body = {"peer": _plain(document), "exported_at": datetime.now(UTC).isoformat()}
    return JSONResponse(body, headers={"Content-Disposition": f'attachment; filename="{peer_id}.json"'})


async def _erase(outbox: OutboxWriter, request: Request, collection: str, document: Document, kind: PersonKind) -> None:
    version = document["version"]
    event = erasure.erased_event(document["_id"], kind, document["agency_id"], version + 1)
    try:
        await outbox.replace(
            request.app.state.db[collection],
            document["_id"],
            version,
            erasure.tombstone(document["_id"], document["agency_id"], version + 1, datetime.now(UTC)),
            [(event, PERSON_TOPIC)],
        )
    except ConcurrentUpdate as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{error}; try again") from error


@router.delete(
    "/beneficiaries/{beneficiary_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a beneficiary (and the peer profile they became), here and in every service",
)
async def erase_beneficiary(beneficiary_id: str, caller: Staff, request: Request) -> None:
    document = await _document(request, BENEFICIARIES, beneficiary_id, caller.agency_id)
    outbox: OutboxWriter = request.app.state.outbox
    async for peer in request.app.state.db[PEERS].find({"former_beneficiary_id": beneficiary_id}):
        if peer.get("status") != erasure.ERASED:
            await _erase(outbox, request, PEERS, peer, PersonKind.PEER)
    await _erase(outbox, request, BENEFICIARIES, document, PersonKind.BENEFICIARY)


@router.delete(
    "/peers/{peer_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Erase a peer, here and in every service"
)
async def erase_peer(peer_id: str, caller: Staff, request: Request) -> None:
    document = await _document(request, PEERS, peer_id, caller.agency_id)
    await _erase(request.app.state.outbox, request, PEERS, document, PersonKind.PEER)


async def expire_consents(peers: PeerRepository, beneficiaries: BeneficiaryRepository, now: datetime) -> dict[str, int]:
    """Peers whose consent ran out are withdrawn; beneficiaries leave matching. Idempotent."""
    withdrawn = left_matching = 0
    for peer in await peers.consents_expired(now):
        gone, events = peer_rules.withdraw(peer, WithdrawalReason.CONSENT_EXPIRED)
        await peers.save(gone, events)
        withdrawn += 1
    for beneficiary in await beneficiaries.matching_consents_expired(now):
        unmatched, changes = beneficiary_rules.withdraw_matching_consent(beneficiary)
        await beneficiaries.save(unmatched, changes)
        left_matching += 1
    return {"peers_withdrawn": withdrawn, "beneficiaries_left_matching": left_matching}


@router.post(
    "/operations/consent-expiry",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Run the consent expiry job now (it also runs hourly); `as_of` moves the clock",
)
async def run_consent_expiry(request: Request, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, Any]:
    now = as_of or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return await expire_consents(request.app.state.peers, request.app.state.beneficiaries, now)
