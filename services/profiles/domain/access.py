"""Who acts on profiles' aggregates: the life-cycle tables name, for each step, the actors who may take it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kit.identity import Caller, Role


class Actor(StrEnum):
    OPERATOR = "operator"  # the platform's operator token (bootstrap and maintenance)
    AGENCY_ADMIN = "agency_admin"  # the agency's administrator, managing its accounts
    AGENCY_STAFF = "agency_staff"  # a staff member working with the agency's people
    PEER = "peer"  # a peer, through the secure link of their e-mails
    PLATFORM = "platform"  # scheduled jobs and what other services report


@dataclass(frozen=True)
class OperatorOrStaff:
    """The caller of the agency and account routes: an operator (no agency) or a staff member."""

    operator: bool
    caller: Caller | None = None

    def administers(self, agency_id: str) -> bool:
        return self.operator or (
            self.caller is not None and self.caller.agency_id == agency_id and self.caller.has(Role.AGENCY_ADMIN)
        )

    @property
    def actor(self) -> Actor:
        """In which capacity they administer: as the operator or as the agency's administrator."""
        return Actor.OPERATOR if self.operator else Actor.AGENCY_ADMIN
