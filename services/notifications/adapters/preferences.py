"""Staff members' choices (`preferences`): per kind of notification, live, e-mail, both or none. A
document per person, `{_id: staff_id, kinds: {kind: preference}}`; kinds never chosen are absent."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from services.kit.mongo import Document
from services.notifications.domain.routing import Kind, Preference

PREFERENCES = "preferences"


class Preferences:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.preferences = database[PREFERENCES]

    async def chosen(self, staff_id: str) -> dict[Kind, Preference]:
        found = await self.preferences.find_one({"_id": staff_id}) or {}
        return {Kind(k): Preference(v) for k, v in found.get("kinds", {}).items()}

    async def choice(self, staff_id: str, kind: Kind) -> Preference | None:
        found = await self.preferences.find_one({"_id": staff_id})
        chosen = (found or {}).get("kinds", {}).get(kind.value)
        return Preference(chosen) if chosen else None

    async def choose(self, staff_id: str, kinds: dict[Kind, Preference]) -> None:
        """These kinds as chosen; the others stay as they were."""
        changes = {f"kinds.{k.value}": v.value for k, v in kinds.items()}
        await self.preferences.update_one({"_id": staff_id}, {"$set": changes}, upsert=True)
