"""A meeting as an iCalendar invitation (RFC 5545, with the iTIP methods of RFC 5546) that any calendar
imports: one event per introduction, whose UID stays the same across changes and whose SEQUENCE grows, so
that a new time updates the event already in the calendar (METHOD:REQUEST) and a cancellation removes it
(METHOD:CANCEL). Times are written in Europe/Paris with the zone's definition (VTIMEZONE). Pure text;
the only person named is the recipient (an attendee list would give each side the other's address)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
FILENAME = "invitation.ics"
CONTENT_TYPE = "text/calendar"

# the rules in force since 1996: summer time from the last Sunday of March to the last Sunday of October
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    cancelled: bool
    starts_at: datetime  # aware
    ends_at: datetime
    summary: str
    location: str
    description: str
    organizer: str  # the platform's address (e-mails come from it)
    attendee_name: str
    attendee_email: str

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _paris(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _address(email: str) -> str:
    """The e-mail address alone, out of "Name <address>"."""
    return email.rsplit("<", 1)[-1].rstrip(">").strip()


def ics(invitation: Invitation, now: datetime) -> str:
    i = invitation
    attendee_status = "DECLINED" if i.cancelled else "NEEDS-ACTION"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Parcours//Rencontres entre pairs//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{i.method}",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{i.uid}",
        f"SEQUENCE:{i.sequence}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART;TZID=Europe/Paris:{_paris(i.starts_at)}",
        f"DTEND;TZID=Europe/Paris:{_paris(i.ends_at)}",
        f"SUMMARY:{escape(i.summary)}",
        f"LOCATION:{escape(i.location)}",
        f"DESCRIPTION:{escape(i.description)}",
        f"STATUS:{'CANCELLED' if i.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        f"ORGANIZER;CN=Parcours:mailto:{_address(i.organizer)}",
        f'ATTENDEE;CN="{i.attendee_name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT;PARTSTAT={attendee_status}'
        f";RSVP=FALSE:mailto:{i.attendee_email}",
    ]
    if not i.cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:Rencontre demain",
            "TRIGGER:-PT24H",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
