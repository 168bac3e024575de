"""From an event to what each person receives: the ROUTES table says who and which kind; the directory
gives the contact; the preferences the channels. Each (event, person, channel) is written once, under a
unique `key` made of both, so a redelivered event changes nothing: an inbox entry (whose push makes every
instance show it live) and an e-mail to send (`mailing`). Suggestions are grouped instead: one per person,
beneficiary and day (`domain.naming.group_key`), which grows in the inbox and is e-mailed once. Both get
time-ordered ids: their lists are read newest first through the `_id` index."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events.matching import meeting_uid
from services.kit.ids import new_id
from services.notifications.adapters.emails import Emails
from services.notifications.domain.calendar import CONTENT_TYPE, FILENAME, Invitation, ics
from services.notifications.domain.contacts import Contact, MissingContact
from services.notifications.domain.email import Attachment, Email, Status
from services.notifications.domain.inbox_entry import InboxEntry
from services.notifications.domain.layout import render
from services.notifications.domain.messages import PURPOSES, Message, message
from services.notifications.domain.naming import group_key
from services.notifications.domain.routing import (
    CALENDAR_KINDS,
    STAFF_AUDIENCES,
    Audience,
    Channel,
    Kind,
    Route,
    routes_for,
)
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.gathering_notices import PREFIX as GATHERING_EVENTS
from services.notifications.use_cases.gathering_notices import GatheringNotices
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
        organizer: str = "ne-pas-repondre@parcours.test",
        agency_name: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.directory = directory
        self.inbox = inbox
        self.choices = choices
        self.emails = emails
        self.links = links
        self.wake_mailer = wake_mailer
        self.organizer = organizer  # the address invitations come from
        self.agency_name = agency_name or _unnamed
        self.gatherings = GatheringNotices(directory, links, self._deliver, organizer)

    async def dispatch(self, envelope: Envelope) -> None:
        payload, meeting = envelope.payload, None
        routes = routes_for(envelope.event_type, payload)
        agency = await self.agency_name(envelope.tenant_id) if routes and envelope.tenant_id else ""
        if envelope.event_type.startswith(GATHERING_EVENTS):
            await self.gatherings.dispatch(envelope, routes, agency)
            return
        if any(route.kind in MEETING_DETAILS for route in routes):
            meeting = await self._meeting(payload)
            payload = {**payload, "meeting": meeting}
        for route in routes:
            console = self.links.console(envelope) if route.audience in STAFF_AUDIENCES else ""
            own_profile = self.links.peer_profile(payload) if route.audience is Audience.PEER else ""
            for person, link in await self._recipients(route, payload):
                text = message(route.kind, payload, link, console, own_profile, agency)
                calendar = meeting or (_without_place(payload) if route.kind is Kind.MEETING_CANCELLED else None)
                if route.kind in CALENDAR_KINDS and calendar is not None:
                    text = replace(text, attachments=(self._invitation(route.kind, calendar, person, link or console),))
                await self._deliver(envelope, route, person, text, agency)

    async def _meeting(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The appointment the event speaks of (its sequence), where and when, from matching; None once the
        introduction or its meeting is gone (an erasure): the e-mail then goes without the invitation."""
        found = await self.directory.meeting(payload["introduction_id"])
        if found is None:
            return None
        for appointment in found["appointments"]:
            if appointment["sequence"] == payload.get("sequence"):
                return {**appointment, **{k: found[k] for k in ("uid", "purpose_label", "target_job_label")}} | {
                    "counsellor_present": found["counsellor_present"]
                }
        return None

    def _invitation(self, kind: Kind, meeting: dict[str, Any], person: Contact, url: str) -> Attachment:
        cancelled = kind is Kind.MEETING_CANCELLED
        invitation = Invitation(
            uid=meeting["uid"],
            sequence=meeting["sequence"],
            cancelled=cancelled,
            starts_at=datetime.fromisoformat(meeting["starts_at"]),
            ends_at=datetime.fromisoformat(meeting["ends_at"]),
            summary=f"Parcours · {meeting['purpose_label']}"
            + (f" ({meeting['target_job_label']})" if meeting["target_job_label"] else ""),
            location=meeting["place"] or ("À l'agence" if meeting.get("at_agency") else ""),
            description=f"Rencontre organisée par Parcours. Pour la suivre, la déplacer ou l'annuler : {url}",
            organizer=self.organizer,
            attendee_name=person.name,
            attendee_email=person.email,
        )
        method = invitation.method
        return Attachment(FILENAME, CONTENT_TYPE, ics(invitation, datetime.now(UTC)), method)

    async def _recipients(self, route: Route, payload: dict[str, Any]) -> list[tuple[Contact, str]]:
        """Each person of the route's audience, with the secure link they act from (none for staff)."""
        if route.audience is Audience.COUNSELLOR:
            person = await self.directory.staff_member(payload["counsellor_id"])
            return [(person, "")] if person else []  # a closed account hears nothing
        if route.audience is Audience.VALIDATORS:
            return [(v, "") for v in await self.directory.validators(payload["agency_id"])]
        if route.audience is Audience.LEGAL_REPRESENTATIVE:
            guardian = await self.directory.legal_representative(payload["beneficiary_id"], payload["agency_id"])
            return [(guardian, "")] if guardian else []
        if route.audience is Audience.AGENCY_ADMINS:
            return [(a, "") for a in await self.directory.admins(payload["agency_id"])]
        if route.audience is Audience.PEER:
            peer = await self.directory.peer(payload["peer_id"])
            # a request about an introduction opens its answer page; anything else, the peer's own page
            opens = self.links.peer_introduction if "introduction_id" in payload else self.links.peer_profile
            return [(peer, opens(payload))] if peer else []
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
            entry = entry_of(envelope, route, person, text, now, pushed=not push)
            if route.kind is Kind.SUGGESTION:
                await self.inbox.gather(entry, push=push)
            else:
                await self.inbox.deliver(entry, push=push)
        queued = Channel.EMAIL in channels and person.email
        if queued and await self.emails.queue(email_of(envelope, route, person, text, now, agency)):
            self.wake_mailer()


def _without_place(payload: dict[str, Any]) -> dict[str, Any]:
    """A cancelled meeting whose details are gone (an erased party): its calendar event is still removed, by
    its UID and the event's sequence and time."""
    starts_at = datetime.fromisoformat(str(payload["starts_at"]))
    return {
        "uid": meeting_uid(payload["introduction_id"]),
        "sequence": payload["sequence"],
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
        "place": "",
        "at_agency": False,
        "purpose_label": PURPOSES.get(payload["purpose"], "rencontre"),
        "target_job_label": "",
    }


MEETING_DETAILS = CALENDAR_KINDS | {Kind.MEETING_REMINDER}  # e-mails that say where the meeting is held


async def _unnamed(agency_id: str) -> str:
    return ""


def key_of(envelope: Envelope, route: Route, recipient: str) -> str:
    """Once per event and recipient; a suggestion once per recipient, beneficiary and day."""
    if route.kind is Kind.SUGGESTION:
        return group_key(recipient, envelope.payload["beneficiary_id"], envelope.occurred_at)
    return f"{envelope.event_id}.{recipient}"


def entry_of(
    envelope: Envelope, route: Route, person: Contact, text: Message, now: datetime, *, pushed: bool
) -> InboxEntry:
    """The entry's key comes from the event (or the suggestion's group) and the person (a redelivery finds
    it); its id from the moment it is stored (the order a reconnecting browser resumes in). It keeps the
    ids of the people it is about, never their names."""
    payload = envelope.payload
    return InboxEntry(
        id=new_id(),
        key=key_of(envelope, route, person.staff_id),
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
        beneficiary_id=str(payload.get("beneficiary_id") or ""),
        peer_ids=(str(payload["peer_id"]),) if payload.get("peer_id") else (),
    )


def email_of(
    envelope: Envelope, route: Route, person: Contact, text: Message, now: datetime, agency: str = ""
) -> Email:
    """Sent in the agency's name when it is known (its registration may not have arrived yet)."""
    rendered = render(text, person.name, agency)
    return Email(
        id=new_id(),
        key=key_of(envelope, route, person.key),
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
        attachments=text.attachments,
        about=_about(route, envelope.payload),
    )


def _about(route: Route, payload: dict[str, Any]) -> tuple[str, ...]:
    """Whose meeting an e-mail describes (where and when they meet): their erasure deletes it."""
    if route.kind not in MEETING_DETAILS:
        return ()
    return tuple(str(payload[name]) for name in ("peer_id", "beneficiary_id") if payload.get(name))
