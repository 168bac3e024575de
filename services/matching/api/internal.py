"""Matching's internal routes: where and when a meeting (or a gathering) is held, which does not travel on
the topics (the events say only that it was scheduled, moved or cancelled), fetched by notifications to write the
calendar invitation (`services.kit.internal_api`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from services.contracts.events.gatherings import gathering_uid
from services.kit.domain import NotFound
from services.kit.internal_api import internal_caller
from services.matching.api.gatherings import GatheringsDep, when
from services.matching.deps import IntroductionServiceDep
from services.matching.domain.gathering import KIND_LABELS
from services.matching.domain.introduction_rules import PURPOSE_LABELS
from services.matching.domain.meeting import calendar_uid
from services.reference import jobs, labels

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)
Notifications = Annotated[str, internal_caller("notifications")]


class AppointmentDetail(BaseModel):
    sequence: int
    status: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    place: str
    at_agency: bool


class MeetingDetail(BaseModel):
    introduction_id: str
    uid: str
    purpose: str
    purpose_label: str
    target_job_label: str
    counsellor_present: bool
    appointments: list[AppointmentDetail]


@router.get("/introductions/{introduction_id}/meeting")
async def meeting(introduction_id: str, caller: Notifications, service: IntroductionServiceDep) -> MeetingDetail:
    i = await service.get(introduction_id)  # NotFound: the kit's French 404
    job = jobs.job(i.target_job)
    return MeetingDetail(
        introduction_id=i.id,
        uid=calendar_uid(i.id),
        purpose=i.purpose.value,
        purpose_label=PURPOSE_LABELS[i.purpose],
        target_job_label=job.label if job else i.target_job,
        counsellor_present=i.counsellor_present,
        appointments=[
            AppointmentDetail(
                sequence=a.sequence,
                status=a.status.value,
                starts_at=a.slot.starts_at,
                ends_at=a.slot.ends_at,
                venue=a.slot.venue.value,
                place=a.slot.place,
                at_agency=a.slot.at_agency,
            )
            for a in i.appointments
        ],
    )


class GatheringDetail(BaseModel):
    gathering_id: str
    uid: str
    sequence: int
    status: str
    kind: str
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    when: str
    town: str
    address: str
    job_labels: list[str]


@router.get("/gatherings/{gathering_id}")
async def gathering(gathering_id: str, caller: Notifications, service: GatheringsDep) -> GatheringDetail:
    """What, when and where a gathering is, for its invitations (the events carry only ids and codes)."""
    g = await service.gatherings.get(gathering_id)
    if g is None:
        raise NotFound("Cet événement n'existe pas.", code="gathering_not_found")
    d = g.details
    return GatheringDetail(
        gathering_id=g.id,
        uid=gathering_uid(g.id),
        sequence=g.sequence,
        status=g.status.value,
        kind=d.kind.value,
        kind_label=KIND_LABELS[d.kind],
        title=d.title,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        when=when(g),
        town=labels.place(d.place_id),
        address=d.address,
        job_labels=[labels.job(code) for code in d.jobs],
    )
