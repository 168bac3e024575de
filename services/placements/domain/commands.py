"""What can be asked of a convention (the commands `domain.decide.decide` takes) and what the rules read
besides the convention (`Facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services.contracts.events.placements import PartyRole
from services.placements.domain.convention import Convention
from services.placements.domain.lifecycle import Action, Validation
from services.placements.domain.reminders import Reminder
from services.placements.domain.terms import Assessment, Terms

CHECKS_LIMITS = frozenset({Action.SEND, Action.VALIDATE})  # the steps that count the other conventions again


def _random_link_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class Facts:
    """What the rules read besides the convention."""

    validation: Validation = Validation.ONE_STEP  # the agency's
    others: tuple[Convention, ...] = ()  # the beneficiary's conventions (the legal limits): for CHECKS_LIMITS, edits
    link_key: str = ""  # signs the parties' links (only their hash is kept)
    new_link_id: Callable[[], str] = field(default=_random_link_id)
    birth_date: date | None = None  # a minor's, for an edit: 16 on the first day


@dataclass(frozen=True)
class Take:
    """A step of the table; a party's step names the link it came with (`used_link`)."""

    action: Action
    reason: str = ""
    note: str = ""
    assessment: Assessment | None = None
    used_link: PartyRole | None = None


@dataclass(frozen=True)
class Edit:
    """The counsellor changes a draft's terms."""

    terms: Terms


@dataclass(frozen=True)
class Renew:
    """The original convention is renewed by `renewal_id` (a draft made by `draft`)."""

    renewal_id: str


@dataclass(frozen=True)
class Remind:
    """The scheduler sends these reminders (each once: their keys are kept)."""

    reminders: tuple[Reminder, ...]


@dataclass(frozen=True)
class ResendLink:
    """A new link for a party in place of its unused one."""

    role: PartyRole


@dataclass(frozen=True)
class Erase:
    """The beneficiary was erased: cancelled if still open, and their personal data scrubbed."""


Command = Take | Edit | Renew | Remind | ResendLink | Erase
