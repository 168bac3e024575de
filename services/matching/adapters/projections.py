"""Matching's own copies of peers and beneficiaries, holding only what scoring needs, kept from profiles'
events (idempotent and order-safe: a version is applied only over an older one, in one conditional write,
so that two instances applying events of one person at once, as during a rebalance, cannot go backwards);
an erasure leaves a tombstone that no late event can bring back. `handlers` registers the appliers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

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
from services.kit.agency_directory import AgencyDirectory
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer
from services.matching.domain.model import BeneficiaryView, PeerView, Step
from services.reference import charter

PEERS = "peer_cards"
BENEFICIARIES = "beneficiary_projects"
FOREVER = 2**31 - 1  # an erased person's version: later events are all older


class Projections:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.database = database
        self.peers = database[PEERS]
        self.beneficiaries = database[BENEFICIARIES]

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

    async def beneficiaries_of(self, beneficiary_ids: Sequence[str]) -> dict[str, Document]:
        """The named beneficiaries in one read (the erased ones left out)."""
        found = self.beneficiaries.find({"_id": {"$in": list(beneficiary_ids)}})
        return {d["_id"]: d async for d in found if not d.get("erased")}

    async def peer(self, peer_id: str) -> Document | None:
        """A peer's card as matching holds it (a withdrawn or erased one included: `active` says)."""
        return await self.peers.find_one({"_id": peer_id})

    async def active_peers(self) -> AsyncIterator[Document]:
        """The peers matching may suggest: active, and who accepted the charter in force."""
        async for d in self.peers.find({"active": True}):
            if suggestible(d):
                yield d

    async def active_beneficiaries(self) -> AsyncIterator[Document]:
        async for d in self.beneficiaries.find({"active": True}):
            yield d

    async def clear(self) -> None:
        """Forget every copy, the agencies' too (a rebuild replays profiles' topics into them)."""
        for collection in (self.peers, self.beneficiaries, AgencyDirectory(self.database).collection):
            await collection.drop()


def suggestible(d: Document | None) -> bool:
    """An active peer who accepted the peers' charter in force (a new version takes them out until they accept
    it): the only peers matching's memory holds, so the only ones suggested or proposed."""
    return d is not None and bool(d.get("active")) and charter.accepted_current(d.get("charter_version"))


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
            Step(
                s["kind"],
                s.get("rome_code"),
                s["start_month"],
                s.get("end_month"),
                s["transition"],
                s.get("employer_id"),
            )
            for s in d["path"]
        ),
        place_id=d.get("place_id"),
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
        previous_jobs(d.get("previous_steps", [])),
        d.get("transition"),
    )


def previous_jobs(steps: list[Document]) -> tuple[str, ...]:
    """The ROME codes of the jobs the beneficiary held before, most recent first."""
    held = [s for s in steps if s["kind"] == "job" and s.get("rome_code")]
    held.sort(key=lambda s: (s.get("end_month") or "9999-99", s["start_month"]), reverse=True)
    return tuple(dict.fromkeys(s["rome_code"] for s in held))
