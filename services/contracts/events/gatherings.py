"""Payloads of matching's gatherings: forums, fairs, company open days and information sessions an agency
publishes, with the beneficiaries invited and registered, the peers who come to witness and who attended.
Ids and codes only: where it is held and who the people are stay in their owners (notifications asks
matching for the place, profiles for the contacts)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class GatheringKind(StrEnum):
    FORUM = "forum"
    FAIR = "fair"  # salon
    OPEN_DAY = "open_day"  # journée portes ouvertes en entreprise
    INFORMATION_SESSION = "information_session"


class Visibility(StrEnum):
    AGENCY = "agency"  # the publishing agency only
    REGION = "region"  # every agency of its region


class Attendee(BaseModel):
    """A beneficiary and the agency that accompanies them (their contact is profiles' to give)."""

    model_config = ConfigDict(extra="ignore")

    beneficiary_id: str
    agency_id: str


class GatheringEventV1(BaseModel):
    """What every step of a gathering says: which one, whose, when, for which jobs, and its calendar sequence."""

    model_config = ConfigDict(extra="ignore")

    gathering_id: str
    agency_id: str = Field(description="the publishing agency")
    region_code: str
    visibility: Visibility
    kind: GatheringKind
    jobs: list[str] = Field(description="ROME codes")
    starts_at: datetime
    ends_at: datetime
    sequence: int = Field(ge=0, description="the calendar invitation's sequence (grows with each change)")
    organiser_id: str = Field(description="the staff member who published it")


class GatheringPublishedV1(GatheringEventV1):
    capacity: int = Field(ge=1)
    place_id: str


class GatheringInvitedV1(GatheringEventV1):
    """A counsellor invited a beneficiary whose target jobs meet the gathering's: the beneficiary gets the
    invitation with its calendar file, their counsellor a notification."""

    beneficiary_id: str
    counsellor_id: str = Field(description="the beneficiary's counsellor")
    attendees: list[Attendee] = Field(description="the invited beneficiary")


class GatheringRegisteredV1(GatheringEventV1):
    beneficiary_id: str
    beneficiary_agency_id: str
    counsellor_id: str
    places_left: int = Field(ge=0)


class GatheringUnregisteredV1(GatheringEventV1):
    beneficiary_id: str
    beneficiary_agency_id: str


class WitnessVolunteeredV1(GatheringEventV1):
    """A peer will come to the gathering to witness for their job (from their link, or said by a counsellor)."""

    peer_id: str
    job: str = Field(description="the ROME code they witness for")
    by: str = Field(description="peer, or counsellor")
    witnesses: list[str] = Field(description="the volunteering peer's id")


class GatheringReminderDueV1(GatheringEventV1):
    """The gathering is tomorrow: the registered beneficiaries and the witnesses are reminded."""

    attendees: list[Attendee]
    witnesses: list[str]


class GatheringCancelledV1(GatheringEventV1):
    """The gathering will not take place: calendars remove it (the invited and registered, the witnesses)."""

    attendees: list[Attendee]
    witnesses: list[str]


class Attendance(BaseModel):
    """One registration's attendance: the registration's own id (not the person's), so a count kept of it
    names no one once the person is erased and their registration gone."""

    model_config = ConfigDict(extra="ignore")

    registration_id: str
    agency_id: str = Field(description="the beneficiary's agency")
    present: bool


class AttendanceRecordedV1(GatheringEventV1):
    """Who came, per registered beneficiary (recorded after the gathering began; recorded again, it replaces
    the earlier record). The region's dashboard counts those present."""

    attendances: list[Attendance]


def gathering_uid(gathering_id: str) -> str:
    """The calendar UID of a gathering, the same for every change of it, agreed by matching and notifications."""
    return f"gathering-{gathering_id}@parcours"
