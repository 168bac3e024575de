"""Beneficiaries in the profiles database, written with their events (outbox): the repository, the queries
of the lists, counts, consent expiry and exports."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import (
    EducationLevel,
    MeetingMode,
    Situation,
    StepKind,
    Transition,
    TransitionReason,
)
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.kit.pagination import newest_first
from services.profiles.adapters.erasure import bury, exported
from services.profiles.adapters.events import on_their_topics
from services.profiles.domain.beneficiary import (
    Beneficiary,
    Consent,
    CurrentTransition,
    Guardian,
    Identity,
    LivedStep,
    PreviousStep,
    Project,
    Status,
)
from services.reference.text import fold

COLLECTION = "beneficiaries"


def to_document(b: Beneficiary) -> Document:
    i, p = b.identity, b.project
    return {
        "_id": b.beneficiary_id,
        "agency_id": b.agency_id,
        "counsellor_id": b.counsellor_id,
        "first_name": i.first_name,
        "last_name": i.last_name,
        "search": fold(f"{i.first_name} {i.last_name}"),
        "birth_year": i.birth_year,
        "email": i.email,
        "phone": i.phone,
        "guardian": vars(i.guardian) if i.guardian else None,
        "accessibility_needs": i.accessibility_needs,
        "birth_date": i.birth_date.isoformat() if i.birth_date else None,
        "place_id": p.place_id,
        "mobility_km": p.mobility_km,
        "situation": p.situation.value,
        "education_level": p.education_level.value,
        "target_jobs": list(p.target_jobs),
        "sectors": list(p.sectors),
        "meeting_modes": [m.value for m in p.meeting_modes],
        "languages": list(p.languages),
        "previous_steps": [{**vars(s), "kind": s.kind.value} for s in p.previous_steps],
        "transition": (
            {"kind": p.transition.kind.value, "reason": p.transition.reason.value if p.transition.reason else None}
            if p.transition
            else None
        ),
        "consent": {"matching": b.consent.matching, "given_at": b.consent.given_at, "expires_at": b.consent.expires_at},
        "status": b.status.value,
        "outcome": b.outcome,
        "outcome_note": b.outcome_note,
        "version": b.version,
        "created_at": b.created_at,
        "path": [
            {**vars(step), "start_date": step.start_date.isoformat(), "end_date": step.end_date.isoformat()}
            for step in b.path
        ],
    }


def from_document(d: Document) -> Beneficiary:
    guardian = Guardian(**d["guardian"]) if d.get("guardian") else None
    born = date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None
    identity = Identity(
        d["first_name"],
        d["last_name"],
        d["birth_year"],
        d["email"],
        d["phone"],
        guardian,
        d["accessibility_needs"],
        born,
    )
    project = Project(
        d["place_id"],
        d["mobility_km"],
        Situation(d["situation"]),
        EducationLevel(d["education_level"]),
        tuple(d["target_jobs"]),
        tuple(d["sectors"]),
        tuple(MeetingMode(m) for m in d["meeting_modes"]),
        tuple(d["languages"]),
        tuple(PreviousStep(**{**s, "kind": StepKind(s["kind"])}) for s in d.get("previous_steps", [])),
        _transition(d.get("transition")),
    )
    consent = Consent(d["consent"]["matching"], _utc(d["consent"]["given_at"]), _utc(d["consent"]["expires_at"]))
    return Beneficiary(
        d["_id"],
        d["agency_id"],
        d["counsellor_id"],
        identity,
        project,
        consent,
        status=Status(d["status"]),
        outcome=d["outcome"],
        outcome_note=d.get("outcome_note", ""),
        version=d["version"],
        created_at=_utc(d["created_at"]),
        path=tuple(_lived_step(s) for s in d.get("path", [])),
    )


def _lived_step(d: Document) -> LivedStep:
    dates = {"start_date": date.fromisoformat(d["start_date"]), "end_date": date.fromisoformat(d["end_date"])}
    return LivedStep(**{**d, **dates, "kind": StepKind(d["kind"])})


def _transition(d: Document | None) -> CurrentTransition | None:
    if not d:
        return None
    return CurrentTransition(Transition(d["kind"]), TransitionReason(d["reason"]) if d.get("reason") else None)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Beneficiaries:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[COLLECTION]
        self.outbox = outbox

    async def add(self, beneficiary: Beneficiary, events: list[Envelope]) -> None:
        await self.outbox.insert(self.collection, to_document(beneficiary), on_their_topics(events))

    async def save(self, beneficiary: Beneficiary, events: list[Envelope]) -> None:
        """The new state and its events in one write, if the beneficiary is still at the version before;
        ConcurrentUpdate if not. An erased beneficiary becomes a tombstone."""
        if beneficiary.status is Status.ERASED:
            b = beneficiary
            await bury(self.outbox, self.collection, b.beneficiary_id, b.agency_id, b.version, b.erased_at, events)
            return
        changes = {k: v for k, v in to_document(beneficiary).items() if k not in ("_id", "version")}
        await self.outbox.update(
            self.collection, beneficiary.beneficiary_id, beneficiary.version - 1, changes, on_their_topics(events)
        )

    async def get(self, beneficiary_id: str, agency_id: str) -> Beneficiary | None:
        """None as well when it belongs to another agency: callers answer 404 either way."""
        document = await self._of_agency(beneficiary_id, agency_id)
        return from_document(document) if document else None

    async def export(self, beneficiary_id: str, agency_id: str) -> Document | None:
        """Everything stored about the beneficiary (None as `get` says)."""
        document = await self._of_agency(beneficiary_id, agency_id)
        return exported(document) if document else None

    async def names(self, beneficiary_ids: list[str], agency_id: str) -> dict[str, str]:
        """The full names of those of the ids who belong to the agency and are not erased, in one read."""
        query = {"_id": {"$in": beneficiary_ids}, "agency_id": agency_id, "status": {"$ne": Status.ERASED.value}}
        cursor = self.collection.find(query, {"first_name": 1, "last_name": 1})
        return {d["_id"]: f"{d['first_name']} {d['last_name']}" async for d in cursor}

    async def _of_agency(self, beneficiary_id: str, agency_id: str) -> Document | None:
        document = await self.collection.find_one({"_id": beneficiary_id})
        if document is None or document["agency_id"] != agency_id or document.get("status") == Status.ERASED:
            return None
        return document

    async def of_agency(
        self,
        agency_id: str,
        *,
        text: str = "",
        counsellor_id: str | None = None,
        status: str | None = "active",
        after: str | None = None,
        limit: int = 50,
    ) -> list[Beneficiary]:
        """The agency's beneficiaries, newest first, `limit` of them after the cursor `after`; every word of
        `text` is found in the folded name, checked by the database as it walks the `_id` index."""
        query: dict[str, Any] = {"agency_id": agency_id, "status": status or {"$ne": "erased"}}
        if counsellor_id:
            query["counsellor_id"] = counsellor_id
        words = fold(text).split()
        if words:
            query["$and"] = [{"search": {"$regex": re.escape(word)}} for word in words]
        cursor = self.collection.find(newest_first(query, after), {"outbox": 0}).sort("_id", -1).limit(limit)
        return [from_document(d) async for d in cursor]

    async def counts(self, agency_ids: list[str]) -> list[Document]:
        """Per agency of `agency_ids`: active, closed, minors and situations; no names (for coordinators)."""
        totals: dict[str, Document] = {}
        projection = {"agency_id": 1, "status": 1, "birth_year": 1, "situation": 1}
        query = {"agency_id": {"$in": agency_ids}, "status": {"$in": ["active", "closed"]}}
        async for d in self.collection.find(query, projection):
            entry = totals.setdefault(
                d["agency_id"], {"agency_id": d["agency_id"], "active": 0, "closed": 0, "minors": 0, "situations": {}}
            )
            entry["active" if d["status"] == "active" else "closed"] += 1
            if d["status"] == "active":
                entry["minors"] += int(datetime.now(UTC).year - d["birth_year"] < 18)
                entry["situations"][d["situation"]] = entry["situations"].get(d["situation"], 0) + 1
        return sorted(totals.values(), key=lambda e: e["agency_id"])

    async def matching_consents_expired(self, now: datetime) -> list[Beneficiary]:
        query = {"status": "active", "consent.matching": True, "consent.expires_at": {"$lt": now}}
        return [from_document(d) async for d in self.collection.find(query, {"outbox": 0})]
