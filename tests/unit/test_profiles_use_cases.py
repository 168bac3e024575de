"""Profiles' service layer with in-memory repositories (fakes, not mocks): what is loaded, decided and
saved, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.contracts.envelope import Envelope
from services.kit.identity import Caller, Role
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.peers import Peers
from services.profiles.domain import beneficiary as beneficiary_rules
from services.profiles.domain import peer as rules
from services.profiles.use_cases.errors import NotFound
from services.profiles.use_cases.peers import PeerService
from services.profiles.use_cases.rights import RightsService
from tests.unit.test_beneficiary_rules import identity, project
from tests.unit.test_peer_rules import a_peer

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
COUNSELLOR = Caller("staff-1", "a", "52", frozenset({Role.COUNSELLOR}))


class MemoryPeers(Peers):
    def __init__(self) -> None:
        self.stored: dict[str, rules.Peer] = {}
        self.written: list[tuple[rules.Peer, list[Envelope]]] = []

    async def add(self, peer: rules.Peer, events: list[Envelope], *, import_key: str | None = None) -> None:
        self.stored[peer.peer_id] = peer
        self.written.append((peer, events))

    async def save(self, peer: rules.Peer, events: list[Envelope]) -> None:
        assert self.stored[peer.peer_id].version == peer.version - 1
        self.stored[peer.peer_id] = peer
        self.written.append((peer, events))

    async def get(self, peer_id: str) -> rules.Peer | None:
        found = self.stored.get(peer_id)
        return found if found and found.status is not rules.Status.ERASED else None

    async def of_former_beneficiary(self, beneficiary_id: str) -> list[rules.Peer]:
        return [p for p in self.stored.values() if p.former_beneficiary_id == beneficiary_id and p.status != "erased"]


class MemoryBeneficiaries(Beneficiaries):
    def __init__(self) -> None:
        self.stored: dict[str, beneficiary_rules.Beneficiary] = {}
        self.written: list[tuple[beneficiary_rules.Beneficiary, list[Envelope]]] = []

    async def save(self, beneficiary: beneficiary_rules.Beneficiary, events: list[Envelope]) -> None:
        self.stored[beneficiary.beneficiary_id] = beneficiary
        self.written.append((beneficiary, events))

    async def get(self, beneficiary_id: str, agency_id: str) -> beneficiary_rules.Beneficiary | None:
        found = self.stored.get(beneficiary_id)
        return found if found and found.agency_id == agency_id and found.status != "erased" else None


def service() -> tuple[PeerService, MemoryPeers, MemoryBeneficiaries]:
    peers, beneficiaries = MemoryPeers(), MemoryBeneficiaries()
    return PeerService(peers, beneficiaries, clock=lambda: NOW), peers, beneficiaries


async def test_a_step_that_changes_nothing_writes_nothing() -> None:
    peers_service, peers, _ = service()
    peer = await peers_service.publish(a_peer(), consent_months=12)
    assert peer.consent_expires_at == NOW.replace(year=2027, month=11, day=22)
    paused = await peers_service.pause(peer.peer_id, COUNSELLOR, True)
    again = await peers_service.pause(peer.peer_id, COUNSELLOR, True)
    assert again == paused and again.paused and len(peers.written) == 2, "published, then paused once"


async def test_an_agency_changes_only_its_own_peers() -> None:
    peers_service, _, _ = service()
    peer = await peers_service.publish(a_peer(), consent_months=12)
    other = replace(COUNSELLOR, agency_id="b")
    with pytest.raises(NotFound, match="recruté par votre agence"):
        await peers_service.pause(peer.peer_id, other, True)


async def test_erasing_a_beneficiary_erases_the_peer_they_became_first() -> None:
    peers_service, peers, beneficiaries = service()
    former, _ = beneficiary_rules.register("a", "staff-1", identity(), project(), True, now=NOW)
    beneficiaries.stored[former.beneficiary_id] = replace(former, status=beneficiary_rules.Status.CLOSED)
    became = await peers_service.publish(replace(a_peer(), former_beneficiary_id=former.beneficiary_id), 12)
    rights = RightsService(peers, beneficiaries, clock=lambda: NOW)
    await rights.erase_beneficiary(former.beneficiary_id, "a")
    erased_peer, peer_events = peers.written[-1]
    erased, events = beneficiaries.written[-1]
    assert erased_peer.peer_id == became.peer_id and erased_peer.status == "erased"
    assert erased.status == "erased" and erased.erased_at == NOW
    assert [e.payload["person_kind"] for e in (*peer_events, *events)] == ["peer", "beneficiary"]
    with pytest.raises(NotFound):
        await rights.erase_beneficiary(former.beneficiary_id, "a")
