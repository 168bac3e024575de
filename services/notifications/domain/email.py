"""An e-mail to send and its life cycle, in one pure `decide`: pending -> sending -> sent, or back to
pending with a growing delay when the SMTP exchange fails, or failed (dead-lettered) once the server has
refused it `max_attempts` times; an operator puts a failed e-mail back in the queue.

A claim is one attempt: it counts it and holds the e-mail for a lease (its `next_at` is the lease's end),
after which another sender may claim it again (its sender died during the exchange). The number of attempts
is what a sender compares its write with, in place of a version: of two senders, one wins."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Action(StrEnum):
    CLAIM = "claim"
    SEND = "send"  # the SMTP server took it
    FAIL = "fail"  # the SMTP exchange failed
    RETRY = "retry"


class Role(StrEnum):
    SENDER = "sender"  # a mailer's pass, on any instance
    OPERATOR = "operator"


# (status, action) -> (status after, who may). A failure sends the e-mail back to PENDING, or to FAILED
# once its attempts are spent (see `decide`).
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, frozenset[Role]]] = {
    (Status.PENDING, Action.CLAIM): (Status.SENDING, frozenset({Role.SENDER})),
    (Status.SENDING, Action.CLAIM): (Status.SENDING, frozenset({Role.SENDER})),  # its lease is over
    (Status.SENDING, Action.SEND): (Status.SENT, frozenset({Role.SENDER})),
    (Status.SENDING, Action.FAIL): (Status.PENDING, frozenset({Role.SENDER})),
    (Status.FAILED, Action.RETRY): (Status.PENDING, frozenset({Role.OPERATOR})),
}


class Refused(Exception):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"cannot {action} an e-mail that is {status}")
        self.status, self.action = status, action


class NotAllowed(Exception):
    def __init__(self, role: Role, action: Action) -> None:
        super().__init__(f"the {role} cannot {action} an e-mail")
        self.role, self.action = role, action


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail: a meeting's calendar invitation (text/calendar, with its iTIP method)."""

    filename: str
    content_type: str  # "text/calendar"
    text: str
    method: str = ""  # REQUEST or CANCEL for an invitation


@dataclass(frozen=True)
class Email:
    id: str  # time-ordered: the operators' list is read newest first by the `_id` index
    key: str  # the event and the recipient: unique, so an event redelivered queues nothing again
    to: str
    recipient: str  # the recipient's key (staff:, peer:, party:...): an erasure deletes their e-mails
    subject: str
    text: str
    kind: str
    status: Status
    attempts: int
    next_at: datetime  # when to send it; while sending, the end of the claim's lease
    created_at: datetime
    event_id: str | None = None
    attempts_before: int | None = None  # the attempts made before an operator's retry: the limit counts after
    sending_since: datetime | None = None
    error: str | None = None
    sent_at: datetime | None = None
    purge_at: datetime | None = None  # the end of the retention period: a TTL index deletes it then
    attachments: tuple[Attachment, ...] = ()
    about: tuple[str, ...] = ()  # the people (ids) whose meeting it describes: their erasure deletes it too
    html: str | None = None  # the HTML part beside `text` (older e-mails have none: text only)
    sender_name: str | None = None  # the agency's name, shown as the sender's (the address stays the platform's)

    @property
    def attempts_since_retry(self) -> int:
        return self.attempts - (self.attempts_before or 0)


@dataclass(frozen=True)
class Claim:
    action: ClassVar[Action] = Action.CLAIM
    lease: timedelta


@dataclass(frozen=True)
class Send:
    action: ClassVar[Action] = Action.SEND
    retention: timedelta


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 12
    first_delay: float = 2.0  # seconds, doubled at each attempt
    max_delay: float = 600.0

    def delay(self, attempts: int) -> timedelta:
        doublings = min(attempts - 1, 20)
        return timedelta(seconds=min(self.first_delay * 2**doublings, self.max_delay))


@dataclass(frozen=True)
class Fail:
    action: ClassVar[Action] = Action.FAIL
    reason: str
    unreachable: bool  # the server could not be reached: not this e-mail's fault, it waits however long
    policy: RetryPolicy


@dataclass(frozen=True)
class Retry:
    action: ClassVar[Action] = Action.RETRY


Command = Claim | Send | Fail | Retry


@dataclass(frozen=True)
class DeadLettered:
    """The e-mail failed for good: the operators' dead-letter tools hear of it."""

    email_id: str
    recipient: str
    kind: str
    to: str
    reason: str
    attempts: int


def decide(email: Email, command: Command, actor: Role, now: datetime) -> tuple[Email, list[DeadLettered]]:
    """The e-mail after the command, and the events it causes (a dead letter). `now`: for a claim, a
    sending or a retry, the moment it happens; for a failure, the moment of the pass (the delay counts from
    it)."""
    try:
        after, allowed = TRANSITIONS[(email.status, command.action)]
    except KeyError:
        raise Refused(email.status, command.action) from None
    if actor not in allowed:
        raise NotAllowed(actor, command.action)
    if isinstance(command, Claim):
        claimed = replace(
            email, status=after, attempts=email.attempts + 1, sending_since=now, next_at=now + command.lease
        )
        return claimed, []
    if isinstance(command, Send):
        return replace(email, status=after, sent_at=now, purge_at=now + command.retention), []
    if isinstance(command, Fail):
        spent = email.attempts_since_retry >= command.policy.max_attempts
        if spent and not command.unreachable:
            failed = replace(email, status=Status.FAILED, error=command.reason)
            return failed, [
                DeadLettered(email.id, email.recipient, email.kind, email.to, command.reason, email.attempts)
            ]
        delay = command.policy.delay(email.attempts_since_retry)
        return replace(email, status=after, error=command.reason, next_at=now + delay), []
    # the attempt counter keeps growing (claims are per attempt); the limit counts from here
    return replace(email, status=after, attempts_before=email.attempts, next_at=now), []
