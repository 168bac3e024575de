"""A staff member's inbox entry and its life cycle, in one pure `decide`.

An entry is delivered unread. It is pushed live once (the push is the `notifications.delivery.created`
event every instance reads to reach the person's open browsers), whether or not it was read meanwhile (a
redelivered event after a crash between storing and pushing). A grouped suggestion grows instead of
being delivered again (`domain.naming.group_key`): it is then unread and pushed again, under a new
`sequence`, as the same notification. Only its owner reads it; reading it again
changes nothing. The TRANSITIONS table says which action applies in which status and who may take it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from services.contracts.envelope import Envelope
from services.contracts.events.notifications import NotificationCreatedV1
from services.kit.domain import domain_event
from services.notifications.domain.naming import NO_NAMES, text

PRODUCER = "notifications"
PUSHED_EVENT = "notifications.delivery.created"
AGGREGATE_TYPE = "delivery"


class Status(StrEnum):
    UNREAD = "unread"
    READ = "read"


class Action(StrEnum):
    PUSH = "push"
    READ = "read"


class Role(StrEnum):
    OWNER = "owner"  # the staff member whose inbox holds the entry
    DISPATCHER = "dispatcher"  # the service, as it delivers an event


@dataclass(frozen=True)
class Actor:
    role: Role
    staff_id: str = ""


DISPATCHER = Actor(Role.DISPATCHER)


def owner(staff_id: str) -> Actor:
    return Actor(Role.OWNER, staff_id)


# (status, action) -> (status after, who may): every pair exists; what is refused is the wrong person, or a
# second push
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, frozenset[Role]]] = {
    (Status.UNREAD, Action.PUSH): (Status.UNREAD, frozenset({Role.DISPATCHER})),
    (Status.READ, Action.PUSH): (Status.READ, frozenset({Role.DISPATCHER})),
    (Status.UNREAD, Action.READ): (Status.READ, frozenset({Role.OWNER})),
    (Status.READ, Action.READ): (Status.READ, frozenset({Role.OWNER})),
}


class Refused(Exception):
    """The action does not apply to this entry."""


class NotYours(Refused):
    """Someone other than its owner (an entry of someone else's inbox is as good as absent to them)."""


class NotAllowed(Refused):
    def __init__(self, role: Role, action: Action) -> None:
        super().__init__(f"the {role} cannot {action} an inbox entry")
        self.role, self.action = role, action


class AlreadyPushed(Refused):
    """Its push was recorded: a redelivered event pushes nothing again."""


@dataclass(frozen=True)
class InboxEntry:
    id: str  # time-ordered (`new_id`, made when it is stored): the list's order and the stream's resumption
    key: str | None  # the event and the person: unique (entries stored before it existed have none)
    staff_id: str
    agency_id: str
    kind: str
    title: str
    body: str
    url: str
    subject_id: str
    created_at: datetime
    read: bool = False
    pushed: bool = False
    beneficiary_id: str = ""  # whom it is about: named when shown (`domain.naming`), never stored by name
    peer_ids: tuple[str, ...] = ()  # a grouped suggestion's peers, in the order suggested; or the one peer
    sequence: str = ""  # time-ordered, new when a group grows: what a reconnecting browser resumes after

    @property
    def resumes_at(self) -> str:
        return self.sequence or self.id

    @property
    def status(self) -> Status:
        return Status.READ if self.read else Status.UNREAD

    def notification(self) -> NotificationCreatedV1:
        """The entry as browsers receive it, live or on resuming, without names (they are added as it is shown;
        this is what travels on Kafka)."""
        title, body = text(self.kind, self.title, self.body, self.beneficiary_id, self.peer_ids, NO_NAMES)
        return NotificationCreatedV1(
            notification_id=self.id,
            sequence=self.resumes_at,
            staff_id=self.staff_id,
            agency_id=self.agency_id,
            kind=self.kind,
            title=title,
            body=body,
            beneficiary_id=self.beneficiary_id,
            peer_ids=list(self.peer_ids),
            url=self.url,
            subject_id=self.subject_id,
            created_at=self.created_at,
        )


@dataclass(frozen=True)
class Push:
    action: ClassVar[Action] = Action.PUSH


@dataclass(frozen=True)
class MarkRead:
    action: ClassVar[Action] = Action.READ


Command = Push | MarkRead


def decide(entry: InboxEntry, command: Command, actor: Actor, now: datetime) -> tuple[InboxEntry, list[Envelope]]:
    """The entry after the command, and the events it causes (a push: the one every instance reads)."""
    after, allowed = TRANSITIONS[(entry.status, command.action)]
    if actor.role not in allowed:
        raise NotAllowed(actor.role, command.action)
    if actor.role is Role.OWNER and actor.staff_id != entry.staff_id:
        raise NotYours(f"no notification {entry.id} in this inbox")
    if isinstance(command, Push):
        if entry.pushed:
            raise AlreadyPushed(entry.id)
        pushed = domain_event(
            PRODUCER,
            PUSHED_EVENT,
            AGGREGATE_TYPE,
            entry.id,
            max(1, len(entry.peer_ids)),
            entry.agency_id,
            entry.notification(),
        )
        return replace(entry, pushed=True), [pushed]
    return replace(entry, read=after is Status.READ), []
