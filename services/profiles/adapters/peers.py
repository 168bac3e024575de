"""Peers in the profiles database, written with their events (outbox): the repository, the queries of the
list, consent expiry, former beneficiaries and exports."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import MeetingMode, PeerKind, StepKind, Transition, TransitionReason, Visibility
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.kit.pagination import newest_first
from services.profiles.adapters.erasure import bury, exported
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.peer import CharterAcceptance, Offer, Peer, PeerIdentity, Status, Step
from services.reference.text import fold

COLLECTION = "peers"


def to_document(p: Peer) -> Document:
    return {
        "_id": p.peer_id,
        "agency_id": p.agency_id,
        "region_code": p.region_code,
        "kind": p.kind.value,
        "identity": vars(p.identity),
        "search": fold(f"{p.identity.first_name} {p.identity.last_name}"),
        "visibility": p.visibility.value,
        "offer": {
            "meeting_modes": [m.value for m in p.offer.meeting_modes],
            "company_visits": p.offer.company_visits,
            "capacity_per_month": p.offer.capacity_per_month,
            "languages": list(p.offer.languages),
        },
        "path": [
            {
                **vars(s),
                "kind": s.kind.value,
                "transition": s.transition.value,
                "transition_reason": s.transition_reason.value if s.transition_reason else None,
            }
            for s in p.path
        ],
        "jobs": sorted({s.rome_code for s in p.path if s.rome_code}),
        "testimony": p.testimony,
        "video_url": p.video_url,
        "vetted": p.vetted,
        "paused": p.paused,
        "status": p.status.value,
        "consent_expires_at": p.consent_expires_at,
        "former_beneficiary_id": p.former_beneficiary_id,
        "charter": None if p.charter is None else {"version": p.charter.version, "accepted_at": p.charter.accepted_at},
        "version": p.version,
    }


def from_document(d: Document) -> Peer:
    offer = d["offer"]
    expires = d.get("consent_expires_at")
    accepted = d.get("charter")
    return Peer(
        d["_id"],
        d["agency_id"],
        d["region_code"],
        PeerKind(d["kind"]),
        PeerIdentity(**d["identity"]),
        Visibility(d["visibility"]),
        Offer(
            tuple(MeetingMode(m) for m in offer["meeting_modes"]),
            offer["company_visits"],
            offer["capacity_per_month"],
            tuple(offer["languages"]),
        ),
        tuple(_step(s) for s in d["path"]),
        d["testimony"],
        d["video_url"],
        d["vetted"],
        d["paused"],
        Status(d["status"]),
        (expires if expires is None or expires.tzinfo else expires.replace(tzinfo=UTC)),
        d.get("former_beneficiary_id"),
        d["version"],
        charter=None if not accepted else CharterAcceptance(accepted["version"], _utc(accepted["accepted_at"])),
    )


def _utc(moment: datetime) -> datetime:
    """Dates read back from the database may come without their zone: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Peers:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, peer: Peer, events: list[Envelope], *, import_key: str | None = None) -> None:
        """Raises DuplicateKeyError when the peer exists: the same former beneficiary, or the same
        spreadsheet row (`import_key`) imported before."""
        document = to_document(peer)
        if import_key:
            document["import_key"] = import_key
        await self.outbox.insert(self.collection, document, on_their_topics(events))

    async def save(self, peer: Peer, events: list[Envelope]) -> None:
        """The new state and its events in one write, if the peer is still at the version before;
        ConcurrentUpdate if not. An erased peer becomes a tombstone."""
        if peer.status is Status.ERASED:
            await bury(self.outbox, self.collection, peer.peer_id, peer.agency_id, peer.version, peer.erased_at, events)
            return
        changes = {k: v for k, v in to_document(peer).items() if k not in ("_id", "version")}
        await self.outbox.update(self.collection, peer.peer_id, peer.version - 1, changes, on_their_topics(events))

    async def get(self, peer_id: str) -> Peer | None:
        document = await self.collection.find_one({"_id": peer_id})
        return from_document(document) if document and document.get("status") != Status.ERASED else None

    async def among(self, peer_ids: list[str]) -> list[Peer]:
        """Those of the ids who are not erased, in one read."""
        cursor = self.collection.find({"_id": {"$in": peer_ids}, "status": {"$ne": Status.ERASED.value}}, {"outbox": 0})
        return [from_document(d) async for d in cursor]

    async def export(self, peer_id: str, agency_id: str) -> Document | None:
        """Everything stored about a peer of the agency (None when erased, unknown or another agency's)."""
        document = await self.collection.find_one({"_id": peer_id})
        if document is None or document["agency_id"] != agency_id or document.get("status") == Status.ERASED:
            return None
        return exported(document)

    async def exports_of_former_beneficiary(self, beneficiary_id: str) -> list[Document]:
        """Everything stored about the peer profiles a beneficiary became."""
        return [exported(d) async for d in self.collection.find({"former_beneficiary_id": beneficiary_id})]

    async def of_former_beneficiary(self, beneficiary_id: str) -> list[Peer]:
        """The peer profiles (not erased) a beneficiary became."""
        cursor = self.collection.find({"former_beneficiary_id": beneficiary_id}, {"outbox": 0})
        return [from_document(d) async for d in cursor if d.get("status") != Status.ERASED]

    async def visible(
        self,
        agency_id: str,
        region_code: str,
        *,
        text: str = "",
        job: str = "",
        include_withdrawn: bool = False,
        after: str | None = None,
        limit: int = 50,
    ) -> list[Peer]:
        """Peers of the agency, and region-wide published peers of other agencies of the region: newest
        first, `limit` of them after the cursor `after`. Every word of `text` is found in the folded name and
        `job` starts one of the lived path's job codes, checked by the database as it walks the `_id` index."""
        query: Document = {
            "$or": [
                {"agency_id": agency_id},
                {"visibility": "region", "region_code": region_code, "status": "published"},
            ],
            "status": {"$ne": "erased"} if include_withdrawn else "published",
        }
        conditions: list[Document] = [{"search": {"$regex": re.escape(word)}} for word in fold(text).split()]
        if job.strip():
            conditions.append({"jobs": {"$regex": "^" + re.escape(job.strip().upper())}})
        if conditions:
            query["$and"] = conditions
        cursor = self.collection.find(newest_first(query, after), {"outbox": 0}).sort("_id", -1).limit(limit)
        return [from_document(d) async for d in cursor]

    async def former_beneficiary_of(self, beneficiary_id: str) -> str | None:
        """The id of the peer a former beneficiary became, if they did."""
        found = await self.collection.find_one({"former_beneficiary_id": beneficiary_id}, {"_id": 1})
        return str(found["_id"]) if found else None

    async def consents_expired(self, now: datetime) -> list[Peer]:
        cursor = self.collection.find({"status": "published", "consent_expires_at": {"$lt": now}}, {"outbox": 0})
        return [from_document(d) async for d in cursor]


def _step(d: Document) -> Step:
    reason = d.get("transition_reason")
    return Step(
        **{
            **d,
            "kind": StepKind(d["kind"]),
            "transition": Transition(d["transition"]),
            "transition_reason": TransitionReason(reason) if reason else None,
        }
    )
