"""The e-mails to send (`emails`): the dispatcher queues them, the mailer claims and sends them, operators
list and retry them, an erasure deletes a person's.

The `{status, next_at}` index is the mailer's queue: a pass reads pending e-mails whose time came and
claims past their lease, never months of sent ones. An e-mail has no version (its document stays as it
was): a write is conditional on the status and the number of attempts it was read with, which every claim
increases, so that of two senders one wins (`ConcurrentUpdate` for the other)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.kit.mongo import Document
from services.kit.outbox import ConcurrentUpdate
from services.kit.pagination import newest_page
from services.notifications.adapters.changes import changed_fields
from services.notifications.domain.email import Attachment, Email, Status

EMAILS = "emails"
OPTIONAL = ("attempts_before", "sending_since", "error", "sent_at", "purge_at", "html", "sender_name")


def to_document(email: Email) -> Document:
    document: Document = {
        "_id": email.id,
        "key": email.key,
        "to": email.to,
        "recipient": email.recipient,
        "subject": email.subject,
        "text": email.text,
        "kind": email.kind,
        **({"event_id": email.event_id} if email.event_id is not None else {}),
        "status": email.status.value,
        "attempts": email.attempts,
        "next_at": email.next_at,
        "created_at": email.created_at,
    }
    if email.about:
        document["about"] = list(email.about)
    if email.attachments:
        document["attachments"] = [
            {"filename": a.filename, "content_type": a.content_type, "text": a.text, "method": a.method}
            for a in email.attachments
        ]
    return document | {name: getattr(email, name) for name in OPTIONAL if getattr(email, name) is not None}


def from_document(d: Document) -> Email:
    return Email(
        id=d["_id"],
        key=str(d.get("key", d["_id"])),
        to=d["to"],
        recipient=d["recipient"],
        subject=d["subject"],
        text=d["text"],
        kind=d["kind"],
        status=Status(d["status"]),
        attempts=d["attempts"],
        next_at=d["next_at"],
        created_at=d["created_at"],
        event_id=d.get("event_id"),
        attachments=tuple(Attachment(**a) for a in d.get("attachments", ())),
        about=tuple(d.get("about", ())),
        **{name: d[name] for name in OPTIONAL if name in d},
    )


class Emails:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.emails = database[EMAILS]

    async def queue(self, email: Email) -> bool:
        """Stored for the mailer; False when one with the same `key` exists already (sent or on its way)."""
        try:
            await self.emails.insert_one(to_document(email))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, email_id: str) -> Email | None:
        found = await self.emails.find_one({"_id": email_id})
        return from_document(found) if found else None

    async def save(self, before: Email, after: Email) -> None:
        """The fields the decision changed, if the e-mail is still as it was read (its status and number of
        attempts); raises ConcurrentUpdate when another sender took it, an operator retried it or an erasure
        deleted it meanwhile."""
        as_read = {"_id": before.id, "status": before.status.value, "attempts": before.attempts}
        changes = changed_fields(to_document(before), to_document(after))
        result = await self.emails.update_one(as_read, {"$set": changes})
        if result.matched_count == 0:
            raise ConcurrentUpdate(before.id, before.attempts)

    async def due(self, now: datetime, limit: int) -> list[Email]:
        """The e-mails to send at `now`, longest waiting first: pending ones whose time came, and those left
        `sending` past their lease (their sender died). By the `{status, next_at}` index."""
        query = {"status": {"$in": [Status.PENDING.value, Status.SENDING.value]}, "next_at": {"$lte": now}}
        return [from_document(d) for d in await self.emails.find(query).sort("next_at", 1).limit(limit).to_list()]

    async def listed(self, status: str | None, after: str | None, limit: int) -> list[Document]:
        """The e-mails for operators, newest first (by the `_id` index, after the cursor), without their
        text: the stored documents as they are."""
        listing = {"text": 0, "html": 0, "attachments": 0}
        return await newest_page(self.emails, {"status": status} if status else {}, after, limit, listing)

    async def document(self, email_id: str) -> Document | None:
        """One e-mail as stored, its text included (for operators)."""
        return await self.emails.find_one({"_id": email_id})

    async def give_purge_dates(self, retention: timedelta, now: datetime) -> int:
        """Sent e-mails stored before `purge_at` existed get theirs (found by the TTL index: those lacking
        it), so that the retention holds for them too."""
        given = 0
        lacking = {"purge_at": {"$exists": False}, "status": Status.SENT.value}
        async for email in self.emails.find(lacking, {"sent_at": 1}):
            sent_at = email.get("sent_at") or now
            await self.emails.update_one({"_id": email["_id"]}, {"$set": {"purge_at": sent_at + retention}})
            given += 1
        return given

    async def delete_to(self, recipients: list[str]) -> None:
        """An erasure: the e-mails to these people (their text holds their name and address) go."""
        await self.emails.delete_many({"recipient": {"$in": recipients}})

    async def delete_about(self, person_id: str) -> None:
        """An erasure: the e-mails to others that say where and when the person meets (invitations) go."""
        await self.emails.delete_many({"about": person_id})
