"""The conventions desk: each step of a convention is one write of its document with its events (outbox),
decided by the pure rules of `domain/`. Staff act through the API, parties through their secure links,
time through `sweep`."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events import placements as contracts
from services.contracts.events.placements import LinkPurpose, PartyRole
from services.contracts.events.profiles import PersonErasedV1, PersonKind
from services.contracts.events.registry import CONVENTION_STEPS
from services.contracts.links import CONVENTION_PARTY_PURPOSE
from services.kit import links
from services.kit.domain import InvalidInput
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate, OutboxWriter, document_lock
from services.placements.adapters.projections import Projections
from services.placements.domain import limits
from services.placements.domain.convention import Assessment, Terms, assessment_problems, signatories, terms_problems
from services.placements.domain.lifecycle import (
    COUNTS_FOR_LIMITS,
    NEEDS_REASON,
    STEP_OF_ACTION,
    Action,
    Actor,
    RefusedTransition,
    Status,
    next_status,
)
from services.placements.domain.reminders import Timeline, plan
from services.placements.domain.working_days import FRANCE, today_in_france
from services.placements.events import event
from services.reference import jobs

log = logging.getLogger(__name__)

CONVENTIONS = "conventions"
BY_BENEFICIARY = "conventions_by_beneficiary"
TOPIC = "placements.convention"
ENDED = frozenset({Status.ASSESSED, Status.REJECTED, Status.CANCELLED, Status.RENEWED, Status.EXPIRED})
OPEN = [s.value for s in Status if s not in ENDED]
ERASED = "[effacé]"
ASSESSMENT_LINK_DAYS = 60
ATTEMPTS = 3


async def ensure_indexes(database: AsyncDatabase[Document]) -> None:
    """For MongoDB in production (FerretDB v1 serves only _id lookups from an index): the agency's list and
    the scheduler's sweep."""
    await database[CONVENTIONS].create_index([("agency_id", 1), ("created_at", -1)], name="agency_newest_first")
    await database[CONVENTIONS].create_index([("status", 1)], name="status")


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


class LinkRefused(Exception):
    """A link that cannot act (403: not this convention or role, altered; 410: used, replaced, expired)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Party:
    """Who acts: a staff member (by id) or a party by link (by role)."""

    actors: frozenset[Actor]
    by: str  # staff id, or the party's role

    @staticmethod
    def link(role: PartyRole) -> Party:
        return Party(frozenset({Actor(role.value)}), role.value)


SYSTEM = Party(frozenset({Actor.SYSTEM}), "system")
LINK_PURPOSES: dict[Action, tuple[LinkPurpose, frozenset[PartyRole]]] = {
    Action.CONFIRM: (LinkPurpose.CONFIRM, frozenset({PartyRole.EMPLOYER})),
    Action.DECLINE: (LinkPurpose.CONFIRM, frozenset({PartyRole.EMPLOYER})),
    Action.SIGN: (
        LinkPurpose.SIGN,
        frozenset({PartyRole.EMPLOYER, PartyRole.BENEFICIARY, PartyRole.LEGAL_REPRESENTATIVE}),
    ),
    Action.SUBMIT_ASSESSMENT: (LinkPurpose.ASSESS, frozenset({PartyRole.TUTOR})),
    Action.AGREE_ASSESSMENT: (LinkPurpose.AGREE, frozenset({PartyRole.BENEFICIARY})),
    Action.CONTEST_ASSESSMENT: (LinkPurpose.AGREE, frozenset({PartyRole.BENEFICIARY})),
}
ROLE_NAMES = {
    PartyRole.EMPLOYER: "de la structure d'accueil",
    PartyRole.TUTOR: "du tuteur",
    PartyRole.BENEFICIARY: "du bénéficiaire",
    PartyRole.LEGAL_REPRESENTATIVE: "du représentant légal",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), FRANCE).astimezone(UTC)


def terms_of(document: Document) -> Terms:
    return Terms.model_validate(document["terms"])


def missing_signatures(document: Document) -> tuple[PartyRole, ...]:
    signed = document.get("signatures", {})
    return tuple(r for r in signatories(terms_of(document)) if r.value not in signed)


class ConventionDesk:
    def __init__(
        self, database: AsyncDatabase[Document], outbox: OutboxWriter, projections: Projections, link_key: str
    ) -> None:
        self.conventions = database[CONVENTIONS]
        self.by_beneficiary = database[BY_BENEFICIARY]
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
        """A beneficiary's conventions, by _id through their list (a filter on another field would read the
        whole collection on FerretDB)."""
        listed = await self.by_beneficiary.find_one({"_id": beneficiary_id})
        found = [await self.conventions.find_one({"_id": i}) for i in (listed or {}).get("ids", [])]
        return [d for d in found if d is not None]

    async def _list_for_beneficiary(self, beneficiary_id: str, convention_id: str) -> None:
        """Written before the convention itself: a crash in between leaves an id that leads nowhere, never
        a convention the limits would miss."""
        async with document_lock(self.by_beneficiary):
            await self.by_beneficiary.update_one(
                {"_id": beneficiary_id}, {"$addToSet": {"ids": convention_id}}, upsert=True
            )

    async def of_agency(
        self, agency_id: str, status: Status | None = None, beneficiary_id: str | None = None
    ) -> list[Document]:
        query: dict[str, Any] = {"agency_id": agency_id}
        if status is not None:
            query["status"] = status.value
        if beneficiary_id is not None:
            query["beneficiary_id"] = beneficiary_id
        return await self.conventions.find(query).sort("created_at", -1).to_list()

    # -- the counsellor writes it -------------------------------------------------------------------

    async def create(
        self, agency_id: str, staff_id: str, beneficiary_id: str, terms: Terms, now: datetime, renewal_of: str = ""
    ) -> Document:
        beneficiary = await self.projections.beneficiary(beneficiary_id)
        if beneficiary is None or beneficiary.agency_id != agency_id:
            raise UnknownBeneficiary(beneficiary_id)
        if not beneficiary.active:
            raise Refused("this beneficiary's accompaniment is closed")
        convention_id = (
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"renewal:{renewal_of}")) if renewal_of else str(uuid.uuid4())
        )
        await self._check(convention_id, beneficiary_id, beneficiary.minor, terms, now, renewal_of or None)
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
            "history": [self._entry("draft", staff_id, None, Status.DRAFT, now)],
        }
        drafted = self._step_event(document, "drafted", 1, None, "draft", Actor.COUNSELLOR, {})
        await self._list_for_beneficiary(beneficiary_id, convention_id)
        await self.outbox.insert(self.conventions, document, events_of([drafted, self._contacts_event(document, 1)]))
        document["version"] = 1
        return document

    async def _check(
        self, convention_id: str, beneficiary_id: str, minor: bool, terms: Terms, now: datetime, renewal_of: str | None
    ) -> None:
        problems = terms_problems(terms, minor, today_in_france(now))
        problems += await self._limit_problems(convention_id, beneficiary_id, terms, renewal_of)
        if problems:
            raise InvalidInput(problems)

    async def _limit_problems(
        self, convention_id: str, beneficiary_id: str, terms: Terms, renewal_of: str | None
    ) -> limits.Problems:
        others = [o for o in await self.of_beneficiary(beneficiary_id) if Status(o["status"]) in COUNTS_FOR_LIMITS]
        stays = [
            limits.Stay(
                o["_id"],
                date.fromisoformat(o["terms"]["start_date"]),
                date.fromisoformat(o["terms"]["end_date"]),
                contracts.Objective(o["terms"]["objective"]),
                o.get("renewal_of"),
            )
            for o in others
            if o["terms"]["host"]["siret"] == terms.host.siret
        ]
        new = limits.Stay(convention_id, terms.start_date, terms.end_date, terms.objective, renewal_of)
        return limits.same_host_problems(new, stays)

    async def edit(self, document: Document, terms: Terms, staff_id: str, now: datetime) -> Document:
        if document["status"] != Status.DRAFT.value:
            raise Refused(f"only a draft can be changed; this convention is {document['status']}: revise it first")
        await self._check(
            document["_id"], document["beneficiary_id"], document["minor"], terms, now, document.get("renewal_of")
        )
        if document.get("renewal_of") and terms.objective.value != document["terms"]["objective"]:
            raise InvalidInput([("objective", "a renewal keeps the objective of the convention it renews")])
        changed = {**document, "terms": terms.model_dump(mode="json")}
        version = document["version"] + 1
        changes = {"terms": changed["terms"], "updated_at": now, "updated_by": staff_id}
        await self.outbox.update(
            self.conventions,
            document["_id"],
            document["version"],
            changes,
            events_of([self._contacts_event(changed, version)]),
        )
        return {**changed, **changes, "version": version}

    # -- steps ------------------------------------------------------------------------------------

    async def act(
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
    ) -> Document:
        """Take one step of the table, with what it needs and what follows from it, in one write."""
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
            problems = await self._limit_problems(
                document["_id"], document["beneficiary_id"], terms, document.get("renewal_of")
            )
            problems += limits.period_problems(terms.start_date, terms.end_date, today_in_france(now))
            if problems:
                raise InvalidInput(problems)
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
        elif action in (Action.PRE_VALIDATE, Action.VALIDATE):
            changes[f"{action.value}d_by"] = party.by
            changes[f"{action.value}d_at"] = now
        elif action is Action.SUBMIT_ASSESSMENT:
            assert assessment is not None
            problems = assessment_problems(assessment, terms.start_date, terms.end_date)
            if problems:
                raise InvalidInput(problems)
            changes["assessment"] = assessment.model_dump(mode="json")
            issued.append((PartyRole.BENEFICIARY, LinkPurpose.AGREE, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
        elif action is Action.CONTEST_ASSESSMENT:
            issued.append((PartyRole.TUTOR, LinkPurpose.ASSESS, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
        if action in (Action.SUBMIT_ASSESSMENT, Action.AGREE_ASSESSMENT):
            extra |= self._assessment_fields(changes.get("assessment") or document["assessment"], terms)
        if reason:
            changes["reason"] = {"code": reason, "note": note, "by": party.by, "at": now}
            extra["reason"] = reason
        if used_link is not None:
            links_now: Document = changes.get("links") or document.get("links") or {}
            changes["links"] = {**links_now, used_link.value: {**links_now[used_link.value], "used_at": now}}
            changes["used_links"] = [*document.get("used_links", []), links_now[used_link.value]["hash"]]
        changes["history"] = [*document.get("history", []), self._entry(action.value, party.by, current, target, now)]
        return await self._write(document, changes, action, party, extra, issued, now)

    async def _write(
        self,
        document: Document,
        changes: Document,
        action: Action,
        party: Party,
        extra: Document,
        issued: list[tuple[PartyRole, LinkPurpose, datetime]],
        now: datetime,
        more_events: list[Envelope] | None = None,
    ) -> Document:
        version = document["version"] + 1
        changed = {**document, **changes}
        actor = Actor.SYSTEM if Actor.SYSTEM in party.actors else min(party.actors)
        events = [self._step_event(changed, STEP_OF_ACTION[action], version, document["status"], action, actor, extra)]
        if issued:
            records = dict(changed.get("links", {}))
            for role, purpose, expires_at in issued:
                records[role.value], envelope = self._issue(changed, version, role, purpose, expires_at, False)
                events.append(envelope)
            changes["links"] = changed["links"] = records
        events += more_events or []
        await self.outbox.update(self.conventions, document["_id"], document["version"], changes, events_of(events))
        return {**changed, "version": version}

    def _issue(
        self,
        document: Document,
        version: int,
        role: PartyRole,
        purpose: LinkPurpose,
        expires_at: datetime,
        reissued: bool,
    ) -> tuple[Document, Envelope]:
        """A new link for `role` (replacing any earlier one): only its hash is kept; notifications signs the
        same token from the event and the shared key."""
        link_id = uuid.uuid4().hex[:16]
        token = links.convention_link(self.link_key, document["_id"], role.value, link_id, expires_at)
        record = {
            "link_id": link_id,
            "hash": token_hash(token),
            "purpose": purpose.value,
            "expires_at": expires_at,
            "used_at": None,
        }
        payload = contracts.LinkIssuedV1(
            convention_id=document["_id"],
            agency_id=document["agency_id"],
            role=role,
            link_id=link_id,
            purpose=purpose,
            expires_at=expires_at,
            reissued=reissued,
        )
        envelope = event(
            "placements.convention.link_issued", "convention", document["_id"], version, document["agency_id"], payload
        )
        return record, envelope

    async def resend_link(self, document: Document, role: PartyRole, staff_id: str, now: datetime) -> Document:
        """The same purpose again, with a new link: the old one stops working."""
        current = document.get("links", {}).get(role.value)
        if current is None or current.get("used_at") is not None:
            raise Refused(f"{role.value} has no link waiting to be used on this convention")
        if role.value == PartyRole.LEGAL_REPRESENTATIVE and not document["terms"].get("legal_representative"):
            raise Refused("this convention has no legal representative")
        version = document["version"] + 1
        expires_at = max(current["expires_at"].replace(tzinfo=UTC), now + timedelta(days=2))
        record, envelope = self._issue(document, version, role, LinkPurpose(current["purpose"]), expires_at, True)
        changes = {"links": {**document["links"], role.value: record}, "updated_at": now}
        changes["history"] = [
            *document.get("history", []),
            {"action": "resend_link", "role": role.value, "by": staff_id, "at": now},
        ]
        await self.outbox.update(self.conventions, document["_id"], document["version"], changes, events_of([envelope]))
        return {**document, **changes, "version": version}

    # -- links --------------------------------------------------------------------------------------

    async def by_link(self, convention_id: str, token: str, now: datetime) -> tuple[Document, PartyRole]:
        """The convention and the role a link acts for, or LinkRefused saying why (in French: people read it)."""
        try:
            subject = links.verify(self.link_key, token, CONVENTION_PARTY_PURPOSE, now)
        except links.LinkExpired as error:
            raise LinkRefused(410, "Ce lien a expiré : demandez à votre conseiller de vous en renvoyer un.") from error
        except links.InvalidLink as error:
            raise LinkRefused(403, "Ce lien n'est pas valide (incomplet ou modifié).") from error
        linked_id, role_name, link_id = [*subject.split(":"), "", ""][:3]
        if linked_id != convention_id:
            raise LinkRefused(403, "Ce lien concerne une autre convention.")
        try:
            document, role = await self.get(convention_id), PartyRole(role_name)
        except (NotFound, ValueError) as error:
            raise LinkRefused(404, "Cette convention n'existe plus.") from error
        if token_hash(token) in document.get("used_links", []):
            raise LinkRefused(410, "Ce lien est déjà utilisé : un lien ne sert qu'une fois.")
        record = document.get("links", {}).get(role.value)
        if record is None or record["link_id"] != link_id or record["hash"] != token_hash(token):
            raise LinkRefused(410, "Ce lien a été remplacé par un plus récent : utilisez le dernier reçu.")
        return document, role

    async def act_by_link(
        self, convention_id: str, token: str, action: Action, now: datetime, **details: Any
    ) -> Document:
        """Two parties signing at the same moment both succeed: a lost race is read again and retried."""
        for _ in range(ATTEMPTS - 1):
            with contextlib.suppress(ConcurrentUpdate):
                return await self._act_by_link(convention_id, token, action, now, **details)
        return await self._act_by_link(convention_id, token, action, now, **details)

    async def _act_by_link(
        self, convention_id: str, token: str, action: Action, now: datetime, **details: Any
    ) -> Document:
        document, role = await self.by_link(convention_id, token, now)
        purpose, roles = LINK_PURPOSES[action]
        if role not in roles:
            raise LinkRefused(403, f"Ce lien est celui {ROLE_NAMES[role]} : il ne permet pas cette action.")
        record = document["links"][role.value]
        if record.get("used_at") is not None:
            raise LinkRefused(410, "Ce lien est déjà utilisé : un lien ne sert qu'une fois.")
        if record["purpose"] != purpose.value:
            raise LinkRefused(403, "Ce lien sert à une autre étape de la convention.")
        return await self.act(document, action, Party.link(role), now, used_link=role, **details)

    # -- time ---------------------------------------------------------------------------------------

    async def sweep(self, now: datetime) -> dict[str, int]:
        """Reminders due and steps time takes (start, end, expiry), each once: what was sent is written
        with its events in one write, so a restart or a second instance finds it done."""
        today = today_in_france(now)
        counts = {"reminders": 0, "steps": 0}
        for document in await self.conventions.find({"status": {"$in": OPEN}}).to_list():
            try:
                await self._sweep_one(document, today, now, counts)
            except ConcurrentUpdate:
                log.info("convention %s changed during the sweep; next sweep takes it", document["_id"])
        return counts

    async def _sweep_one(self, document: Document, today: date, now: datetime, counts: dict[str, int]) -> None:
        for _ in range(len(Status)):
            timeline = Timeline(
                Status(document["status"]),
                date.fromisoformat(document["terms"]["start_date"]),
                date.fromisoformat(document["terms"]["end_date"]),
                missing_signatures(document),
                frozenset(document.get("reminders_sent", [])),
            )
            due = plan(timeline, today)
            if due.action is not None:
                document = await self.act(document, due.action, SYSTEM, now)
                counts["steps"] += 1
                continue
            if due.reminders:
                await self._remind(document, due.reminders, now)
                counts["reminders"] += len(due.reminders)
            return

    async def _remind(self, document: Document, reminders: Any, now: datetime) -> None:
        version = document["version"] + 1
        events: list[Envelope] = []
        records = dict(document.get("links", {}))
        for reminder in reminders:
            tutor = records.get(PartyRole.TUTOR.value)
            if reminder.kind is contracts.ReminderKind.ASSESSMENT_REQUEST and (tutor is None or tutor["used_at"]):
                expires_at = now + timedelta(days=ASSESSMENT_LINK_DAYS)
                record, envelope = self._issue(
                    document, version, PartyRole.TUTOR, LinkPurpose.ASSESS, expires_at, False
                )
                records[PartyRole.TUTOR.value] = record
                events.append(envelope)
            payload = contracts.ReminderDueV1(
                convention_id=document["_id"],
                agency_id=document["agency_id"],
                counsellor_id=document["counsellor_id"],
                kind=reminder.kind,
                key=reminder.key,
                recipients=list(reminder.recipients),
                start_date=document["terms"]["start_date"],
                end_date=document["terms"]["end_date"],
            )
            events.append(
                event(
                    "placements.convention.reminder_due",
                    "convention",
                    document["_id"],
                    version,
                    document["agency_id"],
                    payload,
                )
            )
        changes = {
            "reminders_sent": [*document.get("reminders_sent", []), *(r.key for r in reminders)],
            "links": records,
        }
        await self.outbox.update(self.conventions, document["_id"], document["version"], changes, events_of(events))

    # -- renewal ------------------------------------------------------------------------------------

    async def renew(self, original: Document, staff_id: str, start: date, end: date, now: datetime) -> Document:
        """A new draft with the same host, tutor and objective for new dates; the original becomes renewed.
        The renewal's id follows from the original's, so a retry after a crash finds it."""
        assessment = original.get("assessment") or {}
        stay = limits.Stay(
            original["_id"],
            date.fromisoformat(original["terms"]["start_date"]),
            date.fromisoformat(original["terms"]["end_date"]),
            contracts.Objective(original["terms"]["objective"]),
            original.get("renewal_of"),
        )
        problems = limits.renewal_problems(
            stay, assessment.get("objectives_met"), 1 if original.get("renewal_id") else 0
        )
        if problems:
            raise InvalidInput(problems)
        validation = await self.projections.validation_of(original["agency_id"])
        next_status(Status(original["status"]), Action.RENEW, frozenset({Actor.COUNSELLOR}), validation)
        terms = terms_of(original).model_copy(update={"start_date": start, "end_date": end})
        try:
            renewal = await self.create(
                original["agency_id"], staff_id, original["beneficiary_id"], terms, now, original["_id"]
            )
        except DuplicateKeyError:
            renewal = await self.get(str(uuid.uuid5(uuid.NAMESPACE_URL, f"renewal:{original['_id']}")))
        changes = {
            "status": Status.RENEWED.value,
            "renewal_id": renewal["_id"],
            "updated_at": now,
            "history": [
                *original.get("history", []),
                self._entry(Action.RENEW.value, staff_id, Status(original["status"]), Status.RENEWED, now),
            ],
        }
        party = Party(frozenset({Actor.COUNSELLOR}), staff_id)
        await self._write(original, changes, Action.RENEW, party, {"renewal_id": renewal["_id"]}, [], now)
        return renewal

    # -- erasure ------------------------------------------------------------------------------------

    async def on_person_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        """The beneficiary's name, contacts, legal representative and the assessment's words go; open
        conventions are cancelled (the host and the dates stay, for the limits and the statistics)."""
        await self.projections.forget(payload)
        if payload.person_kind != PersonKind.BENEFICIARY:
            return
        now = datetime.now(UTC)
        for document in await self.of_beneficiary(payload.person_id):
            if document.get("erased"):
                continue
            with contextlib.suppress(RefusedTransition):  # completed or assessed: nothing to cancel
                document = await self.act(document, Action.CANCEL, SYSTEM_STAFF, now, reason="erasure")
            scrubbed = scrub(document)
            contacts = self._contacts_event({**scrubbed, "_id": document["_id"]}, document["version"] + 1)
            await self.outbox.replace(
                self.conventions, document["_id"], document["version"], scrubbed, events_of([contacts])
            )

    # -- events -------------------------------------------------------------------------------------

    @staticmethod
    def _entry(action: str, by: str, frm: Status | None, to: Status, now: datetime) -> Document:
        return {"action": action, "by": by, "from": frm.value if frm else None, "to": to.value, "at": now}

    @staticmethod
    def _assessment_fields(assessment: Document, terms: Terms) -> Document:
        sectors = jobs.sectors_of(terms.rome_code)
        return {
            "naf_division": sectors[0] if sectors else None,
            "attendance": assessment["attendance"],
            "objectives_met": assessment["objectives_met"],
            "hired": assessment["hired"],
            "contract_kind": assessment.get("contract_kind"),
            "hiring_start": assessment.get("hiring_start"),
            "project_conclusion": assessment["project_conclusion"],
        }

    @staticmethod
    def _step_event(
        document: Document, step: str, version: int, previous: str | None, action: str, actor: Actor, extra: Document
    ) -> Envelope:
        terms = document["terms"]
        payload = CONVENTION_STEPS[step].model_validate(
            {
                "convention_id": document["_id"],
                "agency_id": document["agency_id"],
                "beneficiary_id": document["beneficiary_id"],
                "counsellor_id": document["counsellor_id"],
                "status": document["status"],
                "previous_status": previous,
                "action": action,
                "actor": actor.value,
                "objective": terms["objective"],
                "rome_code": terms["rome_code"],
                "host_siret": terms["host"]["siret"],
                "place_id": terms["host"]["place_id"],
                "start_date": terms["start_date"],
                "end_date": terms["end_date"],
                "renewal_of": document.get("renewal_of"),
                **extra,
            }
        )
        return event(
            f"placements.convention.{step}", "convention", document["_id"], version, document["agency_id"], payload
        )

    @staticmethod
    def _contacts_event(document: Document, version: int) -> Envelope:
        terms = document["terms"]
        contacts = [
            contracts.Contact(
                role=PartyRole.EMPLOYER,
                name=terms["host"]["contact_name"],
                email=terms["host"]["email"],
                phone=terms["host"]["phone"],
            ),
            contracts.Contact(
                role=PartyRole.TUTOR,
                name=terms["tutor"]["name"],
                email=terms["tutor"]["email"],
                phone=terms["tutor"]["phone"],
            ),
        ]
        person = terms["beneficiary"]
        if person["email"] and person["first_name"] != ERASED:
            name = f"{person['first_name']} {person['last_name']}"
            contacts.append(
                contracts.Contact(role=PartyRole.BENEFICIARY, name=name, email=person["email"], phone=person["phone"])
            )
        representative = terms.get("legal_representative")
        if representative:
            contacts.append(
                contracts.Contact(
                    role=PartyRole.LEGAL_REPRESENTATIVE,
                    name=representative["name"],
                    email=representative["email"],
                    phone=representative["phone"],
                )
            )
        payload = contracts.ContactsChangedV1(
            convention_id=document["_id"],
            agency_id=document["agency_id"],
            beneficiary_id=document["beneficiary_id"],
            contacts=contacts,
        )
        return event(
            "placements.convention.contacts_changed",
            "convention",
            document["_id"],
            version,
            document["agency_id"],
            payload,
        )


SYSTEM_STAFF = Party(frozenset({Actor.COUNSELLOR, Actor.VALIDATOR, Actor.SYSTEM}), "system")


def events_of(envelopes: list[Envelope]) -> list[tuple[Envelope, str]]:
    return [(e, TOPIC) for e in envelopes]


def scrub(document: Document) -> Document:
    """The convention without the erased beneficiary's personal data."""
    terms = dict(document["terms"])
    terms["beneficiary"] = {"first_name": ERASED, "last_name": ERASED, "email": "", "phone": ""}
    terms["legal_representative"] = None
    assessment = document.get("assessment")
    if assessment:
        assessment = {**assessment, "comments": "", "no_show_reason": "", "skills_observed": []}
    reason = document.get("reason")
    if reason:
        reason = {**reason, "note": ""}
    kept = {k: v for k, v in document.items() if k not in ("_id", "version", "outbox")}
    return {**kept, "terms": terms, "assessment": assessment, "reason": reason, "erased": True}
