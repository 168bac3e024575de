"""Introductions in matching's database: one document per introduction, written with its events (outbox)
by a compare-and-set on its version; the reads the use cases need (by agency a page at a time, by person,
by a peer's month, by due date) and what a peer's record keeps of each (`Facts`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.kit.pagination import newest_page
from services.matching.adapters.indexes import (
    APPOINTMENT_REMIND_AT,
    CAPACITY_SLOT,
    INTRODUCTIONS,
    OPEN_PAIR,
    PENDING_SLOT,
)
from services.matching.domain.introduction import (
    Concern,
    ConcernReason,
    ContactChannel,
    DeclineReason,
    Feedback,
    Introduction,
    Meeting,
    Places,
    Side,
    Status,
    ThreadMessage,
)
from services.matching.domain.introduction_rules import Purpose, aware
from services.matching.domain.meeting import (
    Appointment,
    AppointmentStatus,
    Outcome,
    Slot,
    SlotProposal,
    Venue,
)
from services.matching.domain.peer_record import Facts
from services.matching.domain.preparation import ProjectEffect

TOPIC = "matching.introduction"
WITHOUT_OUTBOX = {"outbox": 0}
FACT_FIELDS = {
    "peer_id": 1,
    "month": 1,
    "holds_slot": 1,
    "proposed_at": 1,
    "sent_at": 1,
    "answered_at": 1,
    "meeting": 1,
    "feedback": 1,
}
_ABSENT = object()


def to_document(i: Introduction) -> Document:
    """The stored shape (the version is the outbox writer's); the fields of a later step only once taken."""
    document: Document = {
        "_id": i.id,
        "beneficiary_id": i.beneficiary_id,
        "agency_id": i.agency_id,
        "counsellor_id": i.counsellor_id,
        "proposed_by": i.proposed_by,
        "peer_id": i.peer_id,
        "peer_agency_id": i.peer_agency_id,
        "purpose": i.purpose.value,
        "target_job": i.target_job,
        "meeting_modes": list(i.meeting_modes),
        "message": i.message,
        "questions": list(i.questions),
        "mentoring_months": i.mentoring_months,
        "counsellor_present": i.counsellor_present,
        "status": i.status.value,
        "month": i.month,
        "holds_slot": i.holds_slot,
        CAPACITY_SLOT: i.places.capacity_slot,
        PENDING_SLOT: i.places.pending_slot,
        OPEN_PAIR: i.places.open_pair,
        "proposed_at": i.proposed_at,
        "expires_at": i.expires_at,
        "remind_at": i.remind_at,
        "reminded": i.reminded,
        "sent_at": i.sent_at,  # null while the beneficiary's agreement is awaited
        "feedback": {side.value: asdict(given) for side, given in i.feedback.items()},
    }
    if i.answered_at is not None:
        document["answered_at"] = i.answered_at
        document["decline_reason"] = i.decline_reason.value if i.decline_reason else None
        # the peer's way to be reached, from the answer on; null once erased (a $set, never a missing key)
        document["contact_channel"] = None if i.contact_channel is None else i.contact_channel.value
    if i.declined_by is not None:
        document["declined_by"] = i.declined_by.value
    if i.answer_message is not None:
        document["answer_message"] = i.answer_message
    if i.cancelled_by is not None:
        document["cancelled_by"] = i.cancelled_by
    if i.meeting is not None:
        m = i.meeting
        document["meeting"] = {"held_on": m.held_on.isoformat(), "mode": m.mode, "summary": m.summary}
    if i.erased_party is not None:
        document["erased_party"] = i.erased_party
    if i.slot_proposals or i.appointments or "erased_party" in document:
        # the meeting's dates, from the first proposal on (emptied, never removed, by an erasure)
        document["slot_proposals"] = [_proposal_document(p) for p in i.slot_proposals]
        document["appointments"] = [_appointment_document(a) for a in i.appointments]
        standing = i.appointment
        document[APPOINTMENT_REMIND_AT] = None if standing is None else standing.remind_at
    if i.thread or "erased_party" in document:
        # the thread between the counsellor and the peer, from its first message (emptied by an erasure)
        document["thread"] = [{"number": m.number, "by": m.by, "text": m.text, "sent_at": m.sent_at} for m in i.thread]
    if i.concerns:
        document["concerns"] = [
            {
                "number": c.number,
                "by": c.by,
                "reason": c.reason.value,
                "text": c.text,
                "reported_at": c.reported_at,
                "reviewed_at": c.reviewed_at,
                "reviewed_by": c.reviewed_by,
                "resume_peer": c.resume_peer,
            }
            for c in i.concerns
        ]
    return document


def _concern(d: Document) -> Concern:
    reviewed = d.get("reviewed_at")
    return Concern(
        number=d["number"],
        by=d["by"],
        reason=ConcernReason(d["reason"]),
        text=d.get("text", ""),
        reported_at=aware(d["reported_at"]),
        reviewed_at=None if reviewed is None else aware(reviewed),
        reviewed_by=d.get("reviewed_by"),
        resume_peer=d.get("resume_peer"),
    )


def _slot_document(slot: Slot) -> Document:
    return {
        "starts_at": slot.starts_at,
        "minutes": slot.minutes,
        "venue": slot.venue.value,
        "place": slot.place,
        "at_agency": slot.at_agency,
    }


def _slot(d: Document) -> Slot:
    return Slot(aware(d["starts_at"]), d["minutes"], Venue(d["venue"]), d["place"], bool(d.get("at_agency")))


def _proposal_document(p: SlotProposal) -> Document:
    return {
        "number": p.number,
        "by": p.by,
        "slots": [_slot_document(s) for s in p.slots],
        "proposed_at": p.proposed_at,
        "outcome": p.outcome.value,
        "picked": p.picked,
    }


def _proposal(d: Document) -> SlotProposal:
    slots = tuple(_slot(s) for s in d["slots"])
    return SlotProposal(d["number"], d["by"], slots, aware(d["proposed_at"]), Outcome(d["outcome"]), d.get("picked"))


def _appointment_document(a: Appointment) -> Document:
    return {
        "sequence": a.sequence,
        "slot": _slot_document(a.slot),
        "proposal": a.proposal,
        "by": a.by,
        "scheduled_at": a.scheduled_at,
        "status": a.status.value,
        "reminded": a.reminded,
        "cancelled_by": a.cancelled_by,
    }


def _appointment(d: Document) -> Appointment:
    return Appointment(
        sequence=d["sequence"],
        slot=_slot(d["slot"]),
        proposal=d["proposal"],
        by=d["by"],
        scheduled_at=aware(d["scheduled_at"]),
        status=AppointmentStatus(d["status"]),
        reminded=bool(d.get("reminded")),
        cancelled_by=d.get("cancelled_by"),
    )


def feedback_of(given: Document) -> Feedback:
    effect = given.get("project_effect")
    return Feedback(**{**given, "project_effect": ProjectEffect(effect) if effect else None})


def from_document(d: Document) -> Introduction:
    meeting = d.get("meeting")
    answered_at = d.get("answered_at")
    reason = d.get("decline_reason")
    return Introduction(
        id=d["_id"],
        beneficiary_id=d["beneficiary_id"],
        agency_id=d["agency_id"],
        counsellor_id=d["counsellor_id"],
        proposed_by=d.get("proposed_by", ""),
        peer_id=d["peer_id"],
        peer_agency_id=d.get("peer_agency_id", ""),
        purpose=Purpose(d["purpose"]),
        target_job=d["target_job"],
        meeting_modes=tuple(d["meeting_modes"]),
        message=d.get("message", ""),
        questions=tuple(d.get("questions", ())),
        mentoring_months=d.get("mentoring_months"),
        counsellor_present=d["counsellor_present"],
        status=Status(d["status"]),
        month=d["month"],
        holds_slot=bool(d.get("holds_slot")),
        places=Places(d.get(CAPACITY_SLOT), d.get(PENDING_SLOT), d.get(OPEN_PAIR)),
        proposed_at=aware(d["proposed_at"]),
        expires_at=aware(d["expires_at"]),
        remind_at=aware(d["remind_at"]),
        reminded=bool(d.get("reminded")),
        # introductions from before the beneficiary's agreement went to the peer when proposed
        sent_at=aware(d["sent_at"]) if d.get("sent_at") else None if "sent_at" in d else aware(d["proposed_at"]),
        declined_by=Side(d["declined_by"]) if d.get("declined_by") else None,
        feedback={Side(side): feedback_of(given) for side, given in d.get("feedback", {}).items()},
        answered_at=None if answered_at is None else aware(answered_at),
        decline_reason=None if reason is None else DeclineReason(reason),
        answer_message=d.get("answer_message"),
        cancelled_by=d.get("cancelled_by"),
        meeting=None
        if meeting is None
        else Meeting(date.fromisoformat(meeting["held_on"]), meeting.get("mode"), meeting.get("summary", "")),
        erased_party=d.get("erased_party"),
        contact_channel=None if d.get("contact_channel") is None else ContactChannel(d["contact_channel"]),
        slot_proposals=tuple(_proposal(p) for p in d.get("slot_proposals", ())),
        appointments=tuple(_appointment(a) for a in d.get("appointments", ())),
        concerns=tuple(_concern(c) for c in d.get("concerns", ())),
        thread=tuple(ThreadMessage(m["number"], m["by"], m["text"], aware(m["sent_at"])) for m in d.get("thread", ())),
        version=d["version"],
    )


def facts_of(d: Document) -> Facts:
    """What a peer's record keeps of an introduction document (read with FACT_FIELDS)."""
    answered, sent = d.get("answered_at"), d.get("sent_at") or d["proposed_at"]
    hours = None if answered is None else (aware(answered) - aware(sent)).total_seconds() / 3600
    beneficiary_side = d.get("feedback", {}).get("beneficiary", {})
    rating, no_show = beneficiary_side.get("usefulness"), bool(beneficiary_side.get("no_show"))
    asked = "sent_at" not in d or d["sent_at"] is not None  # the request reached the peer
    return Facts(d["month"], bool(d.get("holds_slot")), hours, "meeting" in d, rating, no_show, asked)


class Introductions:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[INTRODUCTIONS]
        self.outbox = outbox

    async def get(self, introduction_id: str) -> Introduction | None:
        document = await self.collection.find_one({"_id": introduction_id}, WITHOUT_OUTBOX)
        return None if document is None else from_document(document)

    async def add(self, introduction: Introduction, events: Sequence[Envelope]) -> None:
        """A new introduction with its first events; TakenByAnother when a place it takes is taken."""
        await self.outbox.insert(self.collection, to_document(introduction), [(e, TOPIC) for e in events])

    async def save(self, before: Introduction, after: Introduction, events: Sequence[Envelope]) -> None:
        """The fields that changed and the events, if it is still at the version `before` was read at
        (ConcurrentUpdate otherwise)."""
        old, new = to_document(before), to_document(after)
        changes = {k: v for k, v in new.items() if old.get(k, _ABSENT) != v}
        version = await self.outbox.update(
            self.collection, after.id, before.version, changes, [(e, TOPIC) for e in events]
        )
        assert version == after.version, (version, after.version)

    async def page(
        self, agency_id: str, status: Status | None, beneficiary_id: str | None, after: str | None, limit: int
    ) -> list[Introduction]:
        """Newest first, `limit` of them after the cursor `after`: the agency's by walking the `_id` index, a
        beneficiary's (a few) by their own index."""
        query: dict[str, Any] = {"agency_id": agency_id}
        if status is not None:
            query["status"] = status.value
        if beneficiary_id is not None:
            query["beneficiary_id"] = beneficiary_id
        found = await newest_page(self.collection, query, after, limit, WITHOUT_OUTBOX, few=beneficiary_id is not None)
        return [from_document(d) for d in found]

    async def of_beneficiary(self, beneficiary_id: str) -> list[Introduction]:
        return await self._found({"beneficiary_id": beneficiary_id})

    async def of_peer(self, peer_id: str) -> list[Introduction]:
        return await self._found({"peer_id": peer_id})

    async def holding_slots(self, peer_id: str, month: str) -> list[Introduction]:
        """The peer's introductions of the month that hold one of their slots (capacity: a handful)."""
        return await self._found({"peer_id": peer_id, "month": month, "holds_slot": True})

    async def due_to_expire(self, now: datetime) -> list[Introduction]:
        waiting = [Status.AWAITING_BENEFICIARY.value, Status.PROPOSED.value]
        return await self._found({"status": {"$in": waiting}, "expires_at": {"$lte": now}})

    async def due_for_reminder(self, now: datetime) -> list[Introduction]:
        return await self._found({"status": Status.PROPOSED.value, "reminded": False, "remind_at": {"$lte": now}})

    async def due_for_appointment_reminder(self, now: datetime) -> list[Introduction]:
        """Accepted introductions whose meeting is tomorrow and not reminded yet (by their due-date index)."""
        return await self._found({"status": Status.ACCEPTED.value, APPOINTMENT_REMIND_AT: {"$lte": now}})

    async def booked(self, peer_ids: list[str], month: str) -> Counter[str]:
        """How many introductions of the month hold a slot of each of these peers (one read)."""
        holding = self.collection.find(
            {"peer_id": {"$in": peer_ids}, "month": month, "holds_slot": True}, {"peer_id": 1}
        )
        return Counter([str(d["peer_id"]) async for d in holding])

    async def history(self, peer_id: str) -> list[Facts]:
        """What the peer's record keeps of each of their introductions, oldest first (their index)."""
        found = [(d["_id"], facts_of(d)) async for d in self.collection.find({"peer_id": peer_id}, FACT_FIELDS)]
        return [facts for _, facts in sorted(found, key=lambda entry: entry[0])]

    async def histories(self) -> dict[str, list[Facts]]:
        """Every peer's history, oldest first (the memory's start-up)."""
        found: dict[str, list[tuple[str, Facts]]] = {}
        async for d in self.collection.find({}, FACT_FIELDS):
            found.setdefault(d["peer_id"], []).append((d["_id"], facts_of(d)))
        return {peer_id: [f for _, f in sorted(h, key=lambda entry: entry[0])] for peer_id, h in found.items()}

    async def _found(self, query: Document) -> list[Introduction]:
        return [from_document(d) for d in await self.collection.find(query, WITHOUT_OUTBOX).to_list()]
