"""The parties' secure links: bound to one convention and one role, working once, expiring, replaced when
sent again, stored only as a hash. What they refuse is said in French: the person holding the phone
reads it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.contracts.events.placements import LinkPurpose, PartyRole
from services.contracts.links import CONVENTION_PARTY
from services.kit import links
from services.kit.domain import InvalidInput
from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate
from services.placements.conventions import (
    SYSTEM,
    ConventionDesk,
    NotFound,
    Party,
    Refused,
    Step,
    entry,
    terms_of,
    token_hash,
)
from services.placements.domain.convention import ROLE_LABELS, assessment_problems
from services.placements.domain.lifecycle import (
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Actor,
    RefusedTransition,
    Status,
)

ATTEMPTS = 3
RESEND_MINIMUM = timedelta(days=2)

# which link each party step is taken with; who may take it is the TRANSITIONS table's to say
LINK_PURPOSE: dict[Action, LinkPurpose] = {
    Action.CONFIRM: LinkPurpose.CONFIRM,
    Action.DECLINE: LinkPurpose.CONFIRM,
    Action.SIGN: LinkPurpose.SIGN,
    Action.SUBMIT_ASSESSMENT: LinkPurpose.ASSESS,
    Action.AGREE_ASSESSMENT: LinkPurpose.AGREE,
    Action.CONTEST_ASSESSMENT: LinkPurpose.AGREE,
}


def roles_for(action: Action) -> frozenset[PartyRole]:
    """The parties the table lets take `action`, from any status."""
    actors = {actor for (_, step), rule in TRANSITIONS.items() if step is action for actor in rule.actors}
    return frozenset(PartyRole(a.value) for a in actors if a.value in PartyRole._value2member_map_)


class LinkRefused(Exception):
    """403: altered, another convention's or another role's; 409: the convention has moved on; 410: used,
    replaced or expired."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Opened:
    document: Document
    role: PartyRole
    purpose: LinkPurpose | None  # None: a used link, opened to read what became of the convention
    can: tuple[Action, ...]


def possible(document: Document, role: PartyRole, purpose: LinkPurpose) -> tuple[Action, ...]:
    """What a link of this role and purpose can do now. The tutor's link comes on the last day of the
    immersion (the scheduler issues it), so it may act while the convention is still in progress."""
    status, actor = Status(document["status"]), Actor(role.value)
    can = []
    for action, needed in LINK_PURPOSE.items():
        if needed is not purpose or role not in roles_for(action):
            continue
        rule = TRANSITIONS.get((status, action))
        last_day = action is Action.SUBMIT_ASSESSMENT and status is Status.IN_PROGRESS
        if (rule is not None and actor in rule.actors) or last_day:
            can.append(action)
    return tuple(can)


class PartyLinks:
    def __init__(self, desk: ConventionDesk) -> None:
        self.desk = desk

    async def open(self, convention_id: str, token: str, now: datetime, *, reading: bool = False) -> Opened:
        """The convention and what the link may do, or LinkRefused saying why. A used link still opens
        to read (`reading`), so that its holder sees what became of the convention."""
        try:
            subject = CONVENTION_PARTY.subject(self.desk.link_key, token, now)
        except links.LinkExpired as error:
            raise LinkRefused(410, "Ce lien a expiré : demandez à votre conseiller de vous en renvoyer un.") from error
        except links.InvalidLink as error:
            raise LinkRefused(403, "Ce lien n'est pas valide (incomplet ou modifié).") from error
        linked_id, role_name, link_id = [*subject.split(":"), "", ""][:3]
        if linked_id != convention_id:
            raise LinkRefused(403, "Ce lien concerne une autre convention.")
        try:
            document, role = await self.desk.get(convention_id), PartyRole(role_name)
        except (NotFound, ValueError) as error:
            raise LinkRefused(404, "Cette convention n'existe plus.") from error
        if document.get("erased"):
            raise LinkRefused(410, "Cette convention est close : ce lien ne sert plus.")
        if token_hash(token) in document.get("used_links", []):
            if reading:
                return Opened(document, role, None, ())
            raise LinkRefused(410, "Ce lien est déjà utilisé : un lien ne sert qu'une fois.")
        record = document.get("links", {}).get(role.value)
        if record is None or record["link_id"] != link_id or record["hash"] != token_hash(token):
            raise LinkRefused(410, "Ce lien a été remplacé par un plus récent : utilisez le dernier reçu.")
        purpose = LinkPurpose(record["purpose"])
        return Opened(document, role, purpose, possible(document, role, purpose))

    async def act(self, convention_id: str, token: str, action: Action, now: datetime, **details: Any) -> Opened:
        """Two parties signing at the same moment both succeed: a lost race is read again and retried."""
        for _ in range(ATTEMPTS - 1):
            with contextlib.suppress(ConcurrentUpdate):
                return await self._act(convention_id, token, action, now, **details)
        return await self._act(convention_id, token, action, now, **details)

    async def _act(self, convention_id: str, token: str, action: Action, now: datetime, **details: Any) -> Opened:
        opened = await self.open(convention_id, token, now)
        document, role = opened.document, opened.role
        needed = LINK_PURPOSE[action]
        if role not in roles_for(action):
            raise LinkRefused(403, f"Ce lien ne permet pas cette action : c'est un lien « {ROLE_LABELS[role]} ».")
        if opened.purpose is not needed:
            raise LinkRefused(403, "Ce lien sert à une autre étape de la convention.")
        if action not in opened.can:
            label = STATUS_LABELS[Status(document["status"])].lower()
            raise LinkRefused(409, f"Cette étape n'est plus possible : la convention est « {label} ».")
        if action is Action.SUBMIT_ASSESSMENT and document["status"] == Status.IN_PROGRESS.value:
            terms = terms_of(document)
            problems = assessment_problems(details["assessment"], terms.start_date, terms.end_date)
            if problems:
                raise InvalidInput(problems)
            document = await self.desk.act(document, Action.END, SYSTEM, now)  # the last day: it ends now
        try:
            done = await self.desk.act(document, action, Party.link(role), now, used_link=role, **details)
        except RefusedTransition as error:  # moved on between the read and the write
            raise LinkRefused(409, "Cette étape n'est plus possible : la convention vient de changer.") from error
        return Opened(done, role, None, ())

    async def resend(self, document: Document, role: PartyRole, staff_id: str, now: datetime) -> Document:
        """The same purpose again, with a new link: the old one stops working."""
        current = document.get("links", {}).get(role.value)
        if document.get("erased") or current is None or current.get("used_at") is not None:
            raise Refused(f"the {role.value} has no link waiting to be used on this convention")
        purpose = LinkPurpose(current["purpose"])
        if not possible(document, role, purpose):
            raise Refused(f"the {role.value}'s link has nothing left to do: the convention is {document['status']}")
        expires_at = max(current["expires_at"].astimezone(UTC), now + RESEND_MINIMUM)
        step = Step(document, {"updated_at": now}, now=now)
        resent = entry("resend_link", staff_id, None, Status(document["status"]), now)
        step.changes["history"] = [*document.get("history", []), {**resent, "role": role.value}]
        self.desk.issue_link(step, role, purpose, expires_at, reissued=True)
        return await self.desk.commit(step)
