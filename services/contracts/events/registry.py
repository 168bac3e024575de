"""Which payload model belongs to which (event_type, event_version), and on which topic it travels."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.contracts.events import gatherings, matching, notifications, placements, profiles


@dataclass(frozen=True)
class EventContract:
    event_type: str
    version: int
    topic: str
    payload: type[BaseModel]


# each step of a convention's life cycle is an event `placements.convention.<step>`
CONVENTION_STEPS: dict[str, type[BaseModel]] = {
    "drafted": placements.ConventionEventV1,
    "sent": placements.ConventionEventV1,
    "confirmed": placements.ConventionEventV1,
    "declined": placements.ConventionStoppedV1,
    "revised": placements.ConventionEventV1,
    "signed": placements.ConventionSignedV1,
    "pre_validated": placements.ConventionEventV1,
    "validated": placements.ConventionEventV1,
    "rejected": placements.ConventionStoppedV1,
    "cancelled": placements.ConventionStoppedV1,
    "started": placements.ConventionEventV1,
    "completed": placements.ConventionEventV1,
    "assessment_submitted": placements.ConventionAssessedV1,
    "assessment_contested": placements.ConventionStoppedV1,
    "assessed": placements.ConventionAssessedV1,
    "renewed": placements.ConventionRenewedV1,
    "expired": placements.ConventionEventV1,
}

# each step of a gathering (forum, fair, open day, information session) is an event `matching.gathering.<step>`
GATHERING_STEPS: dict[str, type[BaseModel]] = {
    "published": gatherings.GatheringPublishedV1,
    "invited": gatherings.GatheringInvitedV1,
    "registered": gatherings.GatheringRegisteredV1,
    "unregistered": gatherings.GatheringUnregisteredV1,
    "witness_volunteered": gatherings.WitnessVolunteeredV1,
    "reminder_due": gatherings.GatheringReminderDueV1,
    "cancelled": gatherings.GatheringCancelledV1,
    "attendance_recorded": gatherings.AttendanceRecordedV1,
}

REGISTRY: dict[tuple[str, int], EventContract] = {
    (c.event_type, c.version): c
    for c in (
        EventContract("profiles.agency.registered", 1, "profiles.agency", profiles.AgencyRegisteredV1),
        EventContract("profiles.agency.renamed", 1, "profiles.agency", profiles.AgencyRenamedV1),
        EventContract("profiles.agency.closed", 1, "profiles.agency", profiles.AgencyClosedV1),
        EventContract("profiles.staff.registered", 1, "profiles.staff", profiles.StaffRegisteredV1),
        EventContract("profiles.staff.registered", 2, "profiles.staff", profiles.StaffRegisteredV2),
        EventContract("profiles.staff.deactivated", 1, "profiles.staff", profiles.StaffDeactivatedV1),
        EventContract("profiles.beneficiary.registered", 1, "profiles.beneficiary", profiles.BeneficiaryRegisteredV1),
        EventContract(
            "profiles.beneficiary.project_changed", 1, "profiles.beneficiary", profiles.BeneficiaryProjectChangedV1
        ),
        EventContract("profiles.beneficiary.closed", 1, "profiles.beneficiary", profiles.BeneficiaryClosedV1),
        EventContract("profiles.peer.published", 1, "profiles.peer", profiles.PeerPublishedV1),
        EventContract("profiles.peer.updated", 1, "profiles.peer", profiles.PeerUpdatedV1),
        EventContract("profiles.peer.paused", 1, "profiles.peer", profiles.PeerPausedV1),
        EventContract("profiles.peer.charter_requested", 1, "profiles.peer", profiles.PeerCharterRequestedV1),
        EventContract("profiles.peer.withdrawn", 1, "profiles.peer", profiles.PeerWithdrawnV1),
        EventContract("profiles.peer.contact_changed", 1, "profiles.peer", profiles.PeerContactV1),
        EventContract("profiles.peer.contact_changed", 2, "profiles.peer", profiles.PeerContactChangedV2),
        EventContract("profiles.person.erased", 1, "profiles.person", profiles.PersonErasedV1),
        EventContract("matching.suggestion.offered", 1, "matching.suggestion", matching.SuggestionOfferedV1),
        EventContract("matching.suggestion.dismissed", 1, "matching.suggestion", matching.SuggestionDismissedV1),
        EventContract("matching.suggestion.ranked", 1, "matching.suggestion", matching.SuggestionListRankedV1),
        EventContract("matching.introduction.prepared", 1, "matching.introduction", matching.IntroductionPreparedV1),
        EventContract("matching.introduction.proposed", 1, "matching.introduction", matching.IntroductionProposedV1),
        EventContract(
            "matching.introduction.beneficiary_declined", 1, "matching.introduction", matching.BeneficiaryDeclinedV1
        ),
        EventContract(
            "matching.introduction.reminder_due", 1, "matching.introduction", matching.IntroductionReminderDueV1
        ),
        EventContract("matching.introduction.answered", 1, "matching.introduction", matching.IntroductionAnsweredV1),
        EventContract("matching.introduction.expired", 1, "matching.introduction", matching.IntroductionExpiredV1),
        EventContract("matching.introduction.cancelled", 1, "matching.introduction", matching.IntroductionCancelledV1),
        EventContract("matching.introduction.meeting_recorded", 1, "matching.introduction", matching.MeetingRecordedV1),
        EventContract("matching.introduction.feedback_given", 1, "matching.introduction", matching.FeedbackGivenV1),
        EventContract("matching.introduction.contact_chosen", 1, "matching.introduction", matching.ContactChosenV1),
        EventContract("matching.introduction.slots_proposed", 1, "matching.introduction", matching.SlotsProposedV1),
        EventContract(
            "matching.introduction.meeting_scheduled", 1, "matching.introduction", matching.MeetingScheduledV1
        ),
        EventContract(
            "matching.introduction.meeting_cancelled", 1, "matching.introduction", matching.MeetingCancelledV1
        ),
        EventContract(
            "matching.introduction.meeting_reminder_due", 1, "matching.introduction", matching.MeetingReminderDueV1
        ),
        EventContract("matching.introduction.message_sent", 1, "matching.introduction", matching.MessageSentV1),
        EventContract("matching.introduction.concern_reported", 1, "matching.introduction", matching.ConcernReportedV1),
        EventContract("matching.introduction.concern_reviewed", 1, "matching.introduction", matching.ConcernReviewedV1),
        *(
            EventContract(f"placements.convention.{step}", 1, "placements.convention", payload)
            for step, payload in CONVENTION_STEPS.items()
        ),
        EventContract("placements.convention.link_issued", 1, "placements.convention", placements.LinkIssuedV1),
        EventContract("placements.convention.reminder_due", 1, "placements.convention", placements.ReminderDueV1),
        EventContract(
            "placements.convention.contacts_changed", 1, "placements.convention", placements.ContactsChangedV1
        ),
        EventContract(
            "placements.convention.contacts_changed", 2, "placements.convention", placements.ContactsChangedV2
        ),
        *(
            EventContract(f"matching.gathering.{step}", 1, "matching.gathering", payload)
            for step, payload in GATHERING_STEPS.items()
        ),
        EventContract(
            "notifications.delivery.created", 1, "notifications.delivery", notifications.NotificationCreatedV1
        ),
    )
}


def register(contract: EventContract) -> None:
    """Adds a contract at run time (benchmarks and tests use probe events of their own)."""
    REGISTRY[(contract.event_type, contract.version)] = contract


class UnknownEventType(LookupError):
    pass


def contract_of(envelope: Envelope) -> EventContract:
    try:
        return REGISTRY[(envelope.event_type, envelope.event_version)]
    except KeyError:
        raise UnknownEventType(f"no contract for {envelope.event_type} v{envelope.event_version}") from None


def parse_payload(envelope: Envelope) -> BaseModel:
    """The typed payload of an envelope; raises pydantic's ValidationError when it breaks its contract."""
    return contract_of(envelope).payload.model_validate(envelope.payload)
