"""Testimonies in the profiles database: their descriptions (`testimonies`), the peers' recorded consent
(`testimony_consents`) and the share links given to beneficiaries (`testimony_shares`). Their files are in
`media.MediaStore`. Nothing here is on one instance's disk, and nothing leaves profiles: no event names a
testimony."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.contracts.events.profiles import StepKind, Transition
from services.kit.mongo import Document
from services.kit.pagination import newest_page
from services.profiles.domain.testimony import Author, Format, Media, Stage, Testimony

TESTIMONIES = "testimonies"
CONSENTS = "testimony_consents"
SHARES = "testimony_shares"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_document(t: Testimony) -> Document:
    return {
        "_id": t.testimony_id,
        "peer_id": t.peer_id,
        "agency_id": t.agency_id,
        "region_code": t.region_code,
        "format": t.format.value,
        "title": t.title,
        "jobs": list(t.jobs),
        "path_kind": t.path_kind.value if t.path_kind else None,
        "transition": t.transition.value if t.transition else None,
        "added_by": t.added_by.value,
        "created_at": t.created_at,
        "text": t.text,
        "transcript": t.transcript,
        "subtitles": t.subtitles,
        "stage": t.stage.value,
        "media": vars(t.media) if t.media else None,
    }


def from_document(d: Document) -> Testimony:
    return Testimony(
        testimony_id=d["_id"],
        peer_id=d["peer_id"],
        agency_id=d["agency_id"],
        region_code=d["region_code"],
        format=Format(d["format"]),
        title=d["title"],
        jobs=tuple(d["jobs"]),
        path_kind=StepKind(d["path_kind"]) if d.get("path_kind") else None,
        transition=Transition(d["transition"]) if d.get("transition") else None,
        added_by=Author(d["added_by"]),
        created_at=_utc(d["created_at"]),
        text=d["text"],
        transcript=d["transcript"],
        subtitles=d["subtitles"],
        stage=Stage(d["stage"]),
        media=Media(**d["media"]) if d.get("media") else None,
    )


class Testimonies:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[TESTIMONIES]
        self.consents = database[CONSENTS]
        self.shares = database[SHARES]

    async def add(self, testimony: Testimony) -> None:
        await self.collection.insert_one(to_document(testimony))

    async def get(self, testimony_id: str) -> Testimony | None:
        found = await self.collection.find_one({"_id": testimony_id})
        return from_document(found) if found else None

    async def store_media(self, testimony: Testimony) -> bool:
        """Records its stored file, if the testimony still waits for one (False: deleted meanwhile)."""
        assert testimony.media is not None
        result = await self.collection.update_one(
            {"_id": testimony.testimony_id, "stage": Stage.AWAITING_MEDIA.value},
            {"$set": {"media": vars(testimony.media), "stage": testimony.stage.value}},
        )
        return result.matched_count == 1

    async def of_job(
        self, job: str, agency_id: str, region_code: str, after: str | None, limit: int
    ) -> list[Testimony]:
        """Ready testimonies about `job` from the caller's agency or region (read by the `jobs` index), newest
        first; whether each peer lets the caller see them is the caller's to check."""
        query: Document = {
            "jobs": job,
            "stage": Stage.READY.value,
            "$or": [{"agency_id": agency_id}, {"region_code": region_code}],
        }
        return [from_document(d) for d in await newest_page(self.collection, query, after, limit, few=True)]

    async def of_peer(self, peer_id: str) -> list[Testimony]:
        return [from_document(d) async for d in self.collection.find({"peer_id": peer_id})]

    async def delete(self, testimony_id: str) -> None:
        await self.shares.delete_many({"testimony_id": testimony_id})
        await self.collection.delete_one({"_id": testimony_id})

    async def forget_peer(self, peer_id: str) -> int:
        """Every share link, testimony and consent of the peer (their files first: `TestimonyService`)."""
        await self.shares.delete_many({"peer_id": peer_id})
        deleted = await self.collection.delete_many({"peer_id": peer_id})
        await self.consents.delete_one({"_id": peer_id})
        return deleted.deleted_count

    async def peers_holding(self) -> list[str]:
        """Every peer with a testimony or a recorded consent (the sweep checks they may still have one)."""
        held = set(await self.collection.distinct("peer_id")) | set(await self.consents.distinct("_id"))
        return sorted(str(peer_id) for peer_id in held)

    # -- consent -------------------------------------------------------------------------------------------

    async def consent_given(self, peer_id: str) -> bool:
        return await self.consents.find_one({"_id": peer_id}, {"_id": 1}) is not None

    async def record_consent(self, peer_id: str, agency_id: str, by: Author, at: datetime) -> None:
        await self.consents.update_one(
            {"_id": peer_id},
            {"$set": {"agency_id": agency_id, "recorded_by": by.value, "given_at": at}},
            upsert=True,
        )

    # -- share links -----------------------------------------------------------------------------------------

    async def add_share(
        self, share_id: str, testimony: Testimony, beneficiary_id: str, agency_id: str, expires_at: datetime
    ) -> None:
        await self.shares.insert_one(
            {
                "_id": share_id,
                "testimony_id": testimony.testimony_id,
                "peer_id": testimony.peer_id,
                "beneficiary_id": beneficiary_id,
                "agency_id": agency_id,
                "expires_at": expires_at,  # a TTL index forgets it then
            }
        )

    async def shared(self, share_id: str) -> str | None:
        """The testimony a share link opens, while the share exists."""
        found = await self.shares.find_one({"_id": share_id}, {"testimony_id": 1})
        return str(found["testimony_id"]) if found else None

    async def forget_beneficiary(self, beneficiary_id: str) -> None:
        await self.shares.delete_many({"beneficiary_id": beneficiary_id})
