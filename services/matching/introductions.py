"""The introductions desk: propose, answer (by the peer's link), expire with a reminder before, cancel,
record the meeting, take feedback from both sides. Each step is one write of the introduction with its
event (outbox), a compare-and-set on its version. A peer's bookings and reliability are counted from their
introductions (`follow_peer`), by the instance that made the step and, on its event, by every instance:
nothing is incremented, so nothing is lost or counted twice when two instances change one peer at once.
The proposal's rules (the peer's capacity, the beneficiary's pending requests, one open introduction per
pair) hold across instances by partial unique indexes (see `adapters.indexes`)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events import matching as contracts
from services.contracts.events.profiles import PersonErasedV1
from services.kit.domain import InvalidInput
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate, OutboxWriter
from services.kit.pagination import new_id, newest_page
from services.matching.adapters.indexes import CAPACITY_SLOT, INTRODUCTIONS, OPEN_PAIR, PENDING_SLOT
from services.matching.domain import introduction as rules
from services.matching.domain.introduction import Action, Purpose, Side, Status
from services.matching.domain.model import BeneficiaryView, PeerView
from services.matching.events import event
from services.matching.memory import FACT_FIELDS, Memory, facts_of
from services.matching.rematching import Rematcher

log = logging.getLogger(__name__)

__all__ = ["INTRODUCTIONS", "IntroductionDesk", "NotFound", "Policy", "Proposal", "Refused"]

TOPIC = "matching.introduction"
OPEN = (Status.PROPOSED.value, Status.ACCEPTED.value)
ATTEMPTS = 5  # a proposal that lost a place to another one made at the same time looks again
FREE_TEXT = ("message", "answer_message", "questions", "meeting.summary", "feedback.peer.comment")


class Refused(Exception):
    """The request is understood but the state of things forbids it (409), with the reason."""


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class Policy:
    expiry_days: int = 10
    reminder_days_before: int = 3
    max_pending_per_beneficiary: int = 3


@dataclass(frozen=True)
class Proposal:
    peer_id: str
    purpose: Purpose
    target_job: str | None = None
    message: str = ""
    mentoring_months: int | None = None
    questions: tuple[str, ...] = ()


class IntroductionDesk:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        memory: Memory,
        rematcher: Rematcher,
        outbox: OutboxWriter,
        policy: Policy = Policy(),
    ) -> None:
        self.introductions = database[INTRODUCTIONS]
        self.memory = memory
        self.rematcher = rematcher
        self.outbox = outbox
        self.policy = policy

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, introduction_id: str) -> Document:
        document = await self.introductions.find_one({"_id": introduction_id})
        if document is None:
            raise NotFound(introduction_id)
        return document

    async def of_agency(
        self,
        agency_id: str,
        status: Status | None,
        beneficiary_id: str | None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[Document]:
        """Newest first, `limit` of them after the cursor `after`: the agency's by walking the `_id` index, a
        beneficiary's (a few) by their own index."""
        query: dict[str, Any] = {"agency_id": agency_id}
        if status is not None:
            query["status"] = status.value
        if beneficiary_id is not None:
            query["beneficiary_id"] = beneficiary_id
        return await newest_page(self.introductions, query, after, limit, {"outbox": 0}, few=beneficiary_id is not None)

    # -- proposing --------------------------------------------------------------------------------

    async def propose(
        self, beneficiary: BeneficiaryView, counsellor_id: str, staff_id: str, proposal: Proposal, now: datetime
    ) -> Document:
        """The checks, then one insert that takes a numbered place under each rule (the peer's slot of the
        month, the beneficiary's pending request, the pair's open introduction): a proposal made at the same
        time by another instance that took a place first makes this insert fail, and this one looks again."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._propose(beneficiary, counsellor_id, staff_id, proposal, now)
            except DuplicateKeyError:
                if attempt == ATTEMPTS:
                    raise Refused("other introductions are being proposed at this moment: try again") from None
                log.info("a proposal for peer %s lost a place to another one: looking again", proposal.peer_id)
        raise AssertionError("unreachable")

    async def _propose(
        self, beneficiary: BeneficiaryView, counsellor_id: str, staff_id: str, proposal: Proposal, now: datetime
    ) -> Document:
        month = now.strftime("%Y-%m")
        peer = self.memory.peer(proposal.peer_id)
        context = self.memory.context(beneficiary, month)
        if peer is None or not context.admits(beneficiary, peer):
            month_full = peer is not None and self.memory.load_of(peer.peer_id, month).booked >= (
                peer.capacity_per_month
            )
            raise Refused(
                "this peer has no free slot this month"
                if month_full
                else "this peer cannot be introduced to this beneficiary (withdrawn, paused, not visible to your "
                "agency, dismissed, or not vetted for a minor)"
            )
        rules.check_proposal(proposal.purpose, peer.meeting_modes, proposal.mentoring_months, list(proposal.questions))
        theirs = await self.introductions.find(
            {"beneficiary_id": beneficiary.beneficiary_id}, {"peer_id": 1, "status": 1, PENDING_SLOT: 1}
        ).to_list()
        if any(d["peer_id"] == peer.peer_id and d["status"] in OPEN for d in theirs):
            raise Refused("an introduction between these two is already open")
        pending = [d for d in theirs if d["status"] == Status.PROPOSED.value]
        pending_place = rules.first_free(_places(pending, PENDING_SLOT), self.policy.max_pending_per_beneficiary)
        if len(pending) >= self.policy.max_pending_per_beneficiary or pending_place is None:
            raise Refused(
                f"{len(pending)} introductions already wait for an answer for this beneficiary "
                f"(at most {self.policy.max_pending_per_beneficiary}): wait for them, or cancel one"
            )
        holding = await self.introductions.find(
            {"peer_id": peer.peer_id, "month": month, "holds_slot": True}, {CAPACITY_SLOT: 1}
        ).to_list()
        slot = rules.first_free(_places(holding, CAPACITY_SLOT), peer.capacity_per_month)
        if len(holding) >= peer.capacity_per_month or slot is None:
            await self.follow_peer(peer.peer_id)  # this instance's memory was behind: it follows now
            raise Refused("this peer has no free slot this month")
        target = proposal.target_job or self._target(beneficiary, peer)
        deadlines = rules.deadlines(now, self.policy.expiry_days, self.policy.reminder_days_before)
        document: Document = {
            "_id": new_id(),
            "beneficiary_id": beneficiary.beneficiary_id,
            "agency_id": beneficiary.agency_id,
            "counsellor_id": counsellor_id,
            "proposed_by": staff_id,
            "peer_id": peer.peer_id,
            "peer_agency_id": peer.agency_id,
            "purpose": proposal.purpose.value,
            "target_job": target,
            "meeting_modes": sorted(beneficiary.meeting_modes & peer.meeting_modes),
            "message": proposal.message,
            "questions": list(rules.JOB_INQUIRY_GUIDE) + list(proposal.questions)
            if proposal.purpose == Purpose.JOB_INQUIRY
            else [],
            "mentoring_months": proposal.mentoring_months,
            "counsellor_present": beneficiary.minor,
            "status": Status.PROPOSED.value,
            "month": month,
            "holds_slot": True,
            CAPACITY_SLOT: f"{peer.peer_id}/{month}/{slot}",
            PENDING_SLOT: f"{beneficiary.beneficiary_id}/{pending_place}",
            OPEN_PAIR: f"{beneficiary.beneficiary_id}/{peer.peer_id}",
            "proposed_at": now,
            "expires_at": deadlines.expires_at,
            "remind_at": deadlines.remind_at,
            "reminded": False,
            "feedback": {},
        }
        payload = contracts.IntroductionProposedV1(
            **self._common(document),
            target_job=target,
            meeting_modes=document["meeting_modes"],
            counsellor_present=beneficiary.minor,
            expires_at=deadlines.expires_at,
        )
        await self.outbox.insert(self.introductions, document, [self._event("proposed", document, 1, payload)])
        document["version"] = 1
        await self._booking(peer.peer_id, month, +1)
        return document

    @staticmethod
    def _target(beneficiary: BeneficiaryView, peer: PeerView) -> str:
        """The target job the peer's path comes closest to."""
        lived = {s.rome_code for s in peer.path if s.rome_code}
        for prefix in (5, 3, 1):  # same sheet, same domain, same grand domain
            for target in beneficiary.target_jobs:
                if any(code[:prefix] == target[:prefix] for code in lived):
                    return target
        return beneficiary.target_jobs[0]

    # -- the peer's answer ------------------------------------------------------------------------

    async def answer(
        self, introduction_id: str, accept: bool, reason: rules.DeclineReason | None, message: str, now: datetime
    ) -> Document:
        document = await self.get(introduction_id)
        if not accept and reason is None:
            raise InvalidInput([("reason", "say why you decline (no_time, not_my_field, too_far, ...)")])
        action = Action.ACCEPT if accept else Action.DECLINE
        status = rules.next_status(Status(document["status"]), action)
        changes = {
            "status": status.value,
            "answered_at": now,
            "decline_reason": None if accept else reason.value if reason else None,
            "answer_message": message,
            "holds_slot": status in rules.HOLDS_SLOT,
        }
        payload = contracts.IntroductionAnsweredV1(
            **self._common(document), accepted=accept, decline_reason=changes["decline_reason"], answered_at=now
        )
        document = await self._write(document, changes, "answered", payload)
        if accept:
            await self.follow_peer(document["peer_id"])  # answered: the reliability changed
        else:
            await self._booking(document["peer_id"], document["month"], -1)
        return document

    # -- the counsellor ---------------------------------------------------------------------------

    async def cancel(self, document: Document, staff_id: str) -> Document:
        status = rules.next_status(Status(document["status"]), Action.CANCEL)
        payload = contracts.IntroductionCancelledV1(**self._common(document), by_staff_id=staff_id)
        document = await self._write(
            document, {"status": status.value, "holds_slot": False, "cancelled_by": staff_id}, "cancelled", payload
        )
        await self._booking(document["peer_id"], document["month"], -1)
        return document

    async def record_meeting(self, document: Document, held_on: date, mode: str | None, summary: str) -> Document:
        status = rules.next_status(Status(document["status"]), Action.RECORD_MEETING)
        if mode is not None and mode not in document["meeting_modes"]:
            raise InvalidInput([("mode", f"the two agreed on {', '.join(document['meeting_modes'])}")])
        payload = contracts.MeetingRecordedV1(**self._common(document), held_on=held_on, mode=mode)
        changes = {
            "status": status.value,
            "meeting": {"held_on": held_on.isoformat(), "mode": mode, "summary": summary},
        }
        document = await self._write(document, changes, "meeting_recorded", payload)
        await self.follow_peer(document["peer_id"])
        return document

    async def feedback(
        self, document: Document, side: Side, took_place: bool, usefulness: int | None, comment: str
    ) -> Document:
        if Status(document["status"]) not in rules.FEEDBACK_OPEN:
            raise rules.RefusedTransition(
                f"feedback comes after an accepted introduction; this one is {document['status']}"
            )
        if side.value in document.get("feedback", {}):
            raise Refused(f"the {side.value} has already given feedback on this introduction")
        rules.check_feedback(took_place, usefulness)
        payload = contracts.FeedbackGivenV1(
            **self._common(document), side=side.value, took_place=took_place, usefulness=usefulness
        )
        given = {"took_place": took_place, "usefulness": usefulness, "comment": comment}
        document = await self._write(document, {f"feedback.{side.value}": given}, "feedback_given", payload)
        if side == Side.BENEFICIARY and usefulness is not None:
            await self.follow_peer(document["peer_id"])  # rated
        if took_place and document["status"] == Status.ACCEPTED.value:  # nobody recorded it: it counts all the same
            document = await self.record_meeting(document, datetime.now(UTC).date(), None, "")
        return document

    # -- time -------------------------------------------------------------------------------------

    async def sweep(self, now: datetime) -> dict[str, int]:
        """Expire the requests past their date; remind the peers whose request expires soon. Each by its
        due-date index; one whose peer answered meanwhile (its version moved) is left for the next sweep."""
        self.memory.roll_month()
        reminded = expired = 0
        due = {"status": Status.PROPOSED.value, "expires_at": {"$lte": now}}
        for document in await self.introductions.find(due, {"outbox": 0}).to_list():
            payload = contracts.IntroductionExpiredV1(**self._common(document))
            changes = {"status": Status.EXPIRED.value, "holds_slot": False}
            try:
                await self._write(document, changes, "expired", payload)
            except ConcurrentUpdate:
                continue
            await self._booking(document["peer_id"], document["month"], -1)
            expired += 1
        soon = {"status": Status.PROPOSED.value, "reminded": False, "remind_at": {"$lte": now}}
        for document in await self.introductions.find(soon, {"outbox": 0}).to_list():
            reminder = contracts.IntroductionReminderDueV1(
                **self._common(document), expires_at=_aware(document["expires_at"])
            )
            try:
                await self._write(document, {"reminded": True}, "reminder_due", reminder)
            except ConcurrentUpdate:
                continue
            reminded += 1
        return {"reminded": reminded, "expired": expired}

    async def on_person_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        await self.scrub(payload.person_id)

    async def scrub(self, person_id: str) -> int:
        """Free text written about or by an erased person goes; the facts (ids, dates, codes) stay; requests
        still open are cancelled, giving the peer's slot back."""
        scrubbed = 0
        for field in ("beneficiary_id", "peer_id"):
            for document in await self.introductions.find({field: person_id}, {"outbox": 0}).to_list():
                if Status(document["status"]) in (Status.PROPOSED, Status.ACCEPTED):
                    document = await self.cancel(document, staff_id="")
                changes = {"message": "", "answer_message": "", "questions": [], "erased_party": field[:-3]}
                if "meeting" in document:
                    changes["meeting.summary"] = ""
                for side in document.get("feedback", {}):
                    changes[f"feedback.{side}.comment"] = ""
                await self.outbox.update(self.introductions, document["_id"], document["version"], changes, [])
                scrubbed += 1
        return scrubbed

    # -- plumbing ---------------------------------------------------------------------------------

    @staticmethod
    def _common(document: Document) -> dict[str, Any]:
        return {
            "introduction_id": document["_id"],
            "beneficiary_id": document["beneficiary_id"],
            "agency_id": document["agency_id"],
            "counsellor_id": document["counsellor_id"],
            "peer_id": document["peer_id"],
            "purpose": document["purpose"],
        }

    def _event(self, step: str, document: Document, version: int, payload: Any) -> tuple[Envelope, str]:
        envelope = event(
            f"matching.introduction.{step}", "introduction", document["_id"], version, document["agency_id"], payload
        )
        return envelope, TOPIC

    async def _write(self, document: Document, changes: Document, step: str, payload: Any) -> Document:
        version = document["version"]
        changes = {**changes, **_places_left(changes)}
        await self.outbox.update(
            self.introductions, document["_id"], version, changes, [self._event(step, document, version + 1, payload)]
        )
        return await self.get(document["_id"])

    async def follow_behind(self, peer_ids: list[str], month: str) -> bool:
        """Whether this instance's memory was behind the database on the bookings of these peers (another
        instance booked them a moment ago, its event is on its way): it follows them now. One read."""
        holding = self.introductions.find(
            {"peer_id": {"$in": peer_ids}, "month": month, "holds_slot": True}, {"peer_id": 1}
        )
        booked = Counter([str(d["peer_id"]) async for d in holding])
        behind = [p for p in peer_ids if booked[p] != self.memory.load_of(p, month).booked]
        for peer_id in behind:
            await self.follow_peer(peer_id)
        return bool(behind)

    async def follow_peer(self, peer_id: str) -> None:
        """Count the peer's bookings and reliability again from their introductions (one indexed read of a
        small set), into this instance's memory. Every instance does it on each introduction event."""
        ticket = self.memory.count_ticket()
        history = [(d["_id"], facts_of(d)) async for d in self.introductions.find({"peer_id": peer_id}, FACT_FIELDS)]
        history.sort(key=lambda entry: entry[0])
        self.memory.set_record(peer_id, rules.record_of(facts for _, facts in history), ticket)

    async def _booking(self, peer_id: str, month: str, change: int) -> None:
        """A slot taken or given back: the lists showing the peer rank again when it fills or frees up."""
        await self.follow_peer(peer_id)
        peer = self.memory.peer(peer_id)
        if peer is None:
            return
        try:  # the introduction is written: a list that fails to follow must not undo the answer to the caller
            if self.memory.load_of(peer_id, month).booked >= peer.capacity_per_month:
                await self.rematcher.refresh_holders(peer_id)
            elif change < 0:
                await self.rematcher.reverse(peer)
        except Exception:
            log.exception("the lists of peer %s did not follow its booking; the next change of them will", peer_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _places(documents: list[Document], field: str) -> list[int]:
    """The place numbers taken, from fields like "<...>/<n>" (introductions from before places had none)."""
    return [int(str(d[field]).rsplit("/", 1)[1]) for d in documents if d.get(field)]


def _places_left(changes: Document) -> Document:
    """The places an introduction gives back with a change of status: its pending request once answered
    or ended, its pair once closed, its slot once it holds none."""
    left: Document = {}
    status = changes.get("status")
    if status is not None and status != Status.PROPOSED.value:
        left[PENDING_SLOT] = None
    if status is not None and status not in OPEN:
        left[OPEN_PAIR] = None
    if changes.get("holds_slot") is False:
        left[CAPACITY_SLOT] = None
    return left
