"""Matching's own copies of peers and beneficiaries, holding only what scoring needs, kept from profiles'
events (idempotent and order-safe: a version is applied only over an older one, in one conditional write,
so that two instances applying events of one person at once, as during a rebalance, cannot go backwards);
an erasure leaves a tombstone that no late event can bring back."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import (
    BeneficiaryClosedV1,
    BeneficiaryProjectV1,
    PeerCardV1,
    PeerPausedV1,
    PeerWithdrawnV1,
    PersonErasedV1,
    PersonKind,
)
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer
from services.matching.adapters.indexes import DISMISSALS
from services.matching.domain.model import BeneficiaryView, PeerView, Step

PEERS = "peer_cards"
BENEFICIARIES = "beneficiary_projects"
FOREVER = 2**31 - 1  # an erased person's version: later events are all older


class Projections:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.peers = database[PEERS]
        self.beneficiaries = database[BENEFICIARIES]
        self.dismissals = database[DISMISSALS]

    def subscribe(self, router: EventRouter) -> Projections:
        (
            router.on("profiles.peer.published", self.on_peer_card)
            .on("profiles.peer.updated", self.on_peer_card)
            .on("profiles.peer.paused", self.on_peer_paused)
            .on("profiles.peer.withdrawn", self.on_peer_withdrawn)
            .on("profiles.beneficiary.registered", self.on_project)
            .on("profiles.beneficiary.project_changed", self.on_project)
            .on("profiles.beneficiary.closed", self.on_beneficiary_closed)
            .on("profiles.person.erased", self.on_erased)
        )
        return self

    async def on_peer_card(self, envelope: Envelope, payload: PeerCardV1) -> None:
        fields = payload.model_dump(mode="json")
        await apply_if_newer(self.peers, payload.peer_id, envelope.aggregate_version, {**fields, "active": True})

    async def on_peer_paused(self, envelope: Envelope, payload: PeerPausedV1) -> None:
        await apply_if_newer(self.peers, payload.peer_id, envelope.aggregate_version, {"paused": payload.paused})

    async def on_peer_withdrawn(self, envelope: Envelope, payload: PeerWithdrawnV1) -> None:
        await apply_if_newer(self.peers, payload.peer_id, envelope.aggregate_version, {"active": False})

    async def on_project(self, envelope: Envelope, payload: BeneficiaryProjectV1) -> None:
        fields = payload.model_dump(mode="json")
        await apply_if_newer(
            self.beneficiaries, payload.beneficiary_id, envelope.aggregate_version, {**fields, "active": True}
        )

    async def on_beneficiary_closed(self, envelope: Envelope, payload: BeneficiaryClosedV1) -> None:
        await apply_if_newer(self.beneficiaries, payload.beneficiary_id, envelope.aggregate_version, {"active": False})

    async def on_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        collection = self.peers if payload.person_kind == PersonKind.PEER else self.beneficiaries
        await collection.replace_one(
            {"_id": payload.person_id},
            {
                "_id": payload.person_id,
                "agency_id": payload.agency_id,
                "erased": True,
                "active": False,
                "version": FOREVER,
            },
            upsert=True,
        )

    async def beneficiary(self, beneficiary_id: str) -> Document | None:
        document = await self.beneficiaries.find_one({"_id": beneficiary_id})
        return document if document and not document.get("erased") else None

    async def dismissed_for(self, beneficiary_id: str) -> list[str]:
        """The peers dismissed for a beneficiary (by their index: a few)."""
        found = self.dismissals.find({"beneficiary_id": beneficiary_id}, {"peer_id": 1})
        return [str(d["peer_id"]) async for d in found]

    async def dismiss(self, beneficiary_id: str, peer_id: str, staff_id: str) -> None:
        """The counsellor's decision: this pair is never suggested again. One document per pair (by _id)."""
        await self.dismissals.replace_one(
            {"_id": f"{beneficiary_id}/{peer_id}"},
            {
                "_id": f"{beneficiary_id}/{peer_id}",
                "beneficiary_id": beneficiary_id,
                "peer_id": peer_id,
                "by": staff_id,
            },
            upsert=True,
        )


def peer_view(d: Document) -> PeerView:
    return PeerView(
        d["_id"],
        d["agency_id"],
        d["region_code"],
        d["kind"],
        d["visibility"],
        d["vetted"],
        frozenset(d["meeting_modes"]) | ({"company_visit"} if d.get("company_visits") else set()),
        d["capacity_per_month"],
        d.get("paused", False),
        frozenset(d["languages"]),
        d.get("latitude"),
        d.get("longitude"),
        tuple(
            Step(s["kind"], s.get("rome_code"), s["start_month"], s.get("end_month"), s["transition"])
            for s in d["path"]
        ),
    )


def beneficiary_view(d: Document, region_code: str) -> BeneficiaryView:
    return BeneficiaryView(
        d["_id"],
        d["agency_id"],
        region_code,
        d["minor"],
        d["latitude"],
        d["longitude"],
        d["mobility_km"],
        d["situation"],
        d["education_level"],
        tuple(d["target_jobs"]),
        tuple(d["sectors"]),
        frozenset(d["meeting_modes"]),
        frozenset(d["languages"]),
        d["matching_consent"] and d.get("active", True),
    )
