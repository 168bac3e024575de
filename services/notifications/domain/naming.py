"""The people a notification is about, by name, in French. Pure.

Notifications keeps ids only (the beneficiary, the peers): names belong to profiles, which gives them at
the moment a notification is shown, for what its reader may see (`use_cases.people`). So an erased
person's name is gone from every notification at once, and none is ever stored, logged or published.
The text without names (`NO_NAMES`) is what the delivery event carries on Kafka.

Suggestions are grouped: one notification per counsellor, beneficiary and day in Paris (`group_key`,
unique in the store), whose title counts the peers suggested that day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from services.notifications.domain.routing import Kind
from services.reference.french import PARIS

# a peer's kind as a counsellor reads it after their first name: "Léa (apprenti)"
PEER_KINDS = {
    "former_beneficiary": "ancien bénéficiaire",
    "apprentice": "apprenti",
    "student": "étudiant",
    "professional": "professionnel",
    "mentor": "mentor",
}
SOMEONE_FOLLOWED = "un de vos bénéficiaires"  # the beneficiary unnamed: erased, or not (yet) known
PEERS_SHOWN = 3  # a grouped suggestion's body names its first peers, then says how many more


@dataclass(frozen=True)
class PeerName:
    first_name: str
    kind: str

    def __str__(self) -> str:
        return f"{self.first_name} ({PEER_KINDS.get(self.kind, 'pair')})"


@dataclass(frozen=True)
class Names:
    """What profiles answered for one reader: beneficiaries' full names and peers' first names and kinds."""

    beneficiaries: Mapping[str, str] = field(default_factory=dict)
    peers: Mapping[str, PeerName] = field(default_factory=dict)


NO_NAMES = Names()


def paris_day(moment: datetime) -> str:
    return moment.astimezone(PARIS).date().isoformat()


def group_key(staff_id: str, beneficiary_id: str, moment: datetime) -> str:
    """One suggestion notification per counsellor, beneficiary and Paris day (the event's day, so that a
    redelivery after midnight still finds its group)."""
    return f"suggestions.{staff_id}.{beneficiary_id}.{paris_day(moment)}"


def new_peers(count: int) -> str:
    return "1 nouveau pair" if count == 1 else f"{count} nouveaux pairs"


def suggestion_title(count: int, beneficiary: str | None) -> str:
    """ "3 nouveaux pairs pour Hugo François"."""
    return f"{new_peers(count)} pour {beneficiary or SOMEONE_FOLLOWED}"


def suggestion_body(peers: Sequence[PeerName | None]) -> str:
    named = [str(peer) for peer in peers if peer is not None][:PEERS_SHOWN]
    if not named:
        return "Ouvrez sa fiche pour voir les pairs suggérés et proposer une rencontre."
    more = len(peers) - len(named)
    if more:
        named.append(f"{more} autre{'s' if more > 1 else ''}")
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} et {named[-1]}"
    return f"{listed}. Ouvrez sa fiche pour proposer une rencontre."


def people_line(beneficiary: str | None, peer: PeerName | None) -> str:
    """Who another kind of notification is about: "Pour Hugo François, avec Léa (apprenti).\""""
    if beneficiary and peer:
        return f"Pour {beneficiary}, avec {peer}."
    if beneficiary:
        return f"Pour {beneficiary}."
    return f"Avec {peer}." if peer else ""


def text(
    kind: str, title: str, body: str, beneficiary_id: str, peer_ids: Sequence[str], names: Names
) -> tuple[str, str]:
    """The title and body a reader sees: a grouped suggestion counts its peers and names them; any other
    notification says whom it is about after its own text."""
    beneficiary = names.beneficiaries.get(beneficiary_id) if beneficiary_id else None
    if kind == Kind.SUGGESTION and peer_ids:
        peers = [names.peers.get(peer_id) for peer_id in peer_ids]
        return suggestion_title(len(peer_ids), beneficiary), suggestion_body(peers)
    line = people_line(beneficiary, names.peers.get(peer_ids[0]) if len(peer_ids) == 1 else None)
    return title, f"{body} {line}" if line else body
