"""A minor's date of birth, fetched from profiles when a convention is written (a PMSMP needs 16 on its
first day): it is personal, so it never travels on the topics, and placements does not keep it."""

from __future__ import annotations

from datetime import date

from services.kit.internal_api import InternalClient

CALLER = "placements"


class MinorBirthDates:
    def __init__(self, profiles_urls: str, link_signing_key: str) -> None:
        self.profiles = InternalClient(profiles_urls, link_signing_key, CALLER, timeout=5.0)

    async def of(self, beneficiary_id: str, agency_id: str) -> date | None:
        """None when profiles has none (not recorded yet, not a minor any more, erased)."""
        found = await self.profiles.get(f"/internal/beneficiaries/{beneficiary_id}/birth-date?agency_id={agency_id}")
        born = found.get("birth_date") if found else None
        return date.fromisoformat(born) if born else None

    async def close(self) -> None:
        await self.profiles.close()
