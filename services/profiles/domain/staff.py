"""Staff accounts of an agency as a type, opening one, and their life cycle (active, then deactivated for
good): pure rules, no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import StaffDeactivatedV1, StaffRegisteredV2, StaffRole
from services.kit.domain import InvalidInput
from services.profiles.domain.access import Actor
from services.profiles.domain.events import event
from services.profiles.domain.lifecycle import Rule, rule_for

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


class InvalidStaff(InvalidInput):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field


class AccountStatus(StrEnum):
    ACTIVE = "active"  # may sign in
    DEACTIVATED = "deactivated"  # closed for good: no sign-in, and its tokens stop working


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    agency_id: str
    email: str
    name: str
    roles: tuple[StaffRole, ...]
    active: bool = True
    version: int = 1

    @property
    def status(self) -> AccountStatus:
        return AccountStatus.ACTIVE if self.active else AccountStatus.DEACTIVATED


def normalize_email(email: str) -> str:
    return email.strip().lower()


def may_appoint(roles: list[StaffRole], actor: Actor) -> bool:
    """Only an operator appoints regional coordinators: they see every agency of their region."""
    return StaffRole.REGIONAL_COORDINATOR not in roles or actor is Actor.OPERATOR


def register(
    agency_id: str, email: str, name: str, roles: list[StaffRole], password: str
) -> tuple[StaffMember, Envelope]:
    email = normalize_email(email)
    name = " ".join(name.split())
    if not EMAIL.match(email):
        raise InvalidStaff("email", "Indiquez une adresse e-mail valide.")
    if not name:
        raise InvalidStaff("name", "Indiquez le nom.")
    if not roles:
        raise InvalidStaff("roles", "Choisissez au moins un rôle.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidStaff("password", f"Le mot de passe a au moins {MIN_PASSWORD_LENGTH} caractères.")
    member = StaffMember(str(uuid.uuid4()), agency_id, email, name, tuple(dict.fromkeys(roles)))
    # no name or e-mail on the topic: notifications fetches them from profiles
    payload = StaffRegisteredV2(staff_id=member.staff_id, agency_id=agency_id, roles=list(member.roles))
    registered = event("profiles.staff.registered", "staff", member.staff_id, 1, agency_id, payload)
    return member, registered.model_copy(update={"event_version": 2})


class Action(StrEnum):
    DEACTIVATE = "deactivate"


@dataclass(frozen=True)
class Deactivate:
    action: ClassVar[Action] = Action.DEACTIVATE


Command = Deactivate

_ADMINISTRATORS = frozenset({Actor.OPERATOR, Actor.AGENCY_ADMIN})

TRANSITIONS: dict[tuple[AccountStatus, Action], Rule[AccountStatus]] = {
    (AccountStatus.ACTIVE, Action.DEACTIVATE): Rule(AccountStatus.DEACTIVATED, _ADMINISTRATORS),
    (AccountStatus.DEACTIVATED, Action.DEACTIVATE): Rule(AccountStatus.DEACTIVATED, _ADMINISTRATORS),
}


def decide(member: StaffMember, command: Command, actor: Actor, now: datetime) -> tuple[StaffMember, list[Envelope]]:
    """The account after the command, with its events; closing a closed account changes nothing."""
    rule = rule_for(TRANSITIONS, member.status, command.action, actor)
    assert rule is not None, "every (status, action) of an account has a rule"
    if member.status is rule.to:
        return member, []
    done = replace(member, active=False, version=member.version + 1)
    payload = StaffDeactivatedV1(staff_id=member.staff_id, agency_id=member.agency_id)
    return done, [
        event("profiles.staff.deactivated", "staff", member.staff_id, done.version, member.agency_id, payload)
    ]
