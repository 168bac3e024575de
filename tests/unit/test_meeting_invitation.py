"""A meeting's invitation, read back by a real iCalendar parser (`icalendar`): the same UID across
changes, METHOD REQUEST then CANCEL, the SEQUENCE it is given, Paris times with the zone's definition,
French text escaped and folded; and the French e-mails of the meeting's steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from services.notifications.adapters.emails import from_document, to_document
from services.notifications.adapters.smtp import build_message
from services.notifications.domain.calendar import CONTENT_TYPE, FILENAME, Invitation, fold, ics
from services.notifications.domain.email import Attachment, Email, Status
from services.notifications.domain.messages import message
from services.notifications.domain.routing import CALENDAR_KINDS, Kind, routes_for
from services.notifications.mailcatcher import Mailbox
from services.reference import french

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14 h in Paris (winter time)
INVITATION = Invitation(
    uid="introduction-1@parcours",
    sequence=0,
    cancelled=False,
    starts_at=STARTS,
    ends_at=STARTS + timedelta(minutes=90),
    summary="Parcours · Enquête métier (Développeur / Développeuse informatique)",
    location="12, rue de la Paix; 44000 Nantes",
    description="Rencontre organisée par Parcours. Pour la suivre : https://console.example.org/links/introductions/"
    + "x" * 120,
    organizer="Parcours <ne-pas-repondre@parcours.test>",
    attendee_name="Karim Benali",
    attendee_email="karim@example.org",
)


def parsed(text: str) -> icalendar.Calendar:
    assert all(len(line.encode()) <= 75 for line in text.splitlines()), "lines folded at 75 octets"
    return icalendar.Calendar.from_ical(text)


def test_an_invitation_is_a_calendar_any_client_imports() -> None:
    calendar = parsed(ics(INVITATION, NOW))
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Paris"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "introduction-1@parcours" and event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    start = event.decoded("DTSTART")
    assert start == STARTS and start.astimezone(ZoneInfo("Europe/Paris")).hour == 14
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTEND") - start == timedelta(minutes=90)
    assert str(event["LOCATION"]) == "12, rue de la Paix; 44000 Nantes", "escaped, then read back as written"
    assert str(event["SUMMARY"]).startswith("Parcours · Enquête métier")
    assert "x" * 120 in str(event["DESCRIPTION"]), "a long line is folded and unfolded whole"
    assert str(event["ORGANIZER"]) == "mailto:ne-pas-repondre@parcours.test"
    assert str(event["ATTENDEE"]) == "mailto:karim@example.org" and event["ATTENDEE"].params["CN"] == "Karim Benali"
    assert event.walk("VALARM"), "a reminder the day before in the calendar too"


def test_a_summer_meeting_is_two_hours_ahead_of_utc() -> None:
    summer = datetime(2027, 6, 3, 8, 30, tzinfo=UTC)
    moved = Invitation(**{**INVITATION.__dict__, "starts_at": summer, "ends_at": summer + timedelta(hours=1)})
    [event] = parsed(ics(moved, NOW)).walk("VEVENT")
    assert "DTSTART;TZID=Europe/Paris:20270603T103000" in ics(moved, NOW)
    assert event.decoded("DTSTART") == summer


def test_a_change_keeps_the_uid_and_a_cancellation_removes_the_event() -> None:
    moved = Invitation(**{**INVITATION.__dict__, "sequence": 1})
    cancelled = Invitation(**{**INVITATION.__dict__, "sequence": 2, "cancelled": True})
    first, second, third = (parsed(ics(i, NOW)) for i in (INVITATION, moved, cancelled))
    uids = {c.walk("VEVENT")[0]["UID"] for c in (first, second, third)}
    assert uids == {"introduction-1@parcours"}
    assert [c.walk("VEVENT")[0]["SEQUENCE"] for c in (first, second, third)] == [0, 1, 2]
    assert third["METHOD"] == "CANCEL" and third.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert not third.walk("VALARM")


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    assert all(len(part.encode()) <= 75 for part in fold(line).split("\r\n"))
    assert fold(line).replace("\r\n ", "") == line


def test_the_meeting_emails_speak_french_and_say_where_and_when() -> None:
    assert french.moment(STARTS) == "jeudi 10 décembre 2026 à 14 h"
    assert french.moment(datetime(2027, 1, 1, 8, 0, tzinfo=UTC)) == "vendredi 1er janvier 2027 à 9 h"
    payload = {
        "purpose": "job_inquiry",
        "starts_at": "2026-12-10T13:00:00Z",
        "rescheduled": False,
        "meeting": {"venue": "in_person", "place": "12 rue de la Paix, Nantes", "at_agency": False},
    }
    scheduled = message(Kind.MEETING_SCHEDULED, payload, "https://lien")
    assert scheduled.title == "Rencontre fixée le jeudi 10 décembre 2026 à 14 h"
    assert "12 rue de la Paix" in scheduled.email("")[1] and "12 rue" not in scheduled.body, "the place: e-mail only"
    assert "agenda" in scheduled.body and scheduled.url == "https://lien"
    moved = message(Kind.MEETING_SCHEDULED, {**payload, "rescheduled": True}, "https://lien")
    assert moved.title.startswith("Rencontre déplacée au") and "met à jour" in moved.body
    video = {**payload, "meeting": {"venue": "video", "place": "https://visio.example.org/a", "at_agency": False}}
    assert "En visio : https://visio.example.org/a" in message(Kind.MEETING_REMINDER, video, "l").email("")[1]
    assert "annulée" in message(Kind.MEETING_CANCELLED, payload, "l").title
    by_peer = message(Kind.MEETING_SLOTS, {"purpose": "testimony", "by_side": "peer", "slots": 2}, console="c")
    assert by_peer.body.startswith("Le pair propose 2 créneaux")


def test_slots_go_to_the_other_side_and_invitations_to_both() -> None:
    by_peer = routes_for("matching.introduction.slots_proposed", {"by_side": "peer"})
    by_counsellor = routes_for("matching.introduction.slots_proposed", {"by_side": "beneficiary"})
    assert [r.audience.value for r in by_peer] == ["counsellor"]
    assert [r.audience.value for r in by_counsellor] == ["peer"]
    for step in ("meeting_scheduled", "meeting_cancelled", "meeting_reminder_due"):
        assert {r.audience.value for r in routes_for(f"matching.introduction.{step}", {})} == {"counsellor", "peer"}
        minor = routes_for(f"matching.introduction.{step}", {"counsellor_present": True})
        assert {r.audience.value for r in minor} == {"counsellor", "peer", "legal_representative"}
    assert Kind.MEETING_REMINDER not in CALENDAR_KINDS


def test_the_invitation_travels_as_a_calendar_part_and_the_catcher_keeps_it(tmp_path: Path) -> None:
    email = Email(
        id="e1",
        key="k",
        to="karim@example.org",
        recipient="peer:p1",
        subject="[Parcours] Rencontre fixée",
        text="Bonjour,",
        kind="meeting_scheduled",
        status=Status.SENDING,
        attempts=1,
        next_at=NOW,
        created_at=NOW,
        attachments=(Attachment(FILENAME, CONTENT_TYPE, ics(INVITATION, NOW), "REQUEST"),),
    )
    assert from_document(to_document(email)) == email
    raw = build_message(email, "Parcours <ne-pas-repondre@parcours.test>")
    [part] = list(raw.iter_attachments())
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    box = Mailbox(tmp_path / "caught.jsonl")
    box.add(raw.as_bytes(), ["karim@example.org"])
    [caught] = box.messages
    assert caught["text"].strip() == "Bonjour,"
    [attachment] = caught["attachments"]
    assert attachment["filename"] == "invitation.ics" and attachment["method"] == "REQUEST"
    assert parsed(attachment["content"]).walk("VEVENT")[0]["UID"] == "introduction-1@parcours"


def test_a_message_is_announced_to_the_other_side_without_its_text() -> None:
    by_peer = routes_for("matching.introduction.message_sent", {"by_side": "peer"})
    by_counsellor = routes_for("matching.introduction.message_sent", {"by_side": "beneficiary"})
    assert [r.audience.value for r in by_peer] == ["counsellor"] and [r.audience.value for r in by_counsellor] == [
        "peer"
    ]
    to_peer = message(Kind.INTRODUCTION_MESSAGE, {"by_side": "beneficiary"}, "https://lien")
    assert to_peer.url == "https://lien" and "adresse reste privée" in to_peer.body
