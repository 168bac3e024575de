"""A person erased in profiles: their contact points go, the e-mails to them (which hold their name and
address), and those to others about their meeting (where and when)."""

from __future__ import annotations

from services.contracts.events.profiles import PersonErasedV1
from services.notifications.adapters.emails import Emails
from services.notifications.use_cases.directory import Directory


class Erasure:
    def __init__(self, directory: Directory, emails: Emails) -> None:
        self.directory = directory
        self.emails = emails

    async def forget(self, payload: PersonErasedV1) -> None:
        keys = await self.directory.forget(payload)
        if keys:
            await self.emails.delete_to(keys)
        await self.emails.delete_about(payload.person_id)
