"""The conventions desk: each step of a convention is one write of its document with its events (outbox),
decided by the pure rules of `domain/`. Staff act through the API; parties through their links
(`party_links`); time through the scheduler (`scheduler`); erasure through `erasure`."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events.placements import LinkPurpose, Objective, PartyRole
from services.contracts.links import convention_link
from services.kit.domain import InvalidInput
from services.kit.mongo import Document, forget
from services.kit.outbox import OutboxWriter
from services.kit.pagination import new_id, newest_page
from services.placements.adapters.projections import Projections
from services.placements.convention_events import (
    assessment_fields,
    contacts_event,
    events_of,
    link_issued_event,
    step_event,
)
from services.placements.domain import limits
from services.placements.domain.convention import Assessment, Terms, assessment_problems, signatories, terms_problems
from services.placements.domain.lifecycle import (
    COUNTS_FOR_LIMITS,
    NEEDS_REASON,
    STEP_OF_ACTION,
    Action,
    Actor,
    Status,
    Validation,
    next_status,
    waiting_for,
    waiting_statuses,
)
from services.placements.domain.reminders import Timeline, next_due
from services.placements.domain.working_days import FRANCE, start_of_day, today_in_france

log = logging.getLogger(__name__)

CONVENTIONS = "conventions"
ASSESSMENT_LINK_DAYS = 60
# what earlier versions kept: per-beneficiary id lists (FerretDB v1 had no secondary index), and indexes a
# sorted list on a secondary key used (the engine sorts the whole match: lists walk the _id index instead)
FORMER_COLLECTIONS = ("conventions_by_beneficiary",)
FORMER_INDEXES = ("agency_newest_first", "status")


async def prepare_database(database: AsyncDatabase[Document]) -> None:
    """At start-up, after the declared indexes (`adapters/indexes.py`): what earlier versions left goes, and
    conventions stored before `next_due_at` existed get theirs (found by the index: those lacking it), so
    that the scheduler misses none. Idempotent; two instances may do it at once."""
    await forget(database, FORMER_COLLECTIONS, {CONVENTIONS: FORMER_INDEXES})
    conventions = database[CONVENTIONS]
    adopted = 0
    async for document in conventions.find({"next_due_at": {"$exists": False}}):
        due = {"next_due_at": next_due_at(document)}
        await conventions.update_one({"_id": document["_id"], "next_due_at": {"$exists": False}}, {"$set": due})
        adopted += 1
    if adopted:
        log.info("%d conventions stored before next_due_at got theirs", adopted)


class NotFound(Exception):
    pass


class UnknownBeneficiary(NotFound):
    def __init__(self, beneficiary_id: str) -> None:
        super().__init__(
            f"no beneficiary {beneficiary_id} in your agency (registered a moment ago? placements learns of it "
            "within seconds: retry)"
        )


class Refused(Exception):
    """Understood, but the state of things forbids it (409)."""


@dataclass(frozen=True)
class Party:
    """Who acts: a staff member (by id), a party by link (by role), or the platform."""

    actors: frozenset[Actor]
    by: str  # staff id, or the party's role

    @staticmethod
    def link(role: PartyRole) -> Party:
        return Party(frozenset({Actor(role.value)}), role.value)


SYSTEM = Party(frozenset({Actor.SYSTEM}), "system")


@dataclass
class Step:
    """A decided step: the changes to the document and the events that go with them, not yet written."""

    document: Document  # as it was read
    changes: Document
    events: list[Envelope] = field(default_factory=list)
    now: datetime | None = None  # when it is taken: the scheduler's next look starts from that day

    @property
    def version(self) -> int:
        return int(self.document["version"]) + 1

    @property
    def after(self) -> Document:
        return {**self.document, **self.changes, "version": self.version}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), FRANCE).astimezone(UTC)


def terms_of(document: Document) -> Terms:
    return Terms.model_validate(document["terms"])


def missing_signatures(document: Document) -> tuple[PartyRole, ...]:
    signed = document.get("signatures", {})
    return tuple(r for r in signatories(terms_of(document)) if r.value not in signed)


def timeline_of(document: Document) -> Timeline:
    """What the scheduler's plan reads of a convention."""
    return Timeline(
        Status(document["status"]),
        date.fromisoformat(document["terms"]["start_date"]),
        date.fromisoformat(document["terms"]["end_date"]),
        missing_signatures(document),
        frozenset(document.get("reminders_sent", [])),
    )


def next_due_at(document: Document, since: date | None = None) -> datetime | None:
    """The moment the scheduler has something to do for this convention (a reminder, a step time takes),
    from `since` if given; None when it never will. Written with every change of the convention and
    indexed: each pass of the scheduler reads only the conventions due."""
    if document.get("erased"):
        return None
    day = next_due(timeline_of(document), since)
    return start_of_day(day) if day is not None else None


@dataclass(frozen=True)
class Selection:
    """Which of an agency's conventions a list or an export shows: by status, beneficiary, and who has to
    act (`waiting_for`, answered by the agency's validation mode)."""

    agency_id: str
    status: Status | None = None
    beneficiary_id: str | None = None
    waiting_for: str | None = None
    validation: Validation = Validation.ONE_STEP

    def query(self) -> Document | None:
        """The database's filter, or None when nothing can match."""
        query: Document = {"agency_id": self.agency_id}
        if self.status is not None:
            query["status"] = self.status.value
        if self.beneficiary_id is not None:
            query["beneficiary_id"] = self.beneficiary_id
        if self.waiting_for is None:
            return query
        always, unless_signed = waiting_statuses(self.waiting_for, self.validation)
        alternatives: list[Document] = []
        if always:
            alternatives.append({"status": {"$in": sorted(s.value for s in always)}})
        if unless_signed:  # a signatory, while its own signature is missing (see `missing_signatures`)
            party = PartyRole(self.waiting_for).value
            statuses = sorted(s.value for s in unless_signed)
            unsigned: Document = {"status": {"$in": statuses}, f"signatures.{party}": {"$exists": False}}
            if party == PartyRole.LEGAL_REPRESENTATIVE.value:
                unsigned["terms.legal_representative"] = {"$ne": None}
            alternatives.append(unsigned)
        if not alternatives:
            return None
        return {**query, "$or": alternatives}


def stay_of(document: Document) -> limits.Stay | None:
    """The convention as the legal limits count it: planned or held days, or the days lived before a
    cancellation during the immersion; None when it never took place."""
    terms, status = document["terms"], Status(document["status"])
    start, end = date.fromisoformat(terms["start_date"]), date.fromisoformat(terms["end_date"])
    if status is Status.CANCELLED:
        started = any(entry.get("action") == Action.START.value for entry in document.get("history", []))
        cancelled = (document.get("reason") or {}).get("at")
        if not started or not isinstance(cancelled, datetime):
            return None
        end = min(end, max(start, today_in_france(cancelled)))
    elif status not in COUNTS_FOR_LIMITS:
        return None
    return limits.Stay(document["_id"], start, end, Objective(terms["objective"]), document.get("renewal_of"))


class ConventionDesk:
    def __init__(
        self, database: AsyncDatabase[Document], outbox: OutboxWriter, projections: Projections, link_key: str
    ) -> None:
        self.conventions = database[CONVENTIONS]
        self.outbox = outbox
        self.projections = projections
        self.link_key = link_key

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, convention_id: str, agency_id: str | None = None) -> Document:
        document = await self.conventions.find_one({"_id": convention_id})
        if document is None or (agency_id is not None and document["agency_id"] != agency_id):
            raise NotFound(convention_id)
        return document

    async def of_beneficiary(self, beneficiary_id: str) -> list[Document]:
        """A beneficiary's conventions (a handful: by their index, no page needed)."""
        return await self.conventions.find({"beneficiary_id": beneficiary_id}).to_list()

    async def of_agency(
        self, selection: Selection, after: str | None = None, limit: int = 50, fields: Document | None = None
    ) -> list[Document]:
        """A page of the agency's conventions, newest first, after the cursor `after` (an `_id`): the engine
        walks the `_id` index in order and stops at the limit (see `services.kit.pagination`). One
        beneficiary's are a handful: read by their index and ordered here (under an `_id` range the engine
        would walk the `_id` index instead, through the whole agency)."""
        query = selection.query()
        if query is None:
            return []
        return await newest_page(
            self.conventions, query, after, limit, fields, few=selection.beneficiary_id is not None
        )

    async def pages_of_agency(
        self, selection: Selection, size: int = 500, fields: Document | None = None
    ) -> AsyncIterator[list[Document]]:
        """Every convention of the selection, page after page (an export), never all in memory at once."""
        after: str | None = None
        while True:
            page = await self.of_agency(selection, after, size, fields)
            if page:
                yield page
            if len(page) < size:
                return
            after = page[-1]["_id"]

    async def due(self, now: datetime) -> list[Document]:
        """The conventions the scheduler has something to do for at `now` (by the `next_due_at` index)."""
        return await self.conventions.find({"next_due_at": {"$lte": now}}).to_list()

    async def reschedule(self, document: Document, today: date) -> None:
        """Nothing to do today after all (a reminder's moment passed unseen): the next due day after it. The
        field follows from the document: a change meanwhile (another version) wrote its own."""
        due = {"next_due_at": next_due_at(document, today)}
        await self.conventions.update_one({"_id": document["_id"], "version": document["version"]}, {"$set": due})

    # -- the counsellor writes it -------------------------------------------------------------------

    async def create(
        self, agency_id: str, staff_id: str, beneficiary_id: str, terms: Terms, now: datetime, renewal_of: str = ""
    ) -> Document:
        beneficiary = await self.projections.beneficiary(beneficiary_id)
        if beneficiary is None or beneficiary.agency_id != agency_id:
            raise UnknownBeneficiary(beneficiary_id)
        if not beneficiary.active:
            raise Refused("this beneficiary's accompaniment is closed")
        convention_id = new_id()
        problems = terms_problems(terms, beneficiary.minor, today_in_france(now))
        problems += await self._limit_problems(convention_id, beneficiary_id, terms, renewal_of or None)
        if problems:
            raise InvalidInput(problems)
        document: Document = {
            "_id": convention_id,
            "agency_id": agency_id,
            "beneficiary_id": beneficiary_id,
            "counsellor_id": beneficiary.counsellor_id or staff_id,
            "created_by": staff_id,
            "minor": beneficiary.minor,
            "status": Status.DRAFT.value,
            "terms": terms.model_dump(mode="json"),
            "signatures": {},
            "links": {},
            "assessment": None,
            "reminders_sent": [],
            "renewal_of": renewal_of or None,
            "created_at": now,
            "history": [entry("draft", staff_id, None, Status.DRAFT, now)],
        }
        document["next_due_at"] = next_due_at(document, today_in_france(now))
        drafted = step_event(document, "drafted", 1, None, "draft", Actor.COUNSELLOR, {})
        await self.outbox.insert(self.conventions, document, events_of([drafted, contacts_event(document, 1)]))
        return {**document, "version": 1}

    async def _limit_problems(
        self, convention_id: str, beneficiary_id: str, terms: Terms, renewal_of: str | None
    ) -> limits.Problems:
        stays = [
            stay
            for other in await self.of_beneficiary(beneficiary_id)
            if other["terms"]["host"]["siret"] == terms.host.siret and (stay := stay_of(other)) is not None
        ]
        new = limits.Stay(convention_id, terms.start_date, terms.end_date, terms.objective, renewal_of)
        return limits.same_host_problems(new, stays)

    async def edit(self, document: Document, terms: Terms, staff_id: str, now: datetime) -> Document:
        if document["status"] != Status.DRAFT.value:
            raise Refused(f"only a draft can be changed; this convention is {document['status']}: revise it first")
        problems = terms_problems(terms, document["minor"], today_in_france(now))
        problems += await self._limit_problems(
            document["_id"], document["beneficiary_id"], terms, document.get("renewal_of")
        )
        if document.get("renewal_of"):
            kept = document["terms"]
            if terms.objective.value != kept["objective"]:
                problems.append(("objective", "a renewal keeps the objective of the convention it renews"))
            if terms.host.siret != kept["host"]["siret"]:
                problems.append(("host.siret", "a renewal is with the host of the convention it renews"))
        if problems:
            raise InvalidInput(problems)
        changes = {"terms": terms.model_dump(mode="json"), "updated_at": now, "updated_by": staff_id}
        step = Step(document, changes)
        step.events.append(contacts_event(step.after, step.version))
        return await self.commit(step)

    # -- steps ------------------------------------------------------------------------------------

    async def act(self, document: Document, action: Action, party: Party, now: datetime, **details: Any) -> Document:
        """Take one step of the table, with what it needs and what follows from it, in one write
        (`details`: those of `decide`)."""
        return await self.commit(await self.decide(document, action, party, now, **details))

    async def commit(self, step: Step) -> Document:
        """Write the step (compare-and-set on the version), with when the scheduler has to look at it next."""
        step.changes["next_due_at"] = next_due_at(step.after, today_in_france(step.now) if step.now else None)
        document = step.document
        await self.outbox.update(
            self.conventions, document["_id"], document["version"], step.changes, events_of(step.events)
        )
        return step.after

    async def decide(
        self,
        document: Document,
        action: Action,
        party: Party,
        now: datetime,
        *,
        reason: str = "",
        note: str = "",
        assessment: Assessment | None = None,
        used_link: PartyRole | None = None,
    ) -> Step:
        if action is Action.SIGN and used_link is not None and len(missing_signatures(document)) == 1:
            action = Action.SIGN_LAST
        current = Status(document["status"])
        validation = await self.projections.validation_of(document["agency_id"])
        target = next_status(current, action, party.actors, validation)
        if action in NEEDS_REASON and not reason:
            raise InvalidInput([("reason", "give a reason (a code, and a note if it is 'other')")])
        if reason == "other" and not note.strip():
            raise InvalidInput([("note", "the reason 'other' needs a note")])
        changes: Document = {"status": target.value, "updated_at": now}
        issued: list[tuple[PartyRole, LinkPurpose, datetime]] = []
        extra: Document = {}
        terms = terms_of(document)
        if action in (Action.SEND, Action.VALIDATE):
            await self._still_within_limits(document, terms, now)
        if action is Action.SEND:
            issued.append((PartyRole.EMPLOYER, LinkPurpose.CONFIRM, end_of_day(terms.start_date)))
        elif action is Action.CONFIRM:
            issued += [(role, LinkPurpose.SIGN, end_of_day(terms.start_date)) for role in signatories(terms)]
        elif action in (Action.SIGN, Action.SIGN_LAST):
            assert used_link is not None
            changes["signatures"] = {**document.get("signatures", {}), used_link.value: now.isoformat()}
            extra = {"signed_by": used_link, "all_signed": action is Action.SIGN_LAST}
        elif action is Action.REVISE:
            changes |= {"signatures": {}, "links": {}, "reminders_sent": []}
        elif action is Action.VALIDATE and party.by == document.get("pre_validated_by"):
            raise Refused("the validation needs another person than the pre-validation")
        elif action is Action.SUBMIT_ASSESSMENT:
            assert assessment is not None
            problems = assessment_problems(assessment, terms.start_date, terms.end_date)
            if problems:
                raise InvalidInput(problems)
            changes["assessment"] = assessment.model_dump(mode="json")
            issued.append((PartyRole.BENEFICIARY, LinkPurpose.AGREE, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
        elif action is Action.CONTEST_ASSESSMENT:
            issued.append((PartyRole.TUTOR, LinkPurpose.ASSESS, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
        if action in (Action.PRE_VALIDATE, Action.VALIDATE):
            changes[f"{action.value}d_by"] = party.by
            changes[f"{action.value}d_at"] = now
        if action in (Action.SUBMIT_ASSESSMENT, Action.AGREE_ASSESSMENT):
            extra |= assessment_fields(changes.get("assessment") or document["assessment"], terms.rome_code)
        if reason:
            changes["reason"] = {"code": reason, "note": note, "by": party.by, "at": now}
            extra["reason"] = reason
        if used_link is not None:
            records: Document = changes.get("links") or document.get("links") or {}
            changes["links"] = {**records, used_link.value: {**records[used_link.value], "used_at": now}}
            changes["used_links"] = [*document.get("used_links", []), records[used_link.value]["hash"]]
        changes["history"] = [*document.get("history", []), entry(action.value, party.by, current, target, now)]
        step = Step(document, changes, now=now)
        unsigned = tuple(r.value for r in missing_signatures(step.after))
        extra["waiting_for"] = waiting_for(target, validation, unsigned)
        actor = Actor.SYSTEM if Actor.SYSTEM in party.actors else min(party.actors)
        step.events.append(
            step_event(step.after, STEP_OF_ACTION[action], step.version, current.value, action, actor, extra)
        )
        for role, purpose, expires_at in issued:
            self.issue_link(step, role, purpose, expires_at)
        return step

    async def _still_within_limits(self, document: Document, terms: Terms, now: datetime) -> None:
        """Sending and validating check the limits again: other conventions or the date may have moved on."""
        problems = await self._limit_problems(
            document["_id"], document["beneficiary_id"], terms, document.get("renewal_of")
        )
        problems += limits.period_problems(terms.start_date, terms.end_date, today_in_france(now))
        if problems:
            raise Refused("; ".join(f"{where}: {what}" for where, what in problems))

    def issue_link(
        self, step: Step, role: PartyRole, purpose: LinkPurpose, expires_at: datetime, reissued: bool = False
    ) -> None:
        """A new link for `role` in `step`, replacing any earlier one: only its hash is kept; notifications
        signs the same token from the event and the shared key."""
        link_id = uuid.uuid4().hex[:16]
        token = convention_link(self.link_key, step.document["_id"], role.value, link_id, expires_at)
        record = {
            "link_id": link_id,
            "hash": token_hash(token),
            "purpose": purpose.value,
            "expires_at": expires_at,
            "used_at": None,
        }
        records: Document = step.changes.get("links") or step.document.get("links") or {}
        step.changes["links"] = {**records, role.value: record}
        step.events.append(link_issued_event(step.after, step.version, role, link_id, purpose, expires_at, reissued))

    # -- renewal ------------------------------------------------------------------------------------

    async def renew(self, original: Document, staff_id: str, start: date, end: date, now: datetime) -> Document:
        """A new draft with the same host, tutor and objective for new dates; the original becomes renewed.
        A convention has one renewal at most (a unique index on `renewal_of`), so a retry after a crash
        between the two writes finds the renewal made the first time."""
        validation = await self.projections.validation_of(original["agency_id"])
        current = Status(original["status"])
        next_status(current, Action.RENEW, frozenset({Actor.COUNSELLOR}), validation)  # 409 unless assessed
        stay = stay_of(original)
        assert stay is not None  # an assessed convention counts
        objectives_met = (original.get("assessment") or {}).get("objectives_met")
        problems = limits.renewal_problems(stay, objectives_met, 1 if original.get("renewal_id") else 0)
        if problems:
            raise InvalidInput(problems)
        terms = terms_of(original).model_copy(update={"start_date": start, "end_date": end})
        try:
            renewal = await self.create(
                original["agency_id"], staff_id, original["beneficiary_id"], terms, now, original["_id"]
            )
        except DuplicateKeyError:  # made before (a retry): found by the unique index that refused this one
            made = await self.conventions.find_one({"renewal_of": original["_id"]})
            if made is None:
                raise
            renewal = made
        changes = {
            "status": Status.RENEWED.value,
            "renewal_id": renewal["_id"],
            "updated_at": now,
            "history": [
                *original.get("history", []),
                entry(Action.RENEW.value, staff_id, current, Status.RENEWED, now),
            ],
        }
        step = Step(original, changes, now=now)
        extra = {"renewal_id": renewal["_id"]}
        step.events.append(
            step_event(step.after, "renewed", step.version, current.value, Action.RENEW, Actor.COUNSELLOR, extra)
        )
        await self.commit(step)
        return renewal


def entry(action: str, by: str, frm: Status | None, to: Status, now: datetime) -> Document:
    return {"action": action, "by": by, "from": frm.value if frm else None, "to": to.value, "at": now}
