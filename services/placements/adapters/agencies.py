"""The agencies as placements reads them: the directory the kit keeps from profiles' events."""

from __future__ import annotations

from services.kit.agency_directory import AgencyDirectory


class Agencies:
    def __init__(self, directory: AgencyDirectory) -> None:
        self.directory = directory

    async def name_of(self, agency_id: str) -> str:
        """The agency's name; empty while its registration has not arrived."""
        found = await self.directory.collection.find_one({"_id": agency_id}, {"name": 1})
        return str(found.get("name", "")) if found else ""
