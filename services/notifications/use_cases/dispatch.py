"""From an event to what each person receives: the ROUTES table says who and which kind; the directory
gives the contact; the preferences the channels. Each (event, person, channel) is written once, under a
unique `key` made of both, so a redelivered event changes nothing: an inbox entry (whose push makes every
instance show it live) and an e-mail to send (`mailing`). Both get time-ordered ids: their lists are read
newest first through the `_id` index."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from services.contracts.envelope import Envelope
from services.kit.ids import new_id
from services.notifications.adapters.emails import Emails
from services.notifications.domain.contacts import Contact, MissingContact
from services.notifications.domain.email import Email, Status
from services.notifications.domain.inbox_entry import InboxEntry
from services.notifications.domain.layout import render
from services.notifications.domain.messages import Message, message
from services.notifications.domain.routing import STAFF_AUDIENCES, Audience, Channel, Route, routes_for
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.inbox import Inbox
from services.notifications.use_cases.links import Links
from services.notifications.use_cases.preferences import ChannelChoices


class Dispatcher:
    def __init__(
        self,
        directory: Directory,
        inbox: Inbox,
        choices: ChannelChoices,
        emails: Emails,
        links: Links,
        wake_mailer: Callable[[], None] = lambda: None,
        agency_name: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.directory = directory
        self.inbox = inbox
        self.choices = choices
        self.emails = emails
        self.links = links
        self.wake_mailer = wake_mailer
        self.agency_name = agency_name or _unnamed

    async def dispatch(self, envelope: Envelope) -> None:
        routes = routes_for(envelope.event_type, envelope.payload)
        agency = await self.agency_name(envelope.tenant_id) if routes and envelope.tenant_id else ""
        for route in routes:
            console = self.links.console(envelope) if route.audience in STAFF_AUDIENCES else ""
            own_profile = self.links.peer_profile(envelope.payload) if route.audience is Audience.PEER else ""
            for person, link in await self._recipients(route, envelope.payload):
                text = message(route.kind, envelope.payload, link, console, own_profile, agency)
                await self._deliver(envelope, route, person, text, agency)

    async def _recipients(self, route: Route, payload: dict[str, Any]) -> list[tuple[Contact, str]]:
        """Each person of the route's audience, with the secure link they act from (none for staff)."""
        if route.audience is Audience.COUNSELLOR:
            person = await self.directory.staff_member(payload["counsellor_id"])
            return [(person, "")] if person else []  # a closed account hears nothing
        if route.audience is Audience.VALIDATORS:
            return [(v, "") for v in await self.directory.validators(payload["agency_id"])]
        if route.audience is Audience.PEER:
            peer = await self.directory.peer(payload["peer_id"])
            return [(peer, self.links.peer_introduction(payload))] if peer else []
        roles = [payload["role"]] if "role" in payload else [r for r in payload.get("recipients", []) if r != "agency"]
        found = []
        for role in roles:
            person, link = await self.directory.party(payload["convention_id"], role)
            if person is None:
                raise MissingContact(f"no contact yet for the {role} of convention {payload['convention_id']}")
            found.append((person, self.links.party(payload["convention_id"], role, link)))
        return found

    async def _deliver(
        self, envelope: Envelope, route: Route, person: Contact, text: Message, agency: str = ""
    ) -> None:
        channels = await self.choices.channels(person, route.audience, route.kind)
        now = datetime.now(UTC)
        if person.staff_id and channels:
            push = Channel.LIVE in channels
            await self.inbox.deliver(entry_of(envelope, route, person, text, now, pushed=not push), push=push)
        queued = Channel.EMAIL in channels and person.email
        if queued and await self.emails.queue(email_of(envelope, route, person, text, now, agency)):
            self.wake_mailer()


async def _unnamed(agency_id: str) -> str:
    return ""


def entry_of(
    envelope: Envelope, route: Route, person: Contact, text: Message, now: datetime, *, pushed: bool
) -> InboxEntry:
    """The entry's key comes from the event and the person (a redelivery finds it); its id from the moment
    it is stored (the order a reconnecting browser resumes in)."""
    return InboxEntry(
        id=new_id(),
        key=f"{envelope.event_id}.{person.staff_id}",
        staff_id=person.staff_id,
        agency_id=envelope.tenant_id or "",
        kind=route.kind.value,
        title=text.title,
        body=text.body,
        url=text.url,
        subject_id=envelope.aggregate_id,
        created_at=now,
        read=False,
        pushed=pushed,
    )


def email_of(
    envelope: Envelope, route: Route, person: Contact, text: Message, now: datetime, agency: str = ""
) -> Email:
    """Sent in the agency's name when it is known (its registration may not have arrived yet)."""
    rendered = render(text, person.name, agency)
    return Email(
        id=new_id(),
        key=f"{envelope.event_id}.{person.key}",
        to=person.email,
        recipient=person.key,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sender_name=agency or None,
        kind=route.kind.value,
        event_id=envelope.event_id,
        status=Status.PENDING,
        attempts=0,
        next_at=now,
        created_at=now,
    )
