"""A gathering's notices: the dispatcher hands over the events of `matching.gathering`, whose recipients
are the beneficiaries it names (their own e-mail, asked of profiles), the witnesses (peers) and the
counsellor, and whose e-mails carry the gathering's calendar file (one UID per gathering, METHOD:REQUEST,
or CANCEL when it is cancelled). What, when and where come from matching as the e-mail is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.contracts.envelope import Envelope
from services.notifications.domain.calendar import CONTENT_TYPE, FILENAME, Invitation, ics
from services.notifications.domain.contacts import Contact
from services.notifications.domain.email import Attachment
from services.notifications.domain.gathering_messages import gathering_message
from services.notifications.domain.messages import Message
from services.notifications.domain.routing import GATHERING_CALENDAR_KINDS, Audience, Kind, Route
from services.notifications.use_cases.directory import Directory
from services.notifications.use_cases.links import Links

PREFIX = "matching.gathering."
Deliver = Callable[[Envelope, Route, Contact, Message, str], Awaitable[None]]


class GatheringNotices:
    def __init__(self, directory: Directory, links: Links, deliver: Deliver, organizer: str) -> None:
        self.directory = directory
        self.links = links
        self.deliver = deliver
        self.organizer = organizer

    async def dispatch(self, envelope: Envelope, routes: list[Route], agency: str) -> None:
        payload = envelope.payload
        gathering = await self.directory.gathering(payload["gathering_id"])
        if gathering is None:
            return  # unknown to matching: nothing to say
        for route in routes:
            console = self.links.console(envelope) if route.audience is Audience.COUNSELLOR else ""
            for person, own_profile in await self._recipients(route, payload):
                witness = route.audience is Audience.WITNESSES
                text = gathering_message(
                    route.kind, gathering, witness=witness, console=console, own_profile=own_profile, agency=agency
                )
                if route.kind in GATHERING_CALENDAR_KINDS:
                    calendar = self._invitation(route.kind, gathering, payload["sequence"], person)
                    text = replace(text, attachments=(calendar,))
                await self.deliver(envelope, route, person, text, agency)

    async def _recipients(self, route: Route, payload: dict[str, Any]) -> list[tuple[Contact, str]]:
        """Each person with, for a peer, the link to their own profile (where their gatherings are)."""
        if route.audience is Audience.COUNSELLOR:
            member = await self.directory.staff_member(payload["counsellor_id"])
            return [(member, "")] if member else []
        if route.audience is Audience.ATTENDEES:
            found = []
            for attendee in payload["attendees"]:
                person = await self.directory.beneficiary(attendee["beneficiary_id"], attendee["agency_id"])
                if person is not None:  # no e-mail address, or erased: nobody to write to
                    found.append((person, ""))
            return found
        peers = []
        for peer_id in payload["witnesses"]:
            peer = await self.directory.peer(peer_id)
            if peer is not None:
                peers.append((peer, self.links.peer_profile({"peer_id": peer_id, "expires_at": payload["ends_at"]})))
        return peers

    def _invitation(self, kind: Kind, gathering: dict[str, Any], sequence: int, person: Contact) -> Attachment:
        invitation = Invitation(
            uid=gathering["uid"],
            sequence=sequence,
            cancelled=kind is Kind.GATHERING_CANCELLED,
            starts_at=datetime.fromisoformat(gathering["starts_at"]),
            ends_at=datetime.fromisoformat(gathering["ends_at"]),
            summary=f"{gathering['kind_label']} · {gathering['title']}",
            location=f"{gathering['address']}, {gathering['town']}",
            description=f"{gathering['kind_label']} proposé par Parcours ({gathering['when']}).",
            organizer=self.organizer,
            attendee_name=person.name,
            attendee_email=person.email,
        )
        return Attachment(FILENAME, CONTENT_TYPE, ics(invitation, datetime.now(UTC)), invitation.method)
