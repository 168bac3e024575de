"""Gatherings, the service layer: publish one; load, decide, save each step (a step raced by another
instance is decided again on what it wrote, once: so two counsellors racing for the last place get one
place and one refusal); what each caller may see (`visible_to`), the beneficiaries to invite, a peer's
open gatherings; the reminders' sweep; an erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from services.kit.domain import Forbidden, NotFound
from services.kit.identity import Caller
from services.kit.ids import new_id
from services.kit.outbox import ConcurrentUpdate
from services.matching.adapters.gatherings import Gatherings
from services.matching.adapters.projections import Projections
from services.matching.domain.actor import Actor
from services.matching.domain.gathering import (
    Cancel,
    Candidate,
    Command,
    Details,
    Erase,
    Gathering,
    Invite,
    RecordAttendance,
    Register,
    Remind,
    Unregister,
    Volunteer,
    check_details,
    decide,
    publish,
    shared_jobs,
    visible_to,
)
from services.reference import jobs, places

GATHERING_NOT_FOUND = "Cet événement n'existe pas ou n'est pas visible pour votre structure."
RECENT = timedelta(days=60)  # the list keeps the gatherings of the last two months, for their attendance


def _now() -> datetime:
    return datetime.now(UTC)


class GatheringService:
    def __init__(self, gatherings: Gatherings, projections: Projections, clock: Callable[[], datetime] = _now) -> None:
        self.gatherings = gatherings
        self.projections = projections
        self.clock = clock

    async def publish(self, caller: Caller, details: Details) -> Gathering:
        now = self.clock()
        check_details(details, now, lambda code: jobs.job(code) is not None, lambda p: places.place(p) is not None)
        gathering, events = publish(new_id(), caller.agency_id, caller.region_code, caller.staff_id, details, now)
        await self.gatherings.add(gathering, events)
        return gathering

    async def seen(self, gathering_id: str, caller: Caller) -> Gathering:
        """One the caller's agency sees (404 otherwise, the same as an unknown one)."""
        found = await self.gatherings.get(gathering_id)
        if found is None or not visible_to(found, caller.agency_id, caller.region_code):
            raise NotFound(GATHERING_NOT_FOUND, code="gathering_not_found")
        return found

    async def listed(self, caller: Caller) -> list[Gathering]:
        return await self.gatherings.seen_by(caller.agency_id, caller.region_code, self.clock() - RECENT)

    async def candidates(self, gathering: Gathering, caller: Caller) -> list[Candidate]:
        """The caller's agency's beneficiaries whose target jobs meet the gathering's (an indexed read)."""
        return await self.gatherings.candidates(caller.agency_id, gathering.details.jobs)

    async def of_beneficiary(self, beneficiary_id: str, caller: Caller) -> list[Gathering]:
        """The gatherings a beneficiary of the caller's agency is invited or registered to (another agency's
        beneficiary is a 404, as everywhere)."""
        known = await self.projections.beneficiary(beneficiary_id)
        if known is None or known["agency_id"] != caller.agency_id:
            raise not_ours()
        return [
            g
            for g in await self.gatherings.of_person(beneficiary_id)
            if g.invitation_of(beneficiary_id) or g.registration_of(beneficiary_id)
            if visible_to(g, caller.agency_id, caller.region_code)
        ]

    async def _own_candidate(self, beneficiary_id: str, caller: Caller) -> Candidate:
        found = await self.gatherings.candidate(beneficiary_id)
        if found is None or found.agency_id != caller.agency_id:
            raise not_ours()
        return found

    async def invite(self, gathering: Gathering, beneficiary_id: str, caller: Caller) -> Gathering:
        candidate = await self._own_candidate(beneficiary_id, caller)
        return await self.step(gathering, Invite(candidate), Actor.COUNSELLOR)

    async def register(self, gathering: Gathering, beneficiary_id: str, caller: Caller) -> Gathering:
        candidate = await self._own_candidate(beneficiary_id, caller)
        return await self.step(gathering, Register(candidate, new_id()), Actor.COUNSELLOR)

    async def unregister(self, gathering: Gathering, beneficiary_id: str, caller: Caller) -> Gathering:
        registration = gathering.registration_of(beneficiary_id)
        if registration is None or registration.agency_id != caller.agency_id:
            raise NotFound("Ce bénéficiaire n'est pas inscrit par votre agence.", code="registration_not_found")
        return await self.step(gathering, Unregister(beneficiary_id), Actor.COUNSELLOR)

    async def cancel(self, gathering: Gathering, caller: Caller) -> Gathering:
        if gathering.agency_id != caller.agency_id:
            raise Forbidden("Seule la structure qui l'a publié peut annuler cet événement.", code="not_organiser")
        return await self.step(gathering, Cancel(), Actor.COUNSELLOR)

    async def record_attendance(self, gathering: Gathering, present: dict[str, bool], caller: Caller) -> Gathering:
        """Each agency records its own registered beneficiaries' attendance."""
        own = {r.beneficiary_id for r in gathering.registrations if r.agency_id == caller.agency_id}
        if set(present) - own:
            raise NotFound("Ce bénéficiaire n'est pas inscrit par votre agence.", code="registration_not_found")
        return await self.step(gathering, RecordAttendance(present), Actor.COUNSELLOR)

    async def volunteer(self, gathering_id: str, peer_id: str, actor: Actor, caller: Caller | None = None) -> Gathering:
        """A peer comes to witness: by their link (`caller` None), or recorded by a counsellor of an agency
        that sees both the peer and the gathering."""
        peer = await self.projections.peer(peer_id)
        if peer is None or not peer.get("active") or peer.get("erased"):
            raise NotFound("Ce pair est inconnu ou retiré.", code="peer_not_found")
        agency, region = (caller.agency_id, caller.region_code) if caller else (peer["agency_id"], peer["region_code"])
        if caller and not _peer_seen(peer, caller):
            raise NotFound("Ce pair est inconnu ou invisible pour votre structure.", code="peer_not_found")
        gathering = await self.gatherings.get(gathering_id)
        if gathering is None or not visible_to(gathering, agency, region):
            raise NotFound(GATHERING_NOT_FOUND, code="gathering_not_found")
        command = Volunteer(peer_id, peer["agency_id"], peer_jobs(peer))
        return await self.step(gathering, command, actor)

    async def open_for_peer(self, peer_id: str) -> tuple[list[Gathering], tuple[str, ...]]:
        """The gatherings to come that the peer's agency sees and that concern a job of their path."""
        peer = await self.projections.peer(peer_id)
        if peer is None or not peer.get("active") or peer.get("erased"):
            return [], ()
        practised = peer_jobs(peer)
        seen = await self.gatherings.seen_by(peer["agency_id"], peer["region_code"], self.clock())
        return [g for g in seen if shared_jobs(practised, g.details.jobs)], practised

    async def step(self, gathering: Gathering, command: Command, actor: Actor) -> Gathering:
        """Decide and save; on a concurrent write, read it again and decide once more (the capacity, say,
        is then judged on what the other counsellor took)."""
        for attempt in (1, 2):
            changed, events = decide(gathering, command, actor, self.clock())
            try:
                await self.gatherings.save(gathering, changed, events)
                return changed
            except ConcurrentUpdate:
                if attempt == 2:
                    raise
                reloaded = await self.gatherings.get(gathering.id)
                if reloaded is None:
                    raise NotFound(GATHERING_NOT_FOUND, code="gathering_not_found") from None
                gathering = reloaded
        raise AssertionError("unreachable")  # pragma: no cover

    async def remind_due(self, now: datetime) -> int:
        """The sweep: remind the day before (the operator's `as_of` moves `now`)."""
        reminded = 0
        for gathering in await self.gatherings.due_for_reminder(now):
            changed, events = decide(gathering, Remind(), Actor.SYSTEM, now)
            try:
                await self.gatherings.save(gathering, changed, events)
            except ConcurrentUpdate:
                continue  # changed meanwhile: the next sweep sees it
            reminded += 1
        return reminded

    async def erase(self, person_id: str) -> int:
        """An erased beneficiary or peer leaves no invitation, registration or witness entry behind."""
        erased = 0
        for gathering in await self.gatherings.of_person(person_id):
            await self.step(gathering, Erase(person_id), Actor.SYSTEM)
            erased += 1
        return erased


def not_ours() -> NotFound:
    return NotFound("Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found")


def peer_jobs(peer: dict[str, object]) -> tuple[str, ...]:
    """The ROME codes of a peer's lived path (the jobs they can witness for)."""
    path = peer.get("path")
    steps = path if isinstance(path, list) else []
    return tuple(dict.fromkeys(str(s["rome_code"]) for s in steps if isinstance(s, dict) and s.get("rome_code")))


def _peer_seen(peer: dict[str, object], caller: Caller) -> bool:
    if peer.get("agency_id") == caller.agency_id:
        return True
    return peer.get("visibility") == "region" and peer.get("region_code") == caller.region_code
