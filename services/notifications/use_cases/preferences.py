"""How staff members hear of each kind of notification: their choices over the defaults, and the channels
a delivery takes."""

from __future__ import annotations

from services.notifications.adapters.preferences import Preferences
from services.notifications.domain.contacts import Contact
from services.notifications.domain.routing import STAFF_DEFAULTS, Audience, Channel, Kind, Preference, channels_for


class ChannelChoices:
    def __init__(self, preferences: Preferences) -> None:
        self.preferences = preferences

    async def of(self, staff_id: str) -> dict[Kind, Preference]:
        """Every kind: the person's choice, or the default."""
        return {**STAFF_DEFAULTS, **await self.preferences.chosen(staff_id)}

    async def choose(self, staff_id: str, kinds: dict[Kind, Preference]) -> dict[Kind, Preference]:
        await self.preferences.choose(staff_id, kinds)
        return await self.of(staff_id)

    async def channels(self, person: Contact, audience: Audience, kind: Kind) -> frozenset[Channel]:
        """Staff: their choice for the kind, or the default; everyone else: e-mail."""
        chosen = await self.preferences.choice(person.staff_id, kind) if person.staff_id else None
        return channels_for(audience, kind, chosen)
