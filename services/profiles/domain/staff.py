"""Staff accounts of an agency: pure rules, no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import StaffDeactivatedV1, StaffRegisteredV1, StaffRole
from services.profiles.domain.events import event

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


class InvalidStaff(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    agency_id: str
    email: str
    name: str
    roles: tuple[StaffRole, ...]
    active: bool = True
    version: int = 1


def normalize_email(email: str) -> str:
    return email.strip().lower()


def register(
    agency_id: str, email: str, name: str, roles: list[StaffRole], password: str
) -> tuple[StaffMember, Envelope]:
    email = normalize_email(email)
    name = " ".join(name.split())
    if not EMAIL.match(email):
        raise InvalidStaff("email", "not an e-mail address")
    if not name:
        raise InvalidStaff("name", "must not be empty")
    if not roles:
        raise InvalidStaff("roles", "at least one role is needed")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidStaff("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    member = StaffMember(str(uuid.uuid4()), agency_id, email, name, tuple(dict.fromkeys(roles)))
    payload = StaffRegisteredV1(
        staff_id=member.staff_id, agency_id=agency_id, name=name, email=email, roles=list(member.roles)
    )
    return member, event("profiles.staff.registered", "staff", member.staff_id, 1, agency_id, payload)


def deactivate(member: StaffMember) -> tuple[StaffMember, Envelope]:
    done = replace(member, active=False, version=member.version + 1)
    payload = StaffDeactivatedV1(staff_id=member.staff_id, agency_id=member.agency_id)
    return done, event("profiles.staff.deactivated", "staff", member.staff_id, done.version, member.agency_id, payload)
