"""The contact points notifications may use, as the dispatcher reads them: who (a key for deduplication),
their name and address, and a staff member's inbox."""

from __future__ import annotations

from dataclasses import dataclass


class MissingContact(Exception):
    """The contact point has not arrived yet (events of other topics come in their own time): the consumer
    tries again, then dead-letters the event with this reason, to be replayed."""


@dataclass(frozen=True)
class Contact:
    key: str  # who, for deduplication: staff:<id>, peer:<id>, party:<convention>:<role>
    name: str
    email: str
    staff_id: str = ""  # staff only: their inbox


@dataclass(frozen=True)
class PartyLink:
    """The latest secure link a convention's party was issued (placements signs nothing for us: its id and
    expiry are what the dispatcher signs into the party's URL)."""

    link_id: str
    expires_at: str  # ISO 8601, as the projection keeps it


PARTY_ROLES_ERASED_WITH_THE_BENEFICIARY = ("beneficiary", "legal_representative")


def staff_key(staff_id: str) -> str:
    return f"staff:{staff_id}"


def peer_key(peer_id: str) -> str:
    return f"peer:{peer_id}"


def beneficiary_key(beneficiary_id: str) -> str:
    """A beneficiary written to directly (a gathering's invitation), their address asked of profiles."""
    return f"beneficiary:{beneficiary_id}"


def party_key(convention_id: str, role: str) -> str:
    return f"party:{convention_id}:{role}"
