"""Introductions, the counsellor's and the peer's steps: propose, answer (by the peer's link), cancel,
record the meeting, give feedback. Each step loads the introduction, decides (`domain.introduction`) and
saves it with its event in one write, a compare-and-set on its version; then the peer's record follows.
The proposal's rules (the peer's capacity, the beneficiary's pending requests, one open introduction per
pair) hold across instances by partial unique indexes (see `adapters.indexes`): a proposal that lost a
place to another one made at the same moment looks again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from services.kit.domain import Conflict, NotFound
from services.kit.ids import new_id
from services.kit.outbox import TakenByAnother
from services.matching.adapters.introductions import Introductions
from services.matching.domain.actor import Actor
from services.matching.domain.introduction import (
    OPEN,
    PENDING,
    SIDE_OF,
    Agreement,
    Answer,
    Cancel,
    CancelAppointment,
    ChooseContact,
    Command,
    ConcernReason,
    ContactChannel,
    DeclineReason,
    GiveFeedback,
    Introduction,
    PickSlot,
    Proposal,
    Propose,
    ProposeSlots,
    RecordMeeting,
    ReportConcern,
    ReviewConcern,
    SendMessage,
    Side,
    Status,
    decide,
    meeting_follows,
    place_number,
)
from services.matching.domain.introduction_rules import check_proposal
from services.matching.domain.meeting import Slot
from services.matching.domain.model import BeneficiaryView
from services.matching.domain.peer_record import first_free
from services.matching.domain.preparation import ProjectEffect
from services.matching.memory import Memory
from services.matching.use_cases.peer_records import PeerRecords

log = logging.getLogger(__name__)

ATTEMPTS = 5  # a proposal that lost a place to another one made at the same time looks again


class Refused(Conflict):
    """The request is understood but the state of things forbids it (409), with the reason."""

    code = "introduction_refused"


@dataclass(frozen=True)
class Policy:
    expiry_days: int = 10
    reminder_days_before: int = 3
    max_pending_per_beneficiary: int = 3


class IntroductionService:
    def __init__(self, introductions: Introductions, memory: Memory, records: PeerRecords, policy: Policy) -> None:
        self.introductions = introductions
        self.memory = memory
        self.records = records
        self.policy = policy

    async def get(self, introduction_id: str) -> Introduction:
        introduction = await self.introductions.get(introduction_id)
        if introduction is None:
            raise NotFound("Cette mise en relation n'existe pas.", code="introduction_not_found", id=introduction_id)
        return introduction

    async def page(
        self, agency_id: str, status: Status | None, beneficiary_id: str | None, after: str | None, limit: int
    ) -> list[Introduction]:
        return await self.introductions.page(agency_id, status, beneficiary_id, after, limit)

    async def step(self, introduction: Introduction, command: Command, actor: Actor, now: datetime) -> Introduction:
        """Decide, then save with the events (ConcurrentUpdate when it changed since it was read)."""
        changed, events = decide(introduction, command, actor, now)
        await self.introductions.save(introduction, changed, events)
        return changed

    # -- proposing --------------------------------------------------------------------------------

    async def propose(
        self, beneficiary: BeneficiaryView, counsellor_id: str, staff_id: str, proposal: Proposal, now: datetime
    ) -> Introduction:
        """The checks, then one insert that takes a numbered place under each rule (the peer's slot of the
        month, the beneficiary's pending request, the pair's open introduction): a proposal made at the same
        time by another instance that took a place first makes this insert fail, and this one looks again."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._propose(beneficiary, counsellor_id, staff_id, proposal, now)
            except TakenByAnother:
                if attempt == ATTEMPTS:
                    raise Refused(
                        "D'autres mises en relation sont proposées en ce moment même : recommencez.", code="busy"
                    ) from None
                log.info("a proposal for peer %s lost a place to another one: looking again", proposal.peer_id)
        raise AssertionError("unreachable")

    async def _propose(
        self, beneficiary: BeneficiaryView, counsellor_id: str, staff_id: str, proposal: Proposal, now: datetime
    ) -> Introduction:
        month = now.strftime("%Y-%m")
        peer = self.memory.peer(proposal.peer_id)
        context = self.memory.context(beneficiary, month)
        if peer is None or not context.admits(beneficiary, peer):
            month_full = peer is not None and self.memory.load_of(peer.peer_id, month).booked >= (
                peer.capacity_per_month
            )
            raise Refused(
                "Ce pair n'a plus de place ce mois-ci."
                if month_full
                else "Ce pair ne peut pas être présenté à ce bénéficiaire (retiré, en pause, invisible pour votre "
                "agence, écarté, ou non habilité pour un mineur).",
                code="peer_full" if month_full else "peer_unavailable",
            )
        check_proposal(proposal.purpose, peer.meeting_modes, proposal.mentoring_months, list(proposal.questions))
        theirs = await self.introductions.of_beneficiary(beneficiary.beneficiary_id)
        if any(i.peer_id == peer.peer_id and i.status in OPEN for i in theirs):
            raise Refused(
                "Une mise en relation entre ces deux personnes est déjà en cours.", code="introduction_already_open"
            )
        pending = [i for i in theirs if i.status in PENDING]
        most = self.policy.max_pending_per_beneficiary
        pending_place = first_free(_numbers(i.places.pending_slot for i in pending), most)
        if len(pending) >= most or pending_place is None:
            raise Refused(
                f"{len(pending)} mises en relation attendent déjà une réponse pour ce bénéficiaire "
                f"({most} au plus) : attendez-les, ou annulez-en une.",
                code="too_many_pending",
            )
        holding = await self.introductions.holding_slots(peer.peer_id, month)
        slot = first_free(_numbers(i.places.capacity_slot for i in holding), peer.capacity_per_month)
        if len(holding) >= peer.capacity_per_month or slot is None:
            await self.records.follow(peer.peer_id)  # this instance's memory was behind: it follows now
            raise Refused("Ce pair n'a plus de place ce mois-ci.", code="peer_full")
        command = Propose(
            introduction_id=new_id(),
            beneficiary=beneficiary,
            counsellor_id=counsellor_id,
            staff_id=staff_id,
            peer=peer,
            proposal=proposal,
            capacity_place=slot,
            pending_place=pending_place,
            expiry_days=self.policy.expiry_days,
            reminder_days_before=self.policy.reminder_days_before,
        )
        introduction, events = decide(None, command, Actor.COUNSELLOR, now)
        await self.introductions.add(introduction, events)
        await self.records.booking(peer.peer_id, month, +1)
        return introduction

    # -- the beneficiary's agreement, recorded by their counsellor ---------------------------------

    async def agreement(self, introduction: Introduction, agreed: bool) -> Introduction:
        """Agreed: the request goes to the peer. Declined: it ends without reaching them, and frees the slot."""
        recorded = await self.step(introduction, Agreement(agreed), Actor.COUNSELLOR, datetime.now(UTC))
        if not agreed:
            await self.records.booking(recorded.peer_id, recorded.month, -1)
        return recorded

    # -- the peer's answer ------------------------------------------------------------------------

    async def answer(
        self,
        introduction_id: str,
        accept: bool,
        reason: DeclineReason | None,
        message: str,
        now: datetime,
        contact: ContactChannel = ContactChannel.PLATFORM,
    ) -> Introduction:
        introduction = await self.step(
            await self.get(introduction_id), Answer(accept, reason, message, contact), Actor.PEER, now
        )
        if accept:
            await self.records.follow(introduction.peer_id)  # answered: the reliability changed
        else:
            await self.records.booking(introduction.peer_id, introduction.month, -1)
        return introduction

    async def choose_contact(self, introduction: Introduction, channel: ContactChannel) -> Introduction:
        """The peer changes how they are reached."""
        return await self.step(introduction, ChooseContact(channel), Actor.PEER, datetime.now(UTC))

    # -- the meeting's date: either side, the counsellor in the console or the peer by link -------------

    async def propose_slots(self, introduction: Introduction, slots: tuple[Slot, ...], actor: Actor) -> Introduction:
        return await self.step(introduction, ProposeSlots(slots), actor, datetime.now(UTC))

    async def pick_slot(self, introduction: Introduction, proposal: int, slot: int, actor: Actor) -> Introduction:
        return await self.step(introduction, PickSlot(proposal, slot), actor, datetime.now(UTC))

    async def cancel_appointment(self, introduction: Introduction, actor: Actor) -> Introduction:
        return await self.step(introduction, CancelAppointment(), actor, datetime.now(UTC))

    async def send_message(self, introduction: Introduction, text: str, actor: Actor) -> Introduction:
        """A message of the thread between the counsellor and the peer; the other side hears there is one."""
        return await self.step(introduction, SendMessage(text), actor, datetime.now(UTC))

    async def report_concern(
        self, introduction: Introduction, reason: ConcernReason, text: str, actor: Actor
    ) -> Introduction:
        """A concern about the meeting: the agency's admin hears of it, profiles pauses the peer meanwhile."""
        return await self.step(introduction, ReportConcern(reason, text), actor, datetime.now(UTC))

    async def review_concern(
        self, introduction: Introduction, number: int, admin_id: str, resume: bool
    ) -> Introduction:
        return await self.step(introduction, ReviewConcern(number, admin_id, resume), Actor.ADMIN, datetime.now(UTC))

    # -- the counsellor ---------------------------------------------------------------------------

    async def cancel(self, introduction: Introduction, staff_id: str, actor: Actor = Actor.COUNSELLOR) -> Introduction:
        cancelled = await self.step(introduction, Cancel(staff_id), actor, datetime.now(UTC))
        await self.records.booking(cancelled.peer_id, cancelled.month, -1)
        return cancelled

    async def record_meeting(
        self,
        introduction: Introduction,
        held_on: date,
        mode: str | None,
        summary: str,
        actor: Actor = Actor.COUNSELLOR,
    ) -> Introduction:
        met = await self.step(introduction, RecordMeeting(held_on, mode, summary), actor, datetime.now(UTC))
        await self.records.follow(met.peer_id)
        return met

    async def give_feedback(
        self,
        introduction: Introduction,
        actor: Actor,
        took_place: bool,
        usefulness: int | None,
        comment: str,
        no_show: bool = False,
        project_effect: ProjectEffect | None = None,
    ) -> Introduction:
        """The counsellor gives the beneficiary's, the peer their own, once the meeting's date has come; one
        saying the meeting took place counts as the meeting when nobody recorded it; the beneficiary's side
        saying the peer did not come counts against the peer's reliability."""
        now = datetime.now(UTC)
        feedback = GiveFeedback(took_place, usefulness, comment, no_show, project_effect)
        given = await self.step(introduction, feedback, actor, now)
        if SIDE_OF[actor] == Side.BENEFICIARY and (usefulness is not None or no_show):
            await self.records.follow(given.peer_id)  # rated
        if meeting_follows(given, feedback):
            given = await self.record_meeting(given, now.date(), None, "", Actor.SYSTEM)
        return given


def _numbers(places: Iterable[str | None]) -> list[int]:
    """The place numbers taken (introductions from before places were numbered have none)."""
    return [n for n in map(place_number, places) if n is not None]
