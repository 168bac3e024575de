"""A beneficiary erased in profiles: their open conventions are cancelled, and every convention loses
their name, contacts, legal representative and the assessment's words; the host, the dates and the
codes stay, for the legal limits and the statistics."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import PersonErasedV1, PersonKind
from services.kit.mongo import Document
from services.placements.adapters.projections import Projections
from services.placements.convention_events import contacts_event, events_of
from services.placements.conventions import ConventionDesk, Party, Step
from services.placements.domain.convention import ERASED
from services.placements.domain.lifecycle import Action, Actor, RefusedTransition

PERSONAL = {"placements.convention.contacts_changed"}  # the one event type with the beneficiary's contacts
PLATFORM = Party(frozenset({Actor.COUNSELLOR, Actor.VALIDATOR, Actor.SYSTEM}), "system")


def scrubbed(document: Document) -> Document:
    """The document's fields without the erased beneficiary's personal data, and with no link left (nor
    anything for the scheduler to do)."""
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
    scrubbed = {"terms": terms, "assessment": assessment, "reason": reason, "links": {}, "erased": True}
    return {**kept, **scrubbed, "next_due_at": None}


class Erasure:
    def __init__(self, desk: ConventionDesk, projections: Projections) -> None:
        self.desk = desk
        self.projections = projections

    async def on_person_erased(self, envelope: Envelope, payload: PersonErasedV1) -> None:
        await self.projections.forget(payload)
        if payload.person_kind != PersonKind.BENEFICIARY:
            return
        now = datetime.now(UTC)
        for document in await self.desk.of_beneficiary(payload.person_id):
            if not document.get("erased"):
                await self._erase(document, now)

    async def _erase(self, document: Document, now: datetime) -> None:
        """One write: the cancellation (if the convention is open), the scrubbing, and the new contact points
        in place of any pending ones, which hold the contacts being erased."""
        step = Step(document, {})
        with contextlib.suppress(RefusedTransition):  # completed, assessed or ended: nothing to cancel
            step = await self.desk.decide(document, Action.CANCEL, PLATFORM, now, reason="erasure")
        after = {**scrubbed(step.after), "_id": document["_id"]}
        events = [e for e in step.events if e.event_type != "placements.convention.link_issued"]
        events.append(contacts_event(after, step.version))
        pending = [e for e in document.get("outbox", []) if e["headers"].get("ce_type") not in PERSONAL]
        await self.desk.outbox.replace(
            self.desk.conventions,
            document["_id"],
            document["version"],
            scrubbed(step.after),
            events_of(events),
            pending,
        )
