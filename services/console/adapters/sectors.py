"""The sector and the kind of transition a later event counts in when the event does not say them: the ROME
family each beneficiary explores and the move they make, chosen or imposed (`funnel_beneficiaries`, from
profiles' events), and those of each introduction (`funnel_introductions`, from matching's proposal). Two
projections of one kind, hence one module."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.console.domain.funnel import UNKNOWN_SECTOR, UNKNOWN_TRANSITION, transition_of
from services.kit.mongo import Document
from services.kit.projection import apply_if_newer

BENEFICIARIES = "funnel_beneficiaries"
INTRODUCTIONS = "funnel_introductions"


class _Sectors:
    def __init__(self, database: AsyncDatabase[Document], collection: str) -> None:
        self.collection = database[collection]

    async def of(self, key: str) -> str:
        """The sector known for `key`, or the unknown sector when its first event has not come yet."""
        return (await self.reading(key))[0]

    async def reading(self, key: str) -> tuple[str, str]:
        """The sector and the kind of transition known for `key` (unknown ones until its first event)."""
        found = await self.collection.find_one({"_id": key}, {"sector": 1, "transition": 1})
        if found is None:
            return UNKNOWN_SECTOR, UNKNOWN_TRANSITION
        return str(found["sector"]), transition_of(found.get("transition"))


class BeneficiarySectors(_Sectors):
    """The sector each beneficiary explores (the family of their first target job), by beneficiary id."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        super().__init__(database, BENEFICIARIES)

    async def remember(self, beneficiary_id: str, version: int, sector: str, transition: str) -> None:
        """Kept unless a newer version of the beneficiary's project is known already."""
        await apply_if_newer(self.collection, beneficiary_id, version, {"sector": sector, "transition": transition})

    async def forget(self, beneficiary_id: str) -> None:
        await self.collection.delete_one({"_id": beneficiary_id})


class IntroductionSectors(_Sectors):
    """The sector of each introduction's job, by introduction id."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        super().__init__(database, INTRODUCTIONS)

    async def remember(self, introduction_id: str, sector: str, transition: str) -> None:
        await self.collection.update_one(
            {"_id": introduction_id}, {"$set": {"sector": sector, "transition": transition}}, upsert=True
        )
