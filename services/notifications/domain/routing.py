"""Who hears of which event, how: the ROUTES table (event type -> audience, kind, channels), read by the
dispatcher and the tests. Pure: recipients are resolved by the adapters from the audience."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    COUNSELLOR = "counsellor"  # the payload's counsellor_id
    VALIDATORS = "validators"  # the agency's validators
    PEER = "peer"  # the payload's peer_id
    AGENCY_ADMINS = "agency_admins"  # the agency's admins (the payload's agency_id)
    LEGAL_REPRESENTATIVE = "legal_representative"  # a minor beneficiary's (the payload's beneficiary_id)
    PARTIES = "parties"  # a convention's parties (employer, tutor, beneficiary, legal representative)
    ATTENDEES = "attendees"  # a gathering's beneficiaries in the payload's `attendees` (their own e-mail)
    WITNESSES = "witnesses"  # a gathering's peers in the payload's `witnesses`


class Channel(StrEnum):
    LIVE = "live"  # the inbox, pushed to open browsers
    EMAIL = "email"


class Kind(StrEnum):
    SUGGESTION = "suggestion"
    CHARTER_REQUEST = "charter_request"  # a peer is asked to accept the peers' charter (new, or a new version)
    INTRODUCTION_REQUEST = "introduction_request"
    INTRODUCTION_REMINDER = "introduction_reminder"
    INTRODUCTION_ANSWERED = "introduction_answered"
    INTRODUCTION_CONTACT = "introduction_contact"
    MEETING_SLOTS = "meeting_slots"
    MEETING_SCHEDULED = "meeting_scheduled"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_REMINDER = "meeting_reminder"
    INTRODUCTION_MESSAGE = "introduction_message"
    CONCERN_REPORTED = "concern_reported"
    CONVENTION_LINK = "convention_link"
    CONVENTION_CONFIRMED = "convention_confirmed"
    CONVENTION_DECLINED = "convention_declined"
    CONVENTION_TO_VALIDATE = "convention_to_validate"
    CONVENTION_SIGNED = "convention_signed"
    CONVENTION_REMINDER = "convention_reminder"
    GATHERING_INVITATION = "gathering_invitation"
    GATHERING_INVITED = "gathering_invited"
    GATHERING_WITNESS = "gathering_witness"
    GATHERING_REMINDER = "gathering_reminder"
    GATHERING_CANCELLED = "gathering_cancelled"


class Preference(StrEnum):
    LIVE = "live"
    EMAIL = "email"
    BOTH = "both"
    NONE = "none"

    @property
    def channels(self) -> frozenset[Channel]:
        return {
            Preference.LIVE: frozenset({Channel.LIVE}),
            Preference.EMAIL: frozenset({Channel.EMAIL}),
            Preference.BOTH: frozenset({Channel.LIVE, Channel.EMAIL}),
            Preference.NONE: frozenset(),
        }[self]


# what staff get unless they choose otherwise: live for what happens, also e-mail for what waits on them
STAFF_DEFAULTS: dict[Kind, Preference] = {
    Kind.SUGGESTION: Preference.LIVE,
    Kind.INTRODUCTION_ANSWERED: Preference.LIVE,
    Kind.INTRODUCTION_CONTACT: Preference.LIVE,
    # a meeting's dates wait on the counsellor, and its invitation goes to their calendar: e-mail too
    Kind.MEETING_SLOTS: Preference.BOTH,
    Kind.MEETING_SCHEDULED: Preference.BOTH,
    Kind.MEETING_CANCELLED: Preference.BOTH,
    Kind.MEETING_REMINDER: Preference.BOTH,
    Kind.INTRODUCTION_MESSAGE: Preference.BOTH,
    Kind.CONCERN_REPORTED: Preference.BOTH,
    Kind.CONVENTION_CONFIRMED: Preference.LIVE,
    Kind.CONVENTION_DECLINED: Preference.BOTH,
    Kind.CONVENTION_TO_VALIDATE: Preference.BOTH,
    Kind.CONVENTION_SIGNED: Preference.LIVE,
    Kind.CONVENTION_REMINDER: Preference.BOTH,
}
STAFF_AUDIENCES = frozenset({Audience.COUNSELLOR, Audience.VALIDATORS, Audience.AGENCY_ADMINS})


@dataclass(frozen=True)
class Route:
    kind: Kind
    audience: Audience
    only_if: tuple[tuple[str, Any], ...] = ()  # payload fields that must hold these values
    listing: tuple[tuple[str, str], ...] = ()  # payload lists that must hold these values

    def applies(self, payload: dict[str, Any]) -> bool:
        return all(payload.get(name) == value for name, value in self.only_if) and all(
            value in payload.get(name, []) for name, value in self.listing
        )


ROUTES: dict[str, tuple[Route, ...]] = {
    "matching.suggestion.offered": (Route(Kind.SUGGESTION, Audience.COUNSELLOR),),
    "profiles.peer.charter_requested": (Route(Kind.CHARTER_REQUEST, Audience.PEER),),
    "matching.introduction.proposed": (Route(Kind.INTRODUCTION_REQUEST, Audience.PEER),),
    "matching.introduction.reminder_due": (Route(Kind.INTRODUCTION_REMINDER, Audience.PEER),),
    "matching.introduction.answered": (Route(Kind.INTRODUCTION_ANSWERED, Audience.COUNSELLOR),),
    # which way the peer chose stays in matching: the counsellor opens the introduction to read it
    "matching.introduction.contact_chosen": (Route(Kind.INTRODUCTION_CONTACT, Audience.COUNSELLOR),),
    # the meeting's dates: the other side picks among the slots; both get the invitation, its changes and
    # the reminder the day before (with the calendar file: `domain.calendar`)
    "matching.introduction.slots_proposed": (
        Route(Kind.MEETING_SLOTS, Audience.COUNSELLOR, (("by_side", "peer"),)),
        Route(Kind.MEETING_SLOTS, Audience.PEER, (("by_side", "beneficiary"),)),
    ),
    "matching.introduction.meeting_scheduled": (
        Route(Kind.MEETING_SCHEDULED, Audience.COUNSELLOR),
        Route(Kind.MEETING_SCHEDULED, Audience.PEER),
        Route(Kind.MEETING_SCHEDULED, Audience.LEGAL_REPRESENTATIVE, (("counsellor_present", True),)),
    ),
    "matching.introduction.meeting_cancelled": (
        Route(Kind.MEETING_CANCELLED, Audience.COUNSELLOR),
        Route(Kind.MEETING_CANCELLED, Audience.PEER),
        Route(Kind.MEETING_CANCELLED, Audience.LEGAL_REPRESENTATIVE, (("counsellor_present", True),)),
    ),
    "matching.introduction.meeting_reminder_due": (
        Route(Kind.MEETING_REMINDER, Audience.COUNSELLOR),
        Route(Kind.MEETING_REMINDER, Audience.PEER),
        Route(Kind.MEETING_REMINDER, Audience.LEGAL_REPRESENTATIVE, (("counsellor_present", True),)),
    ),
    # a message of the thread: the other side is told there is one to read (the text stays in matching)
    "matching.introduction.message_sent": (
        Route(Kind.INTRODUCTION_MESSAGE, Audience.COUNSELLOR, (("by_side", "peer"),)),
        Route(Kind.INTRODUCTION_MESSAGE, Audience.PEER, (("by_side", "beneficiary"),)),
    ),
    # a concern about a meeting (signalement): the beneficiary's agency's admins review it
    "matching.introduction.concern_reported": (Route(Kind.CONCERN_REPORTED, Audience.AGENCY_ADMINS),),
    "placements.convention.link_issued": (Route(Kind.CONVENTION_LINK, Audience.PARTIES),),
    "placements.convention.confirmed": (Route(Kind.CONVENTION_CONFIRMED, Audience.COUNSELLOR),),
    "placements.convention.declined": (Route(Kind.CONVENTION_DECLINED, Audience.COUNSELLOR),),
    # once everyone signed: the validator, or in a two-step agency the counsellor first
    # and each signature to the counsellor (the last one too, unless it asks them to pre-validate already)
    "placements.convention.signed": (
        Route(Kind.CONVENTION_TO_VALIDATE, Audience.VALIDATORS, listing=(("waiting_for", "validator"),)),
        Route(Kind.CONVENTION_TO_VALIDATE, Audience.COUNSELLOR, listing=(("waiting_for", "counsellor"),)),
        Route(Kind.CONVENTION_SIGNED, Audience.COUNSELLOR, (("all_signed", False),)),
        Route(Kind.CONVENTION_SIGNED, Audience.COUNSELLOR, (("all_signed", True),), (("waiting_for", "validator"),)),
    ),
    "placements.convention.pre_validated": (Route(Kind.CONVENTION_TO_VALIDATE, Audience.VALIDATORS),),
    "placements.convention.reminder_due": (
        Route(Kind.CONVENTION_REMINDER, Audience.PARTIES),
        Route(Kind.CONVENTION_REMINDER, Audience.COUNSELLOR, listing=(("recipients", "agency"),)),
        Route(
            Kind.CONVENTION_REMINDER,
            Audience.VALIDATORS,
            (("kind", "validation_pending"),),
            (("recipients", "agency"),),
        ),
    ),
    # forums, fairs, open days: the invited beneficiary (with the calendar file) and their counsellor; the
    # witness; the day before and a cancellation, everyone registered or invited and the witnesses
    "matching.gathering.invited": (
        Route(Kind.GATHERING_INVITATION, Audience.ATTENDEES),
        Route(Kind.GATHERING_INVITED, Audience.COUNSELLOR),
    ),
    "matching.gathering.witness_volunteered": (Route(Kind.GATHERING_WITNESS, Audience.WITNESSES),),
    "matching.gathering.reminder_due": (
        Route(Kind.GATHERING_REMINDER, Audience.ATTENDEES),
        Route(Kind.GATHERING_REMINDER, Audience.WITNESSES),
    ),
    "matching.gathering.cancelled": (
        Route(Kind.GATHERING_CANCELLED, Audience.ATTENDEES),
        Route(Kind.GATHERING_CANCELLED, Audience.WITNESSES),
    ),
}
GATHERING_CALENDAR_KINDS = frozenset({Kind.GATHERING_INVITATION, Kind.GATHERING_WITNESS, Kind.GATHERING_CANCELLED})


# the kinds whose e-mail carries the meeting's calendar invitation (an update, or its cancellation)
CALENDAR_KINDS = frozenset({Kind.MEETING_SCHEDULED, Kind.MEETING_CANCELLED})


def routes_for(event_type: str, payload: dict[str, Any]) -> list[Route]:
    return [route for route in ROUTES.get(event_type, ()) if route.applies(payload)]


def channels_for(audience: Audience, kind: Kind, chosen: Preference | None) -> frozenset[Channel]:
    """People outside the agencies have no browser session: e-mail only. Staff: their choice, or the
    default."""
    if audience not in STAFF_AUDIENCES:
        return frozenset({Channel.EMAIL})
    return (chosen or STAFF_DEFAULTS.get(kind, Preference.LIVE)).channels
