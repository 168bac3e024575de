"""The meeting an accepted introduction leads to: dated slots either side proposes (up to three), the one
the other side picks (an appointment, with the calendar's sequence), rescheduled or cancelled with its
history kept, and the rules a slot is checked against. Pure values and functions; `introduction.decide`
applies them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.contracts.events.matching import meeting_uid
from services.kit.domain import InvalidInput
from services.matching.domain.introduction_rules import Purpose

PARIS = ZoneInfo("Europe/Paris")
MAX_SLOTS = 3
REMIND_BEFORE = timedelta(days=1)
SHORTEST, LONGEST = 15, 8 * 60  # minutes
FURTHEST = timedelta(days=366)


class Venue(StrEnum):
    IN_PERSON = "in_person"  # a place: an address, the agency, the company for a visit
    VIDEO = "video"  # a video link


VENUE_LABELS = {Venue.IN_PERSON: "En personne", Venue.VIDEO: "En visio"}


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware
    minutes: int
    venue: Venue
    place: str  # the address in person (the company's for a visit), the link for a video
    at_agency: bool = False  # in person, at the beneficiary's agency

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class Outcome(StrEnum):
    OPEN = "open"  # waiting for the other side to pick one
    PICKED = "picked"
    REPLACED = "replaced"  # a newer proposal took its place
    CLOSED = "closed"  # the introduction ended before anyone picked


@dataclass(frozen=True)
class SlotProposal:
    number: int  # 1, 2, ... within the introduction
    by: str  # the side that proposed: "peer" or "beneficiary" (their counsellor)
    slots: tuple[Slot, ...]
    proposed_at: datetime
    outcome: Outcome = Outcome.OPEN
    picked: int | None = None  # the index of the slot picked


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"  # another slot replaced it: the same calendar event, a higher sequence
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Appointment:
    """A slot picked: one calendar event per introduction (its UID), whose SEQUENCE grows with each change."""

    sequence: int
    slot: Slot
    proposal: int  # the number of the proposal it was picked from
    by: str  # the side that picked it
    scheduled_at: datetime
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    reminded: bool = False
    cancelled_by: str | None = None  # the side, "" for the platform

    @property
    def remind_at(self) -> datetime | None:
        """When the reminder is due: the day before, while it is scheduled and not reminded yet."""
        if self.status is not AppointmentStatus.SCHEDULED or self.reminded:
            return None
        return self.slot.starts_at - REMIND_BEFORE


def calendar_uid(introduction_id: str) -> str:
    """The same for every change of an introduction's meeting, so calendars update the event they hold."""
    return meeting_uid(introduction_id)


def current(appointments: Sequence[Appointment]) -> Appointment | None:
    """The appointment that stands, if any (the latest, when it is scheduled)."""
    if appointments and appointments[-1].status is AppointmentStatus.SCHEDULED:
        return appointments[-1]
    return None


def next_sequence(appointments: Sequence[Appointment]) -> int:
    return appointments[-1].sequence + 1 if appointments else 0


def open_proposal(proposals: Sequence[SlotProposal]) -> SlotProposal | None:
    return next((p for p in reversed(proposals) if p.outcome is Outcome.OPEN), None)


def check_slots(
    slots: Sequence[Slot], purpose: Purpose, minor: bool, meeting_modes: Sequence[str], now: datetime
) -> None:
    """Up to three slots, each ahead and within a year, of a sensible length, with its place; a company
    visit at the company's address; a minor's only in person, at the agency or with their counsellor."""
    problems: list[tuple[str, str]] = []
    if not 1 <= len(slots) <= MAX_SLOTS:
        problems.append(("slots", f"Proposez de 1 à {MAX_SLOTS} créneaux."))
    for n, slot in enumerate(slots):
        where = f"slots.{n}"
        if slot.starts_at <= now:
            problems.append((f"{where}.starts_at", "Ce créneau est déjà passé : choisissez une date à venir."))
        elif slot.starts_at - now > FURTHEST:
            problems.append((f"{where}.starts_at", "Choisissez une date dans l'année qui vient."))
        if not SHORTEST <= slot.minutes <= LONGEST:
            problems.append((f"{where}.minutes", "Une rencontre dure de 15 minutes à 8 heures."))
        if slot.venue is Venue.VIDEO:
            if minor:
                problems.append(
                    (f"{where}.venue", "La personne est mineure : la rencontre a lieu en personne, pas en visio.")
                )
            elif purpose is Purpose.COMPANY_VISIT:
                problems.append((f"{where}.venue", "Une visite d'entreprise se fait sur place, pas en visio."))
            elif "video" not in meeting_modes:
                problems.append((f"{where}.venue", "La visio ne fait pas partie des modes de rencontre convenus."))
            if not slot.place.startswith("https://"):
                problems.append((f"{where}.place", "Donnez le lien de la visio (il commence par https://)."))
        elif not slot.place.strip() and not slot.at_agency:
            what = "l'adresse de l'entreprise" if purpose is Purpose.COMPANY_VISIT else "le lieu de la rencontre"
            problems.append((f"{where}.place", f"Indiquez {what}."))
        elif purpose is Purpose.COMPANY_VISIT and slot.at_agency:
            problems.append((f"{where}.place", "Une visite d'entreprise a lieu à l'adresse de l'entreprise."))
    if problems:
        raise InvalidInput(problems)
