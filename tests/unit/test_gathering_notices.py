"""A gathering's notices, with fakes for the owners: the invited beneficiary gets a French e-mail with the
gathering's calendar file (read back by `icalendar`: UID stable, METHOD REQUEST then CANCEL, Paris times),
their counsellor an inbox line without the place, a witness the link to their profile; nobody's e-mail
without an address."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import icalendar

from services.contracts.envelope import Envelope
from services.contracts.events.gatherings import gathering_uid
from services.notifications.domain.contacts import Contact
from services.notifications.domain.gathering_messages import gathering_message
from services.notifications.domain.layout import render
from services.notifications.domain.messages import Message
from services.notifications.domain.routing import Kind, Route, routes_for
from services.notifications.use_cases.gathering_notices import GatheringNotices
from services.notifications.use_cases.links import Links

GATHERING = {
    "gathering_id": "g1",
    "uid": gathering_uid("g1"),
    "sequence": 0,
    "status": "published",
    "kind": "open_day",
    "kind_label": "Journée portes ouvertes en entreprise",
    "title": "Portes ouvertes à l'atelier, cuisine & pâtisserie",
    "starts_at": "2026-12-10T08:30:00+00:00",
    "ends_at": "2026-12-10T11:00:00+00:00",
    "when": "jeudi 10 décembre 2026 de 9 h 30 à 12 h",
    "town": "Nantes",
    "address": "12, quai de la Fosse",
    "job_labels": ["Cuisinier / Cuisinière"],
}
BASE = {"gathering_id": "g1", "agency_id": "a1", "ends_at": "2026-12-10T11:00:00+00:00", "counsellor_id": "s1"}


class FakeDirectory:
    def __init__(self) -> None:
        self.details = dict(GATHERING)

    async def gathering(self, gathering_id: str) -> dict[str, Any] | None:
        return self.details

    async def beneficiary(self, beneficiary_id: str, agency_id: str) -> Contact | None:
        if beneficiary_id == "no-address":
            return None
        return Contact(f"beneficiary:{beneficiary_id}", "Inès Moreau", "ines@example.org")

    async def staff_member(self, staff_id: str) -> Contact | None:
        return Contact(f"staff:{staff_id}", "Camille Conseil", "camille@agence.test", staff_id=staff_id)

    async def peer(self, peer_id: str) -> Contact | None:
        return Contact(f"peer:{peer_id}", "Léa Pair", "lea@example.org")


def notices_of(event_type: str, payload: dict[str, Any]) -> list[tuple[Route, Contact, Message]]:
    sent: list[tuple[Route, Contact, Message]] = []

    async def deliver(envelope: Envelope, route: Route, person: Contact, text: Message, agency: str) -> None:
        sent.append((route, person, text))

    links = Links("k" * 40, "https://console.example")
    notices = GatheringNotices(FakeDirectory(), links, deliver, "ne-pas-repondre@parcours.test")  # type: ignore[arg-type]
    envelope = Envelope(
        event_type=event_type,
        aggregate_type="gathering",
        aggregate_id="g1",
        aggregate_version=2,
        tenant_id="a1",
        producer="matching",
        payload=payload,
    )
    asyncio.run(notices.dispatch(envelope, routes_for(event_type, payload), "Mission locale de Nantes"))
    return sent


def calendar_of(text: Message) -> icalendar.Calendar:
    (attachment,) = text.attachments
    assert attachment.filename == "invitation.ics" and attachment.content_type == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.text)


def test_the_invited_beneficiary_gets_the_calendar_file_and_their_counsellor_a_line_without_the_place() -> None:
    payload = {**BASE, "sequence": 0, "attendees": [{"beneficiary_id": "b1", "agency_id": "a1"}]}
    (to_beneficiary, to_counsellor) = notices_of("matching.gathering.invited", payload)
    route, person, text = to_beneficiary
    assert route.kind is Kind.GATHERING_INVITATION and person.email == "ines@example.org"
    calendar = calendar_of(text)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "gathering-g1@parcours" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 12, 10, 8, 30, tzinfo=UTC)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert str(event["LOCATION"]) == "12, quai de la Fosse, Nantes"
    assert "cuisine & pâtisserie" in str(event["SUMMARY"])
    rendered = render(text, person.name, "Mission locale de Nantes")
    assert "Bonjour Inès Moreau" in rendered.text and "jeudi 10 décembre 2026 de 9 h 30 à 12 h" in rendered.text
    assert "12, quai de la Fosse" in rendered.text
    route, person, text = to_counsellor
    assert route.kind is Kind.GATHERING_INVITED and person.staff_id == "s1"
    assert "quai" not in text.title + text.body and text.url == "https://console.example/console/gatherings/g1"
    assert not text.attachments


def test_a_cancellation_removes_it_from_every_calendar_by_the_same_uid() -> None:
    attendees = [{"beneficiary_id": "b1", "agency_id": "a1"}, {"beneficiary_id": "no-address", "agency_id": "a1"}]
    payload = {**BASE, "sequence": 1, "attendees": attendees, "witnesses": ["p1"]}
    sent = notices_of("matching.gathering.cancelled", payload)
    assert [person.key for _, person, _ in sent] == ["beneficiary:b1", "peer:p1"]  # no address, no e-mail
    for _, _, text in sent:
        calendar = calendar_of(text)
        event = calendar.walk("VEVENT")[0]
        assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == "gathering-g1@parcours" and int(event["SEQUENCE"]) == 1
        assert text.title.startswith("Annulé")


def test_the_reminder_and_the_witness_carry_the_peers_own_link() -> None:
    sent = notices_of("matching.gathering.reminder_due", {**BASE, "sequence": 0, "attendees": [], "witnesses": ["p1"]})
    ((route, _, text),) = sent
    assert route.kind is Kind.GATHERING_REMINDER and text.title.endswith("demain")
    assert text.footer_url.startswith("https://console.example/links/peers/") and not text.attachments
    sent = notices_of("matching.gathering.witness_volunteered", {**BASE, "sequence": 0, "witnesses": ["p1"]})
    assert calendar_of(sent[0][2])["METHOD"] == "REQUEST"


def test_every_kind_reads_as_french_sentences() -> None:
    for kind in (
        Kind.GATHERING_INVITATION,
        Kind.GATHERING_INVITED,
        Kind.GATHERING_WITNESS,
        Kind.GATHERING_REMINDER,
        Kind.GATHERING_CANCELLED,
    ):
        text = gathering_message(kind, GATHERING, console="https://console.example/console/gatherings/g1")
        assert text.title and text.body.rstrip().endswith(".")
        assert not text.url or text.action
