"""Peers: the recruiting agency publishes, changes, pauses and withdraws its peers; every agency of the
region reads the peers it may see; a beneficiary who completed their path becomes a peer; the peer
pauses or reworks their own profile from their link."""

from __future__ import annotations

from dataclasses import replace

from services.contracts.events.profiles import WithdrawalReason
from services.kit.identity import Caller
from services.kit.outbox import TakenByAnother
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.peers import Peers
from services.profiles.domain import beneficiary as beneficiary_rules
from services.profiles.domain import peer as rules
from services.profiles.domain import peer_lifecycle as lifecycle
from services.profiles.domain.access import Actor
from services.profiles.use_cases.errors import Clock, Conflict, NotFound, utc_now


class PeerService:
    def __init__(self, peers: Peers, beneficiaries: Beneficiaries, clock: Clock = utc_now) -> None:
        self.peers, self.beneficiaries, self.clock = peers, beneficiaries, clock

    async def publish(self, draft: rules.Peer, consent_months: int) -> rules.Peer:
        peer, events = rules.publish(draft, consent_months, self.clock())
        await self.peers.add(peer, events)
        return peer

    async def page(self, caller: Caller, text: str, job: str, after: str | None, limit: int) -> list[rules.Peer]:
        """The peers the caller's agency may see, newest first."""
        return await self.peers.visible(
            caller.agency_id, caller.region_code, text=text, job=job, after=after, limit=limit
        )

    async def visible(self, peer_id: str, caller: Caller) -> rules.Peer:
        found = await self.peers.get(peer_id)
        if found is None or not rules.visible_to(found, caller.agency_id, caller.region_code):
            raise NotFound("Ce pair n'existe pas ou n'est pas visible par votre agence.", code="peer_not_found")
        return found

    async def revise(self, peer_id: str, caller: Caller, revised: rules.Peer) -> rules.Peer:
        return await self._decide(await self._own(peer_id, caller), lifecycle.Update(revised), Actor.AGENCY_STAFF)

    async def pause(self, peer_id: str, caller: Caller, paused: bool) -> rules.Peer:
        command = lifecycle.Pause() if paused else lifecycle.Resume()
        return await self._decide(await self._own(peer_id, caller), command, Actor.AGENCY_STAFF)

    async def withdraw(self, peer_id: str, caller: Caller, reason: WithdrawalReason) -> rules.Peer:
        return await self._decide(await self._own(peer_id, caller), lifecycle.Withdraw(reason), Actor.AGENCY_STAFF)

    async def closed_beneficiary(self, beneficiary_id: str, caller: Caller) -> beneficiary_rules.Beneficiary:
        """The beneficiary of the caller's agency who may become a peer: one whose accompaniment is closed."""
        former = await self.beneficiaries.get(beneficiary_id, caller.agency_id)
        if former is None:
            raise NotFound(
                "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
            )
        if former.status is not beneficiary_rules.Status.CLOSED:
            raise Conflict(
                "Clôturez d'abord l'accompagnement : un pair a terminé son parcours.", code="accompaniment_open"
            )
        return former

    async def become_peer(self, draft: rules.Peer) -> rules.Peer:
        """`draft` names its former beneficiary: one peer profile each (a unique index says so)."""
        peer, events = rules.publish(draft, now=self.clock())
        try:
            await self.peers.add(peer, events)
        except TakenByAnother as error:
            already = await self.peers.former_beneficiary_of(draft.former_beneficiary_id or "")
            raise Conflict(
                "Cette personne est déjà inscrite comme pair.", code="already_a_peer", peer_id=already
            ) from error
        return peer

    async def contact(self, peer_id: str) -> rules.Peer | None:
        """For the notifications service: any peer not erased (a withdrawn one may still hear the end)."""
        return await self.peers.get(peer_id)

    async def linked(self, peer_id: str) -> rules.Peer | None:
        """The peer a link was signed for, while they are published (paused or not)."""
        found = await self.peers.get(peer_id)
        return found if found is not None and found.status is rules.Status.PUBLISHED else None

    async def hold_for_review(self, peer_id: str, paused: bool) -> None:
        """A concern about one of the peer's meetings was reported (paused until the agency reviews it), or
        reviewed with the peer cleared (resumed). A peer gone or withdrawn meanwhile: nothing to do."""
        peer = await self.peers.get(peer_id)
        if peer is None or peer.status is not rules.Status.PUBLISHED:
            return
        await self._decide(peer, lifecycle.Pause() if paused else lifecycle.Resume(), Actor.PLATFORM)

    async def pause_by_link(self, peer: rules.Peer, paused: bool) -> rules.Peer:
        return await self._decide(peer, lifecycle.Pause() if paused else lifecycle.Resume(), Actor.PEER)

    async def change_by_link(
        self, peer: rules.Peer, capacity_per_month: int | None, testimony: str | None
    ) -> rules.Peer:
        """What a peer may change themselves: how many meetings a month, and their testimony."""
        offer = peer.offer if capacity_per_month is None else replace(peer.offer, capacity_per_month=capacity_per_month)
        revised = replace(peer, offer=offer, testimony=peer.testimony if testimony is None else testimony)
        return await self._decide(peer, lifecycle.Update(revised), Actor.PEER)

    async def accept_charter_by_link(self, peer: rules.Peer, version: str) -> rules.Peer:
        """The peer accepts the charter they read: matching may suggest them from now on."""
        return await self._decide(peer, lifecycle.AcceptCharter(version), Actor.PEER)

    async def ask_charter(self, peer_id: str, caller: Caller) -> rules.Peer:
        """The agency sends the peer their link again, to accept the charter in force."""
        return await self._decide(await self._own(peer_id, caller), lifecycle.AskCharter(), Actor.AGENCY_STAFF)

    async def _own(self, peer_id: str, caller: Caller) -> rules.Peer:
        found = await self.peers.get(peer_id)
        if found is None or found.agency_id != caller.agency_id:
            raise NotFound("Ce pair n'existe pas ou n'a pas été recruté par votre agence.", code="peer_not_found")
        return found

    async def _decide(self, current: rules.Peer, command: lifecycle.Command, actor: Actor) -> rules.Peer:
        changed, events = lifecycle.decide(current, command, actor, self.clock())
        if changed is not current:
            await self.peers.save(changed, events)
        return changed
