"""From an event to what each person receives: the ROUTES table says who and which kind; the directory
gives the contact; the preferences the channels. Each (event, person, channel) is written once, under a
unique `key` made of both, so a redelivered event changes nothing: an inbox entry (whose event makes every
instance push it live) and an e-mail to send (`mailer`). Both get time-ordered ids: their lists are read
newest first through the `_id` index."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import Envelope
from services.contracts.events.notifications import NotificationCreatedV1
from services.contracts.links import CONVENTION_PARTY, PEER_INTRODUCTION, PEER_PROFILE, convention_link, staff_page
from services.kit.domain import domain_event
from services.kit.messaging import EventRouter
from services.kit.mongo import Document
from services.kit.outbox import OutboxWriter
from services.kit.pagination import new_id
from services.notifications.adapters.inbox import StaffInbox
from services.notifications.directory import Contact, Directory, MissingContact
from services.notifications.domain.messages import Message, message
from services.notifications.domain.routing import (
    ROUTES,
    STAFF_AUDIENCES,
    Audience,
    Channel,
    Kind,
    Preference,
    Route,
    channels_for,
    routes_for,
)

log = logging.getLogger(__name__)

PUSHES = "live_pushes"  # one small aggregate per push: its outbox carries the event every instance reads
EMAILS = "emails"
PREFERENCES = "preferences"
TOPIC = "notifications.delivery"


async def queue_email(database: AsyncDatabase[Document], email: Document) -> bool:
    """Store an e-mail for the mailer (`status` pending, `next_at` when to send it: the mailer's index);
    False when one with the same `key` exists already (sent or on its way). Without a `key`, its `_id` is."""
    try:
        await database[EMAILS].insert_one({"key": email["_id"], **email})
    except DuplicateKeyError:
        return False
    return True


class Dispatcher:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        directory: Directory,
        outbox: OutboxWriter,
        link_key: str,
        public_url: str,
        wake_mailer: Any = lambda: None,
    ) -> None:
        self.inbox = StaffInbox(database)
        self.pushes = database[PUSHES]
        self.emails = database[EMAILS]
        self.preferences = database[PREFERENCES]
        self.directory = directory
        self.outbox = outbox
        self.link_key = link_key
        self.public_url = public_url.rstrip("/")  # the console: the pages the links open
        self.wake_mailer = wake_mailer

    def subscribe(self, router: EventRouter) -> Dispatcher:
        for event_type in ROUTES:
            router.on(event_type, self.on_event)
        return self

    async def on_event(self, envelope: Envelope, payload: Any) -> None:
        for route in routes_for(envelope.event_type, envelope.payload):
            console = self._console(envelope) if route.audience in STAFF_AUDIENCES else ""
            own_profile = self._peer_profile_link(envelope.payload) if route.audience is Audience.PEER else ""
            for person, link in await self._recipients(route, envelope.payload):
                text = message(route.kind, envelope.payload, link, console, own_profile)
                await self._deliver(envelope, route, person, text)

    async def _recipients(self, route: Route, payload: dict[str, Any]) -> list[tuple[Contact, str]]:
        if route.audience is Audience.COUNSELLOR:
            person = await self.directory.staff_member(payload["counsellor_id"])
            return [(person, "")] if person else []  # a closed account hears nothing
        if route.audience is Audience.VALIDATORS:
            return [(v, "") for v in await self.directory.validators(payload["agency_id"])]
        if route.audience is Audience.PEER:
            peer = await self.directory.peer(payload["peer_id"])
            return [(peer, self._peer_link(payload))] if peer else []
        roles = [payload["role"]] if "role" in payload else [r for r in payload.get("recipients", []) if r != "agency"]
        found = []
        for role in roles:
            person, link = await self.directory.party(payload["convention_id"], role)
            if person is None:
                raise MissingContact(f"no contact yet for the {role} of convention {payload['convention_id']}")
            found.append((person, self._party_link(payload["convention_id"], role, link)))
        return found

    def _peer_link(self, payload: dict[str, Any]) -> str:
        expires = datetime.fromisoformat(payload["expires_at"])
        token = PEER_INTRODUCTION.token(
            self.link_key, payload["introduction_id"], PEER_INTRODUCTION.expires_at(expires)
        )
        return PEER_INTRODUCTION.url(self.public_url, token)

    def _peer_profile_link(self, payload: dict[str, Any]) -> str:
        expires = PEER_PROFILE.expires_at(datetime.fromisoformat(payload["expires_at"]))
        return PEER_PROFILE.url(self.public_url, PEER_PROFILE.token(self.link_key, payload["peer_id"], expires))

    def _party_link(self, convention_id: str, role: str, link: Document | None) -> str:
        if not link:
            return ""
        expires = datetime.fromisoformat(link["expires_at"])
        token = convention_link(self.link_key, convention_id, role, link["link_id"], expires)
        return CONVENTION_PARTY.url(self.public_url, token, convention_id=convention_id)

    def _console(self, envelope: Envelope) -> str:
        return staff_page(self.public_url, envelope.aggregate_type, envelope.aggregate_id)

    async def preference(self, staff_id: str, kind: Kind) -> Preference | None:
        found = await self.preferences.find_one({"_id": staff_id})
        chosen = (found or {}).get("kinds", {}).get(kind.value)
        return Preference(chosen) if chosen else None

    async def _deliver(self, envelope: Envelope, route: Route, person: Contact, text: Message) -> None:
        chosen = await self.preference(person.staff_id, route.kind) if person.staff_id else None
        channels = channels_for(route.audience, route.kind, chosen)
        if person.staff_id and channels:
            await self._into_inbox(envelope, route.kind, person, text, push=Channel.LIVE in channels)
        if Channel.EMAIL in channels and person.email:
            subject, body = text.email(person.name)
            email = {
                "_id": new_id(),
                "key": f"{envelope.event_id}.{person.key}",
                "to": person.email,
                "recipient": person.key,
                "subject": subject,
                "text": body,
                "kind": route.kind.value,
                "event_id": envelope.event_id,
                "status": "pending",
                "attempts": 0,
                "next_at": datetime.now(UTC),
                "created_at": datetime.now(UTC),
            }
            if await queue_email(self.emails.database, email):
                self.wake_mailer()

    async def _into_inbox(self, envelope: Envelope, kind: Kind, person: Contact, text: Message, push: bool) -> None:
        """The entry's key comes from the event and the person (a redelivery finds it); its id from the
        moment it is stored (the order a reconnecting browser resumes in)."""
        now = datetime.now(UTC)
        entry: Document = {
            "_id": new_id(),
            "key": f"{envelope.event_id}.{person.staff_id}",
            "staff_id": person.staff_id,
            "agency_id": envelope.tenant_id or "",
            "kind": kind.value,
            "title": text.title,
            "body": text.body,
            "url": text.url,
            "subject_id": envelope.aggregate_id,
            "created_at": now,
            "read": False,
            "pushed": not push,
        }
        entry = await self.inbox.store(entry)  # delivered before: the entry of then, pushed if it was not yet
        if entry.get("pushed") or not push:
            return
        # The push travels through a small outbox collection of its own (each record, once published, only
        # waits for its TTL index), not the inbox: an entry's outbox would make it an aggregate of the relay.
        notification_id = entry["_id"]
        payload = NotificationCreatedV1.model_validate(
            {**entry, "notification_id": notification_id, "sequence": notification_id}
        )
        pushed = domain_event(
            "notifications",
            "notifications.delivery.created",
            "delivery",
            notification_id,
            1,
            entry["agency_id"],
            payload,
        )
        with contextlib.suppress(DuplicateKeyError):
            await self.outbox.insert(self.pushes, {"_id": notification_id, "created_at": now}, [(pushed, TOPIC)])
        await self.inbox.pushed(notification_id)
