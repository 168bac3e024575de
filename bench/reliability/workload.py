"""The scripted flow: several clients, each choosing its next operation at random among those possible
(beneficiaries registered and changed, peers published, introductions proposed and answered by the peer's
e-mailed link, conventions written, sent, confirmed and signed by the parties' e-mailed links, reads),
until the number of operations is reached. Every answer goes into the ledger."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.reliability import bodies
from bench.reliability.client import Api, Outcome
from bench.reliability.ledger import Beneficiary, Convention, Introduction, Ledger, Peer, marker
from bench.reliability.mail import Mailbox
from bench.reliability.platform import LINK_KEY
from services.contracts.links import PEER_PROFILE
from services.reference.charter import CURRENT

WEIGHTS = {
    "read": 28,
    "create_beneficiary": 12,
    "change_beneficiary": 9,
    "create_peer": 6,
    "propose_introduction": 11,
    "answer_introduction": 9,
    "create_convention": 7,
    "send_convention": 6,
    "confirm_convention": 5,
    "sign_convention": 6,
    "refused_write": 2,
}
KNOWN_AFTER_S = 3.0  # a beneficiary is asked of matching and placements once their events had time to travel
RESOLVE_TRIES = 5


@dataclass(frozen=True)
class Staff:
    agency_id: str
    counsellor: dict[str, str]
    validator: dict[str, str]


def charter_path(peer_id: str) -> str:
    token = PEER_PROFILE.token(LINK_KEY, peer_id, PEER_PROFILE.expires_at(datetime.now(UTC)))
    return f"/links/peers/{token}/charter"


def charter_body() -> dict[str, str]:
    return {"version": CURRENT.version}


class Workload:
    def __init__(self, api: Api, ledger: Ledger, mailbox: Mailbox, staff: list[Staff], target: int) -> None:
        self.api, self.ledger, self.mailbox, self.staff, self.target = api, ledger, mailbox, staff, target
        self.started = 0
        self.faults_done = asyncio.Event()  # the flow goes on (past the target if need be) until the last fault

    async def run(self, clients: int) -> None:
        await asyncio.gather(*(self._client() for _ in range(clients)))

    async def _client(self) -> None:
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        while self.started < self.target or not self.faults_done.is_set():
            self.started += 1
            kind = random.choices(kinds, weights)[0]
            done = await getattr(self, kind)()
            if not done:  # nothing to do of that kind yet
                kind = "read"
                await self.read()
            self.ledger.operations[kind] += 1

    # --- helpers -------------------------------------------------------------------------------------

    def _take(self, candidates: list[Any], key: str) -> Any | None:
        free = [c for c in candidates if getattr(c, key) not in self.ledger.busy]
        if not free:
            return None
        chosen = random.choice(free)
        self.ledger.busy.add(getattr(chosen, key))
        return chosen

    def _known(self) -> list[Beneficiary]:
        now = time.monotonic()
        return [b for b in self.ledger.beneficiaries.values() if now - b.created_at > KNOWN_AFTER_S]

    async def _resolved(self, kind: str, lookup: Any) -> Any | None:
        """After a lost answer to a create: what the create made, if it made something."""
        self.ledger.ambiguous[kind] += 1
        found = await lookup()
        if found is not None:
            self.ledger.resolved_as_done[kind] += 1
        return found

    # --- operations ----------------------------------------------------------------------------------

    async def read(self) -> bool:
        who = random.choice(self.staff)
        choice = random.randrange(6)
        some = list(self.ledger.beneficiaries.values())
        if choice == 0 and some:
            b = random.choice(some)
            await self.api.call("profiles", "GET", f"/beneficiaries/{b.beneficiary_id}", safe=True, headers=self._h(b))
        elif choice == 1:
            await self.api.call("console", "GET", "/api/profiles/beneficiaries", safe=True, headers=who.counsellor)
        elif choice == 2 and some:
            b = random.choice(some)
            path = f"/beneficiaries/{b.beneficiary_id}/suggestions"
            await self.api.call("matching", "GET", path, safe=True, headers=self._h(b))
        elif choice == 3:
            await self.api.call("matching", "GET", "/introductions", safe=True, headers=who.counsellor)
        elif choice == 4 and self.ledger.conventions:
            c = random.choice(list(self.ledger.conventions.values()))
            path = f"/conventions/{c.convention_id}"
            await self.api.call("placements", "GET", path, safe=True, headers=self.staff[c.agency].counsellor)
        else:
            await self.api.call("console", "GET", "/api/notifications/inbox", safe=True, headers=who.counsellor)
        return True

    def _h(self, b: Beneficiary | Convention | Introduction) -> dict[str, str]:
        return self.staff[b.agency].counsellor

    async def create_beneficiary(self) -> bool:
        agency = random.randrange(len(self.staff))
        name = marker("Fiab")
        headers = self.staff[agency].counsellor

        async def lookup() -> str | None:
            found = await self.api.call(
                "profiles", "GET", "/beneficiaries", safe=True, params={"q": name}, headers=headers
            )
            hits = [r["beneficiary_id"] for r in found.json()] if found.ok else []
            return hits[0] if hits else None

        for _ in range(RESOLVE_TRIES):
            made = await self.api.call(
                "profiles", "POST", "/beneficiaries", safe=False, json=bodies.beneficiary(name), headers=headers
            )
            if made.ok:
                self.ledger.beneficiaries[made.json()["beneficiary_id"]] = Beneficiary(
                    name, agency, made.json()["beneficiary_id"]
                )
                return True
            if not made.ambiguous:
                raise RuntimeError(
                    f"a valid beneficiary was refused: {made.status} {made.response and made.response.text}"
                )
            found = await self._resolved("beneficiary", lookup)
            if found:
                self.ledger.beneficiaries[found] = Beneficiary(name, agency, found)
                return True
        return True

    async def change_beneficiary(self) -> bool:
        b = self._take(list(self.ledger.beneficiaries.values()), "beneficiary_id")
        if b is None:
            return False
        try:
            km = random.choice([k for k in (10, 20, 30, 40, 50) if k != b.mobility_km])
            body = {"project": bodies.project(km, b.marker)}
            changed = await self.api.call(
                "profiles", "PATCH", f"/beneficiaries/{b.beneficiary_id}", safe=True, json=body, headers=self._h(b)
            )
            if changed.ok:
                b.mobility_km = km
            else:
                raise RuntimeError(f"a change was refused: {changed.status}")
        finally:
            self.ledger.busy.discard(b.beneficiary_id)
        return True

    async def create_peer(self) -> bool:
        agency = random.randrange(len(self.staff))
        name = marker("Pair")
        headers = self.staff[agency].counsellor

        async def lookup() -> str | None:
            found = await self.api.call("profiles", "GET", "/peers", safe=True, params={"q": name}, headers=headers)
            hits = [r["peer_id"] for r in found.json()] if found.ok else []
            return hits[0] if hits else None

        for _ in range(RESOLVE_TRIES):
            made = await self.api.call(
                "profiles", "POST", "/peers", safe=False, json=bodies.peer(name), headers=headers
            )
            if made.ok:
                self.ledger.peers[made.json()["peer_id"]] = Peer(name, agency, made.json()["peer_id"])
                await self.accept_charter(made.json()["peer_id"])
                return True
            if not made.ambiguous:
                raise RuntimeError(f"a valid peer was refused: {made.status} {made.response and made.response.text}")
            found = await self._resolved("peer", lookup)
            if found:
                self.ledger.peers[found] = Peer(name, agency, found)
                await self.accept_charter(found)
                return True
        return True

    async def accept_charter(self, peer_id: str) -> None:
        """The peer accepts the charter from their own link (suggested only then): safe to send twice."""
        await self.api.call("profiles", "POST", charter_path(peer_id), safe=True, json=charter_body())

    async def propose_introduction(self) -> bool:
        candidates = [b for b in self._known() if self.ledger.pending_of(b.beneficiary_id) < 3]
        b = self._take(candidates, "beneficiary_id")
        if b is None:
            return False
        try:
            return await self._propose(b)
        finally:
            self.ledger.busy.discard(b.beneficiary_id)

    async def _propose(self, b: Beneficiary) -> bool:
        path = f"/beneficiaries/{b.beneficiary_id}/suggestions"
        shown = await self.api.call("matching", "GET", path, safe=True, headers=self._h(b))
        if not shown.ok:
            return True  # not known to matching yet: a read
        peers = [
            s["peer_id"] for s in shown.json() if (b.beneficiary_id, s["peer_id"]) not in self.ledger.attempted_pairs
        ]
        if not peers:
            return True
        peer_id = peers[0]
        self.ledger.attempted_pairs.add((b.beneficiary_id, peer_id))
        url = f"/beneficiaries/{b.beneficiary_id}/introductions"

        async def lookup() -> str | None:
            listed = await self.api.call(
                "matching",
                "GET",
                "/introductions",
                safe=True,
                params={"beneficiary_id": b.beneficiary_id},
                headers=self._h(b),
            )
            hits = [i["introduction_id"] for i in listed.json() if i["peer_id"] == peer_id] if listed.ok else []
            return hits[0] if hits else None

        for _ in range(RESOLVE_TRIES):
            made = await self.api.call(
                "matching",
                "POST",
                url,
                safe=False,
                json={"peer_id": peer_id, "purpose": "testimony", "beneficiary_agreed": True},
                headers=self._h(b),
            )
            if made.ok:
                found = made.json()["introduction_id"]
                break
            if not made.ambiguous:
                self.ledger.refused_pairs.append((b.beneficiary_id, peer_id))  # full, too many waiting...
                return True
            found = await self._resolved("introduction", lookup)
            if found:
                break
        else:
            return True
        self.ledger.introductions[found] = Introduction(found, b.agency, b.beneficiary_id, peer_id)
        return True

    async def answer_introduction(self) -> bool:
        ready = [
            i
            for i in self.ledger.introductions.values()
            if not i.answer and self.mailbox.introduction_links.get(i.introduction_id)
        ]
        i = self._take(ready, "introduction_id")
        if i is None:
            return False
        try:
            link = self.mailbox.introduction_links[i.introduction_id][0]
            accept = random.random() < 0.7
            body: dict[str, Any] = (
                {"accept": True, "message": "Avec plaisir"} if accept else {"accept": False, "reason": "no_time"}
            )
            answered = await self.api.call("matching", "POST", f"{link}/answer", safe=True, json=body)
            if answered.ok:
                i.answer = answered.json()["status"]
            elif answered.status == 409:  # answered by an earlier attempt whose answer was lost
                seen = await self.api.call("matching", "GET", link, safe=True)
                if seen.ok and seen.json().get("status") in ("accepted", "declined"):
                    i.answer = seen.json()["status"]
                    self.ledger.ambiguous["answer"] += 1
                    self.ledger.resolved_as_done["answer"] += 1
        finally:
            self.ledger.busy.discard(i.introduction_id)
        return True

    async def create_convention(self) -> bool:
        b = self._take([b for b in self._known() if not b.has_convention], "beneficiary_id")
        if b is None:
            return False
        try:
            await self._write_convention(b)
        finally:
            self.ledger.busy.discard(b.beneficiary_id)
        return True

    async def _write_convention(self, b: Beneficiary) -> None:
        name = marker("Conv")
        headers = self._h(b)

        async def lookup() -> str | None:
            listed = await self.api.call(
                "placements",
                "GET",
                "/conventions",
                safe=True,
                params={"beneficiary_id": b.beneficiary_id},
                headers=headers,
            )
            hits = (
                [c["convention_id"] for c in listed.json() if c["terms"]["beneficiary"]["last_name"] == name]
                if listed.ok
                else []
            )
            return hits[0] if hits else None

        for _ in range(RESOLVE_TRIES):
            made = await self.api.call(
                "placements",
                "POST",
                "/conventions",
                safe=False,
                json=bodies.convention(name, b.beneficiary_id),
                headers=headers,
            )
            if made.ok:
                found = made.json()["convention_id"]
                break
            if not made.ambiguous:
                self.ledger.refused_conventions.append(name)  # the beneficiary not known there yet
                return
            found = await self._resolved("convention", lookup)
            if found:
                break
        else:
            return
        b.has_convention = True
        self.ledger.conventions[found] = Convention(name, b.agency, b.beneficiary_id, found)

    async def send_convention(self) -> bool:
        c = self._take([c for c in self.ledger.conventions.values() if c.status == "draft"], "convention_id")
        if c is None:
            return False
        try:
            await self._staff_step(c, "send", "sent_to_employer")
        finally:
            self.ledger.busy.discard(c.convention_id)
        return True

    async def _staff_step(self, c: Convention, action: str, becomes: str) -> None:
        path = f"/conventions/{c.convention_id}/{action}"
        done = await self.api.call("placements", "POST", path, safe=True, headers=self._h(c))
        if done.ok:
            c.status = becomes
        elif done.status == 409 and done.attempts > 1:
            await self._seen_after_retry(c, becomes)

    async def _seen_after_retry(self, c: Convention, becomes: str) -> None:
        """A step answered 409 on its second try: done by the first, whose answer was lost?"""
        seen = await self.api.call(
            "placements", "GET", f"/conventions/{c.convention_id}", safe=True, headers=self._h(c)
        )
        if seen.ok and seen.json()["status"] == becomes:
            c.status = becomes
            c.signed_by = set(seen.json().get("signatures", {}))
            self.ledger.ambiguous["convention_step"] += 1
            self.ledger.resolved_as_done["convention_step"] += 1

    def _links(self, c: Convention, role: str) -> list[str]:
        return self.mailbox.convention_links.get((c.convention_id, role), [])

    async def confirm_convention(self) -> bool:
        ready = [
            c for c in self.ledger.conventions.values() if c.status == "sent_to_employer" and self._links(c, "employer")
        ]
        c = self._take(ready, "convention_id")
        if c is None:
            return False
        try:
            confirmed = await self.api.call("placements", "POST", f"{self._links(c, 'employer')[0]}/confirm", safe=True)
            if confirmed.ok:
                c.status = "confirmed_by_employer"
            elif confirmed.status in (409, 410) and confirmed.attempts > 1:
                await self._seen_after_retry(c, "confirmed_by_employer")
        finally:
            self.ledger.busy.discard(c.convention_id)
        return True

    def _sign_link(self, c: Convention, role: str) -> str | None:
        links = self._links(c, role)
        wanted = 1 if role == "employer" else 0  # the employer's first link was to confirm
        return links[wanted] if len(links) > wanted else None

    async def sign_convention(self) -> bool:
        ready = [
            c
            for c in self.ledger.conventions.values()
            if c.status in ("confirmed_by_employer", "partially_signed")
            and any(r not in c.signed_by and self._sign_link(c, r) for r in ("beneficiary", "employer"))
        ]
        c = self._take(ready, "convention_id")
        if c is None:
            return False
        try:
            role = next(r for r in ("beneficiary", "employer") if r not in c.signed_by and self._sign_link(c, r))
            signed = await self.api.call("placements", "POST", f"{self._sign_link(c, role)}/sign", safe=True)
            if signed.ok:
                c.signed_by.add(role)
                c.status = signed.json()["status"]
            elif signed.status in (409, 410) and signed.attempts > 1:
                seen = await self.api.call(
                    "placements", "GET", f"/conventions/{c.convention_id}", safe=True, headers=self._h(c)
                )
                if seen.ok and role in seen.json().get("signatures", {}):
                    c.signed_by.add(role)
                    c.status = seen.json()["status"]
                    self.ledger.ambiguous["convention_step"] += 1
                    self.ledger.resolved_as_done["convention_step"] += 1
        finally:
            self.ledger.busy.discard(c.convention_id)
        return True

    async def refused_write(self) -> bool:
        agency = random.randrange(len(self.staff))
        headers = self.staff[agency].counsellor
        name = marker("Refus")
        known = self._known()
        if known and random.random() < 0.5:
            b = random.choice(known)
            made: Outcome = await self.api.call(
                "placements",
                "POST",
                "/conventions",
                safe=False,
                json=bodies.refused_convention(name, b.beneficiary_id),
                headers=self._h(b),
            )
            if 400 <= made.status < 500:
                self.ledger.refused_conventions.append(name)
            return True
        made = await self.api.call(
            "profiles", "POST", "/beneficiaries", safe=False, json=bodies.refused_beneficiary(name), headers=headers
        )
        if 400 <= made.status < 500:
            self.ledger.refused_beneficiaries.append(name)
        return True
