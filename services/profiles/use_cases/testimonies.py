"""Testimonies: a peer adds theirs from their link (which records their consent), a counsellor of their
agency adds one once the consent is recorded; its file is streamed in and its type read from its content;
counsellors browse them by job and watch them through a short-lived link; a share link lets a beneficiary
watch one. Withdrawing the consent, or the peer's withdrawal or erasure, deletes every piece: files,
chunks, subtitles, share links (`forget_peer`, called at once, by the erasure's event and by a sweep)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime

from services.contracts.links import TESTIMONY_SHARE, TESTIMONY_WATCH
from services.kit import links
from services.kit.domain import Gone
from services.kit.identity import Caller
from services.kit.ids import new_id
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.media import MediaStore, TooLarge
from services.profiles.adapters.peers import Peers
from services.profiles.adapters.testimonies import Testimonies
from services.profiles.domain import testimony as rules
from services.profiles.domain.byte_ranges import ByteRange
from services.profiles.domain.media_types import HEAD_BYTES, sniff
from services.profiles.domain.peer import Peer, Status, visible_to
from services.profiles.use_cases.errors import Clock, Conflict, NotFound, utc_now

NOT_FOUND = "Ce témoignage n'existe pas ou n'est pas visible par votre agence."
NO_LONGER = "Ce témoignage n'est plus disponible : la personne qui l'a donné l'a retiré."


class TestimonyService:
    def __init__(
        self,
        testimonies: Testimonies,
        media: MediaStore,
        peers: Peers,
        beneficiaries: Beneficiaries,
        link_key: str,
        max_media_bytes: int,
        clock: Clock = utc_now,
    ) -> None:
        self.testimonies, self.media, self.peers, self.beneficiaries = testimonies, media, peers, beneficiaries
        self.link_key, self.max_media_bytes, self.clock = link_key, max_media_bytes, clock

    # -- adding -------------------------------------------------------------------------------------------------

    async def add_by_counsellor(self, peer_id: str, caller: Caller, draft: rules.Testimony) -> rules.Testimony:
        peer = await self._own_peer(peer_id, caller)
        if not await self.testimonies.consent_given(peer.peer_id):
            raise Conflict(
                "Enregistrez d'abord le consentement du pair à diffuser ses témoignages.",
                code="testimony_consent_missing",
                field="consent",
            )
        return await self._add(peer, draft, rules.Author.COUNSELLOR)

    async def add_by_peer(self, peer: Peer, draft: rules.Testimony) -> rules.Testimony:
        """The peer adds their own: that is their consent, recorded as such."""
        await self.testimonies.record_consent(peer.peer_id, peer.agency_id, rules.Author.PEER, self.clock())
        return await self._add(peer, draft, rules.Author.PEER)

    async def _add(self, peer: Peer, draft: rules.Testimony, by: rules.Author) -> rules.Testimony:
        testimony = rules.checked(
            replace(
                draft,
                testimony_id=new_id(),
                peer_id=peer.peer_id,
                agency_id=peer.agency_id,
                region_code=peer.region_code,
                added_by=by,
                created_at=self.clock(),
            )
        )
        await self.testimonies.add(testimony)
        return testimony

    async def attach_media(self, testimony: rules.Testimony, body: AsyncIterator[bytes]) -> rules.Testimony:
        """Streams the file in: its format read from its first bytes, its size counted as it arrives."""
        head, rest = await _first_bytes(body, HEAD_BYTES)
        container = rules.accepts(testimony, sniff(head))
        kind = testimony.media_kind
        assert kind is not None
        file_id = testimony.testimony_id  # one file per testimony: deleting it never misses a piece
        try:
            length = await self.media.store(
                file_id, _chained(head, rest), self.max_media_bytes, {"peer_id": testimony.peer_id}
            )
        except TooLarge as error:
            size = f"{self.max_media_bytes / 1_048_576:g} Mo"
            raise rules.MediaTooLarge(f"Le fichier dépasse la taille permise ({size}).", field="media") from error
        media = rules.Media(file_id, container.name, container.served_as(kind), length, self.media.chunk_bytes)
        stored = rules.with_media(testimony, media)
        if not await self.testimonies.store_media(stored):
            await self.media.delete(file_id)  # withdrawn or erased while it arrived
            raise Gone(NO_LONGER, code="testimony_gone")
        return stored

    # -- reading ------------------------------------------------------------------------------------------------

    async def of_job(self, caller: Caller, job: str, after: str | None, limit: int) -> list[rules.Testimony]:
        found = await self.testimonies.of_job(job.strip().upper(), caller.agency_id, caller.region_code, after, limit)
        peers = {peer_id: await self.peers.get(peer_id) for peer_id in {t.peer_id for t in found}}
        return [t for t in found if rules.may_see(t, peers[t.peer_id], caller.agency_id, caller.region_code)]

    async def of_peer(self, peer_id: str, caller: Caller) -> list[rules.Testimony]:
        """The peer's testimonies the caller may see; their own agency sees those still waiting for a file."""
        peer = await self.peers.get(peer_id)
        if peer is None or not visible_to(peer, caller.agency_id, caller.region_code):
            raise NotFound("Ce pair n'existe pas ou n'est pas visible par votre agence.", code="peer_not_found")
        if peer.status is not Status.PUBLISHED:
            return []
        own = peer.agency_id == caller.agency_id
        found = await self.testimonies.of_peer(peer_id)
        return [t for t in found if own or rules.may_see(t, peer, caller.agency_id, caller.region_code)]

    async def visible(self, testimony_id: str, caller: Caller) -> rules.Testimony:
        found = await self.testimonies.get(testimony_id)
        peer = await self.peers.get(found.peer_id) if found else None
        if found is None or not rules.may_see(found, peer, caller.agency_id, caller.region_code):
            raise NotFound(NOT_FOUND, code="testimony_not_found")
        return found

    async def own(self, testimony_id: str, caller: Caller) -> rules.Testimony:
        """A testimony of a peer the caller's agency recruited, whatever its stage."""
        found = await self.testimonies.get(testimony_id)
        if found is None or found.agency_id != caller.agency_id:
            raise NotFound(NOT_FOUND, code="testimony_not_found")
        return found

    async def of_own_peer(self, testimony_id: str, peer: Peer) -> rules.Testimony:
        found = await self.testimonies.get(testimony_id)
        if found is None or found.peer_id != peer.peer_id:
            raise NotFound("Ce témoignage n'existe pas ou n'est pas le vôtre.", code="testimony_not_found")
        return found

    def watch_token(self, testimony: rules.Testimony) -> str:
        expires = rules.watch_expiry(self.clock())
        return TESTIMONY_WATCH.token(self.link_key, testimony.testimony_id, expires)

    async def opened(self, token: str) -> rules.Testimony:
        """The testimony a share link or a player link opens, while it is there to see."""
        try:
            share_id = TESTIMONY_SHARE.subject(self.link_key, token)
        except links.LinkExpired as error:
            raise Gone(TESTIMONY_SHARE.expired, code="link_expired") from error
        except links.InvalidLink:
            testimony_id: str | None = TESTIMONY_WATCH.opened(self.link_key, token)
        else:
            testimony_id = await self.testimonies.shared(share_id)
        found = await self.testimonies.get(testimony_id) if testimony_id else None
        peer = await self.peers.get(found.peer_id) if found else None
        if found is None or peer is None or peer.status is not Status.PUBLISHED or found.stage is not rules.Stage.READY:
            raise Gone(NO_LONGER, code="testimony_gone")
        return found

    def read(self, testimony: rules.Testimony, first: int, last: int) -> AsyncIterator[bytes]:
        assert testimony.media is not None
        byte_range = ByteRange(first, last, testimony.media.length)
        return self.media.read(testimony.media.file_id, byte_range, testimony.media.chunk_size)

    # -- sharing ------------------------------------------------------------------------------------------------

    async def share(self, testimony_id: str, caller: Caller, beneficiary_id: str, days: int) -> tuple[str, datetime]:
        """A link for one of the caller's agency's beneficiaries: (its token, its end)."""
        testimony = await self.visible(testimony_id, caller)
        expires_at = rules.share_expiry(self.clock(), days)
        if await self.beneficiaries.get(beneficiary_id, caller.agency_id) is None:
            raise NotFound(
                "Ce bénéficiaire n'existe pas ou ne fait pas partie de votre agence.", code="beneficiary_not_found"
            )
        share_id = new_id()
        await self.testimonies.add_share(share_id, testimony, beneficiary_id, caller.agency_id, expires_at)
        return TESTIMONY_SHARE.token(self.link_key, share_id, expires_at), expires_at

    # -- consent, withdrawal, erasure ----------------------------------------------------------------------------

    async def record_consent(self, peer_id: str, caller: Caller, given: bool) -> int:
        """The counsellor records the peer's consent, or its withdrawal (which deletes every testimony)."""
        peer = await self._own_peer(peer_id, caller)
        if given:
            await self.testimonies.record_consent(peer.peer_id, peer.agency_id, rules.Author.COUNSELLOR, self.clock())
            return 0
        return await self.forget_peer(peer.peer_id)

    async def consent_by_peer(self, peer: Peer, given: bool) -> int:
        """The peer gives their consent, or withdraws it (deleting every testimony) from their link."""
        if given:
            await self.testimonies.record_consent(peer.peer_id, peer.agency_id, rules.Author.PEER, self.clock())
            return 0
        return await self.forget_peer(peer.peer_id)

    async def own_by_peer(self, peer: Peer) -> list[rules.Testimony]:
        return await self.testimonies.of_peer(peer.peer_id)

    async def exported(self, peer_id: str) -> list[rules.Testimony]:
        """For the peer's export (their agency checked first): every testimony, its texts and its file's kind."""
        return await self.testimonies.of_peer(peer_id)

    async def delete(self, testimony: rules.Testimony) -> None:
        await self.media.delete(testimony.testimony_id)
        await self.testimonies.delete(testimony.testimony_id)

    async def forget_peer(self, peer_id: str) -> int:
        """Every piece of the peer's testimonies: files and chunks first, then shares, descriptions (with
        their subtitles) and consent; the number of testimonies deleted. Idempotent."""
        for testimony in await self.testimonies.of_peer(peer_id):
            await self.media.delete(testimony.testimony_id)
        return await self.testimonies.forget_peer(peer_id)

    async def forget_beneficiary(self, beneficiary_id: str) -> None:
        await self.testimonies.forget_beneficiary(beneficiary_id)

    async def sweep(self) -> dict[str, int]:
        """The safety net: the testimonies of peers withdrawn or erased (an event missed, a crash midway)."""
        forgotten = 0
        for peer_id in await self.testimonies.peers_holding():
            peer = await self.peers.get(peer_id)
            if peer is None or peer.status is not Status.PUBLISHED:
                forgotten += await self.forget_peer(peer_id)
        return {"testimonies_forgotten": forgotten}

    async def _own_peer(self, peer_id: str, caller: Caller) -> Peer:
        found = await self.peers.get(peer_id)
        if found is None or found.agency_id != caller.agency_id or found.status is not Status.PUBLISHED:
            raise NotFound("Ce pair n'existe pas ou n'a pas été recruté par votre agence.", code="peer_not_found")
        return found


async def _first_bytes(body: AsyncIterator[bytes], wanted: int) -> tuple[bytes, AsyncIterator[bytes]]:
    """The first `wanted` bytes of the stream (fewer if it is shorter), and the stream of the rest."""
    head = b""
    async for piece in body:
        head += piece
        if len(head) >= wanted:
            break
    return head, body


async def _chained(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if head:
        yield head
    async for piece in rest:
        yield piece
