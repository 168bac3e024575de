"""The conventions collection: the only module that knows a convention's stored document. The repository
`Conventions` loads, queries and saves them (a compare-and-set on {_id, version}, the events in the same
write: the outbox); `to_document`/`from_document` translate between the type and the document."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.envelope import Envelope
from services.contracts.events.placements import LinkPurpose, PartyRole
from services.kit.domain import NotFound as KitNotFound
from services.kit.mongo import Document, forget
from services.kit.outbox import ConcurrentUpdate, OutboxWriter
from services.kit.pagination import newest_page
from services.placements.domain.convention import Approval, Convention, Entry, Link, Reason, next_due_at
from services.placements.domain.documents import Summary
from services.placements.domain.events import PERSONAL, TOPIC
from services.placements.domain.lifecycle import Status, Validation, waiting_statuses
from services.placements.domain.terms import Assessment, Terms

log = logging.getLogger(__name__)

CONVENTIONS = "conventions"
# what earlier versions kept: per-beneficiary id lists (FerretDB v1 had no secondary index), and indexes a
# sorted list on a secondary key used (the engine sorts the whole match: lists walk the _id index instead)
FORMER_COLLECTIONS = ("conventions_by_beneficiary",)
FORMER_INDEXES = ("agency_newest_first", "status")
SUMMARY_FIELDS = {"status": 1, "terms": 1, "assessment": 1, "renewal_of": 1, "created_at": 1}  # an export row's


class NotFound(KitNotFound):
    """No such convention (or not the agency's): 404."""

    code = "convention_not_found"


async def prepare_database(database: AsyncDatabase[Document]) -> None:
    """At start-up, after the declared indexes (`adapters/indexes.py`): what earlier versions left goes, and
    conventions stored before `next_due_at` existed get theirs (found by the index: those lacking it), so
    that the scheduler misses none. Idempotent; two instances may do it at once."""
    await forget(database, FORMER_COLLECTIONS, {CONVENTIONS: FORMER_INDEXES})
    conventions = database[CONVENTIONS]
    adopted = 0
    async for document in conventions.find({"next_due_at": {"$exists": False}}):
        due = {"next_due_at": next_due_at(from_document(document))}
        await conventions.update_one({"_id": document["_id"], "next_due_at": {"$exists": False}}, {"$set": due})
        adopted += 1
    if adopted:
        log.info("%d conventions stored before next_due_at got theirs", adopted)


# -- the document ---------------------------------------------------------------------------------------


def _link_document(link: Link) -> Document:
    return {
        "link_id": link.link_id,
        "hash": link.hash,
        "purpose": link.purpose.value,
        "expires_at": link.expires_at,
        "used_at": link.used_at,
    }


def to_document(c: Convention) -> Document:
    """The stored document; the fields a step adds (reason, approvals, renewal, ...) only once they exist."""
    document: Document = {
        "_id": c.id,
        "agency_id": c.agency_id,
        "beneficiary_id": c.beneficiary_id,
        "counsellor_id": c.counsellor_id,
        "created_by": c.created_by,
        "minor": c.minor,
        "status": c.status.value,
        "terms": c.terms.model_dump(mode="json"),
        "signatures": {role.value: at.isoformat() for role, at in c.signatures.items()},
        "links": {role.value: _link_document(link) for role, link in c.links.items()},
        "assessment": c.assessment.model_dump(mode="json") if c.assessment else None,
        "reminders_sent": list(c.reminders_sent),
        "renewal_of": c.renewal_of,
        "created_at": c.created_at,
        "history": [e.record() for e in c.history],
        "next_due_at": c.next_due_at,
        "version": c.version,
    }
    if c.used_links:
        document["used_links"] = list(c.used_links)
    if c.updated_at is not None:
        document["updated_at"] = c.updated_at
    if c.updated_by is not None:
        document["updated_by"] = c.updated_by
    if c.reason is not None or c.erased:
        reason = c.reason
        document["reason"] = vars(reason).copy() if reason else None
    for name, approval in (("pre_validated", c.pre_validated), ("validated", c.validated)):
        if approval is not None:
            document[f"{name}_by"], document[f"{name}_at"] = approval.by, approval.at
    if c.renewal_id is not None:
        document["renewal_id"] = c.renewal_id
    if c.erased:
        document["erased"] = True
    return document


def _entry(d: Document) -> Entry:
    previous = d.get("from")
    role = d.get("role")
    return Entry(
        d["action"],
        d["by"],
        Status(previous) if previous else None,
        Status(d["to"]),
        d["at"],
        PartyRole(role) if role else None,
    )


def _link(d: Document) -> Link:
    return Link(d["link_id"], d["hash"], LinkPurpose(d["purpose"]), d["expires_at"], d.get("used_at"))


def _approval(d: Document, name: str) -> Approval | None:
    by = d.get(f"{name}_by")
    return Approval(by, d[f"{name}_at"]) if by is not None else None


def from_document(d: Document) -> Convention:
    reason = d.get("reason")
    assessment = d.get("assessment")
    return Convention(
        id=d["_id"],
        agency_id=d["agency_id"],
        beneficiary_id=d["beneficiary_id"],
        counsellor_id=d["counsellor_id"],
        created_by=d.get("created_by", ""),
        minor=d["minor"],
        status=Status(d["status"]),
        terms=Terms.model_validate(d["terms"]),
        created_at=d["created_at"],
        version=d["version"],
        signatures={PartyRole(r): datetime.fromisoformat(at) for r, at in d.get("signatures", {}).items()},
        links={PartyRole(r): _link(link) for r, link in d.get("links", {}).items()},
        used_links=tuple(d.get("used_links", ())),
        assessment=Assessment.model_validate(assessment) if assessment else None,
        reminders_sent=tuple(d.get("reminders_sent", ())),
        renewal_of=d.get("renewal_of"),
        renewal_id=d.get("renewal_id"),
        reason=Reason(reason["code"], reason.get("note", ""), reason.get("by", ""), reason.get("at"))
        if reason
        else None,
        pre_validated=_approval(d, "pre_validated"),
        validated=_approval(d, "validated"),
        history=tuple(_entry(e) for e in d.get("history", ())),
        updated_at=d.get("updated_at"),
        updated_by=d.get("updated_by"),
        next_due_at=d.get("next_due_at"),
        erased=bool(d.get("erased")),
    )


def _summary(d: Document) -> Summary:
    assessment = d.get("assessment")
    return Summary(
        d["_id"],
        Status(d["status"]),
        Terms.model_validate(d["terms"]),
        Assessment.model_validate(assessment) if assessment else None,
        d.get("renewal_of"),
        d.get("created_at"),
    )


def _events(envelopes: list[Envelope]) -> list[tuple[Envelope, str]]:
    return [(e, TOPIC) for e in envelopes]


# -- the queries ------------------------------------------------------------------------------------------


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


class Conventions:
    def __init__(self, database: AsyncDatabase[Document], outbox: OutboxWriter) -> None:
        self.collection = database[CONVENTIONS]
        self.outbox = outbox

    # -- reading ----------------------------------------------------------------------------------

    async def load(self, convention_id: str) -> Convention | None:
        document = await self.collection.find_one({"_id": convention_id})
        return from_document(document) if document is not None else None

    async def get(self, convention_id: str, agency_id: str | None = None) -> Convention:
        """The convention, of `agency_id` when given; NotFound otherwise."""
        convention = await self.load(convention_id)
        if convention is None or (agency_id is not None and convention.agency_id != agency_id):
            raise NotFound("Cette convention n'existe pas ou ne concerne pas votre agence.", id=convention_id)
        return convention

    async def renewal_of(self, convention_id: str) -> Convention | None:
        """The renewal of a convention, if made (by the unique index on `renewal_of`)."""
        document = await self.collection.find_one({"renewal_of": convention_id})
        return from_document(document) if document is not None else None

    async def of_beneficiary(self, beneficiary_id: str) -> list[Convention]:
        """A beneficiary's conventions (a handful: by their index, no page needed)."""
        return [from_document(d) async for d in self.collection.find({"beneficiary_id": beneficiary_id})]

    async def of_agency(self, selection: Selection, after: str | None = None, limit: int = 50) -> list[Convention]:
        """A page of the agency's conventions, newest first, after the cursor `after` (an `_id`): the engine
        walks the `_id` index in order and stops at the limit (see `services.kit.pagination`). One
        beneficiary's are a handful: read by their index and ordered here (under an `_id` range the engine
        would walk the `_id` index instead, through the whole agency)."""
        return [from_document(d) for d in await self._page(selection, after, limit)]

    async def summaries_of_agency(self, selection: Selection, size: int = 500) -> AsyncIterator[list[Summary]]:
        """What an export shows of every convention of the selection, page after page, never all in memory."""
        after: str | None = None
        while True:
            page = await self._page(selection, after, size, SUMMARY_FIELDS)
            if page:
                yield [_summary(d) for d in page]
            if len(page) < size:
                return
            after = page[-1]["_id"]

    async def _page(
        self, selection: Selection, after: str | None, limit: int, fields: Document | None = None
    ) -> list[Document]:
        query = selection.query()
        if query is None:
            return []
        few = selection.beneficiary_id is not None
        return await newest_page(self.collection, query, after, limit, fields, few=few)

    async def due(self, now: datetime) -> list[Convention]:
        """The conventions the scheduler has something to do for at `now` (by the `next_due_at` index)."""
        return [from_document(d) async for d in self.collection.find({"next_due_at": {"$lte": now}})]

    # -- writing ----------------------------------------------------------------------------------

    async def add(self, convention: Convention, events: list[Envelope]) -> None:
        """A new convention at version 1 with its first events; DuplicateKeyError if it exists (or if the
        convention it renews has its renewal already)."""
        await self.outbox.insert(self.collection, to_document(convention), _events(events))

    async def save(self, convention: Convention, events: list[Envelope]) -> None:
        """One atomic write: the new state and its events, guarded by the version it was read at
        (ConcurrentUpdate when another write came first)."""
        changes = {k: v for k, v in to_document(convention).items() if k not in ("_id", "version")}
        await self.outbox.update(self.collection, convention.id, convention.version - 1, changes, _events(events))

    async def save_erased(self, convention: Convention, events: list[Envelope]) -> None:
        """The whole document replaced (erasure), guarded by the version: its pending events that hold the
        erased contact points go, in favour of `events`."""
        expected = convention.version - 1
        stored = await self.collection.find_one({"_id": convention.id, "version": expected}, {"outbox": 1})
        if stored is None:
            raise ConcurrentUpdate(convention.id, expected)
        pending = [e for e in stored.get("outbox", []) if e["headers"].get("ce_type") not in PERSONAL]
        document = {k: v for k, v in to_document(convention).items() if k not in ("_id", "version")}
        await self.outbox.replace(self.collection, convention.id, expected, document, _events(events), pending)

    async def reschedule(self, convention: Convention, today: date) -> None:
        """Nothing to do today after all (a reminder's moment passed unseen): the next due day after it. The
        field follows from the convention: a change meanwhile (another version) wrote its own."""
        due = {"next_due_at": next_due_at(convention, today)}
        await self.collection.update_one({"_id": convention.id, "version": convention.version}, {"$set": due})
