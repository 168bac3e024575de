"""Gatherings in matching's database: one document per gathering, its invitations, registrations and
witnesses inside it, written with its events (outbox) by a compare-and-set on its version, so that two
counsellors registering for the last place cannot both have it. The reads the use cases need: the
gatherings an agency sees, a person's (erasure, the beneficiary's page), the ones to remind; and, from the
beneficiaries' projection, those of an agency whose target jobs meet a gathering's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.gatherings import GatheringKind, Visibility
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.matching.adapters.indexes import GATHERINGS
from services.matching.adapters.projections import BENEFICIARIES
from services.matching.domain.actor import Actor
from services.matching.domain.gathering import (
    TOPIC,
    Candidate,
    Details,
    Gathering,
    Invitation,
    Registration,
    Status,
    Witness,
)
from services.matching.domain.introduction_rules import aware

WITHOUT_OUTBOX = {"outbox": 0}
LISTED = 200  # an agency's gatherings of a period, candidates for one: a screenful each


def to_document(g: Gathering) -> Document:
    d = g.details
    return {
        "_id": g.id,
        "agency_id": g.agency_id,
        "region_code": g.region_code,
        "organiser_id": g.organiser_id,
        "kind": d.kind.value,
        "title": d.title,
        "description": d.description,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "place_id": d.place_id,
        "address": d.address,
        "jobs": list(d.jobs),
        "capacity": d.capacity,
        "visibility": d.visibility.value,
        "status": g.status.value,
        "published_at": g.published_at,
        "sequence": g.sequence,
        "reminded": g.reminded,
        "remind_at": g.remind_at,
        "invitations": [
            {
                "beneficiary_id": i.beneficiary_id,
                "agency_id": i.agency_id,
                "counsellor_id": i.counsellor_id,
                "invited_at": i.invited_at,
            }
            for i in g.invitations
        ],
        "registrations": [
            {
                "id": r.id,
                "beneficiary_id": r.beneficiary_id,
                "agency_id": r.agency_id,
                "counsellor_id": r.counsellor_id,
                "registered_at": r.registered_at,
                "present": r.present,
            }
            for r in g.registrations
        ],
        "witnesses": [
            {
                "peer_id": w.peer_id,
                "agency_id": w.agency_id,
                "job": w.job,
                "by": w.by.value,
                "volunteered_at": w.volunteered_at,
            }
            for w in g.witnesses
        ],
        "person_ids": g.person_ids,
    }


def from_document(d: Document) -> Gathering:
    details = Details(
        GatheringKind(d["kind"]),
        d["title"],
        d["description"],
        aware(d["starts_at"]),
        aware(d["ends_at"]),
        d["place_id"],
        d["address"],
        tuple(d["jobs"]),
        d["capacity"],
        Visibility(d["visibility"]),
    )
    return Gathering(
        id=d["_id"],
        agency_id=d["agency_id"],
        region_code=d["region_code"],
        organiser_id=d["organiser_id"],
        details=details,
        status=Status(d["status"]),
        version=d["version"],
        published_at=aware(d["published_at"]),
        sequence=d["sequence"],
        reminded=d["reminded"],
        invitations=tuple(
            Invitation(i["beneficiary_id"], i["agency_id"], i["counsellor_id"], aware(i["invited_at"]))
            for i in d["invitations"]
        ),
        registrations=tuple(
            Registration(
                r["id"],
                r["beneficiary_id"],
                r["agency_id"],
                r["counsellor_id"],
                aware(r["registered_at"]),
                r["present"],
            )
            for r in d["registrations"]
        ),
        witnesses=tuple(
            Witness(w["peer_id"], w["agency_id"], w["job"], Actor(w["by"]), aware(w["volunteered_at"]))
            for w in d["witnesses"]
        ),
    )


class Gatherings:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[GATHERINGS]
        self.beneficiaries = database[BENEFICIARIES]
        self.outbox = outbox

    async def get(self, gathering_id: str) -> Gathering | None:
        document = await self.collection.find_one({"_id": gathering_id}, WITHOUT_OUTBOX)
        return None if document is None else from_document(document)

    async def add(self, gathering: Gathering, events: Sequence[Envelope]) -> None:
        await self.outbox.insert(self.collection, to_document(gathering), [(e, TOPIC) for e in events])

    async def save(self, before: Gathering, after: Gathering, events: Sequence[Envelope]) -> None:
        """The fields that changed and the events, if it is still at the version `before` was read at
        (ConcurrentUpdate otherwise: the caller reads it again and decides again)."""
        old, new = to_document(before), to_document(after)
        changes = {k: v for k, v in new.items() if old.get(k) != v}
        await self.outbox.update(self.collection, after.id, before.version, changes, [(e, TOPIC) for e in events])

    async def seen_by(self, agency_id: str, region_code: str, since: datetime) -> list[Gathering]:
        """The agency's own and its region's region-wide gatherings ending after `since`, soonest first
        (each branch read by its index: `agency_starts`, `region_starts`)."""
        query: dict[str, Any] = {
            "$or": [
                {"agency_id": agency_id, "ends_at": {"$gte": since}},
                {"region_code": region_code, "visibility": Visibility.REGION.value, "ends_at": {"$gte": since}},
            ]
        }
        found = self.collection.find(query, WITHOUT_OUTBOX).sort("starts_at", 1).limit(LISTED)
        return [from_document(d) async for d in found]

    async def of_person(self, person_id: str) -> list[Gathering]:
        """Every gathering that holds something of this person (by the `person` index)."""
        return [from_document(d) async for d in self.collection.find({"person_ids": person_id}, WITHOUT_OUTBOX)]

    async def due_for_reminder(self, now: datetime) -> list[Gathering]:
        found = self.collection.find({"status": Status.PUBLISHED.value, "remind_at": {"$lte": now}}, WITHOUT_OUTBOX)
        return [from_document(d) async for d in found]

    async def candidates(self, agency_id: str, jobs: Sequence[str]) -> list[Candidate]:
        """The agency's active beneficiaries whose target jobs meet these jobs, from matching's projection,
        read by its `agency_jobs` index (never the whole collection)."""
        query = {"agency_id": agency_id, "target_jobs": {"$in": list(jobs)}, "active": True}
        fields = {"agency_id": 1, "counsellor_id": 1, "target_jobs": 1}
        found = self.beneficiaries.find(query, fields).limit(LISTED)
        return [Candidate(d["_id"], d["agency_id"], d["counsellor_id"], tuple(d["target_jobs"])) async for d in found]

    async def candidate(self, beneficiary_id: str) -> Candidate | None:
        d = await self.beneficiaries.find_one({"_id": beneficiary_id, "active": True})
        if d is None:
            return None
        return Candidate(d["_id"], d["agency_id"], d["counsellor_id"], tuple(d["target_jobs"]))
