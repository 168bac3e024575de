"""What the parties do from the secure link in their e-mail, without an account: the employer confirms or
declines, the signatories sign, the tutor fills in the assessment, the beneficiary agrees with it. A link
is bound to one convention and one role, works once, expires, and is replaced when sent again; its
refusals are in French, for the person holding the phone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.contracts.events.placements import PartyRole
from services.kit.rate_limits import LINK_RATE_LIMIT
from services.placements.deps import PartyLinksDep
from services.placements.domain.lifecycle import STATUS_LABELS, Action, Status
from services.placements.domain.party_links import Opened
from services.placements.domain.terms import OBJECTIVE_LABELS, ROLE_LABELS, Assessment
from services.placements.use_cases.party_links import PartyLinks
from services.reference import jobs, places

router = APIRouter(
    prefix="/links/conventions/{convention_id}/{token}", tags=["party links"], dependencies=[LINK_RATE_LIMIT]
)


class ReasonIn(BaseModel):
    reason: str = Field(pattern=r"^[a-z_]{2,40}$", description="a code: no_capacity, dates, not_suitable, other, ...")
    note: str = Field(default="", max_length=2000)


class ConventionForParty(BaseModel):
    """What a party reads: the convention's content, without the parties' contacts."""

    convention_id: str
    you_are: PartyRole
    you_are_label: str
    status: Status
    status_label: str
    can: list[Action] = Field(description="what this link lets you do now")
    link_used: bool = Field(description="this link has served: it only shows what became of the convention")
    beneficiary_name: str
    host_name: str
    host_address: str
    host_place: str
    tutor_name: str
    tutor_job_title: str
    objective_label: str
    operational_objectives: list[str]
    evaluation: str
    job_label: str
    tasks: str
    workplace: str
    start_date: date
    end_date: date
    schedule: dict[str, float]
    signed_by: list[str]
    assessment: Assessment | None


def _for_party(opened: Opened) -> ConventionForParty:
    c, role = opened.convention, opened.role
    terms, current = c.terms, c.status
    job, place = jobs.job(terms.rome_code), places.place(terms.host.place_id)
    return ConventionForParty(
        convention_id=c.id,
        you_are=role,
        you_are_label=ROLE_LABELS[role],
        status=current,
        status_label=STATUS_LABELS[current],
        can=list(opened.can),
        link_used=opened.purpose is None,
        beneficiary_name=f"{terms.beneficiary.first_name} {terms.beneficiary.last_name}",
        host_name=terms.host.name,
        host_address=terms.host.address,
        host_place=place.name if place else terms.host.place_id,
        tutor_name=terms.tutor.name,
        tutor_job_title=terms.tutor.job_title,
        objective_label=OBJECTIVE_LABELS[terms.objective],
        operational_objectives=terms.operational_objectives,
        evaluation=terms.evaluation,
        job_label=job.label if job else terms.rome_code,
        tasks=terms.tasks,
        workplace=terms.workplace or terms.host.address,
        start_date=terms.start_date,
        end_date=terms.end_date,
        schedule=terms.schedule,
        signed_by=sorted(role.value for role in c.signatures),
        assessment=c.assessment,
    )


async def _act(links: PartyLinks, convention_id: str, token: str, action: Action, **details: Any) -> ConventionForParty:
    return _for_party(await links.act(convention_id, token, action, datetime.now(UTC), **details))


@router.get("", summary="The convention, as the link's holder sees it")
async def read(convention_id: str, token: str, links: PartyLinksDep) -> ConventionForParty:
    return _for_party(await links.open(convention_id, token, datetime.now(UTC), reading=True))


@router.post("/confirm", summary="The employer agrees to host the immersion")
async def confirm(convention_id: str, token: str, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.CONFIRM)


@router.post("/decline", summary="The employer declines, with a reason")
async def decline(convention_id: str, token: str, body: ReasonIn, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.DECLINE, reason=body.reason, note=body.note)


@router.post("/sign", summary="A signatory signs (employer, beneficiary, legal representative)")
async def sign(convention_id: str, token: str, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.SIGN)


@router.post("/assessment", summary="The tutor fills in the assessment (bilan)")
async def assess(convention_id: str, token: str, body: Assessment, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.SUBMIT_ASSESSMENT, assessment=body)


@router.post("/agree", summary="The beneficiary agrees with the assessment")
async def agree(convention_id: str, token: str, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.AGREE_ASSESSMENT)


@router.post("/contest", summary="The beneficiary disagrees: the tutor gets a new link to fill it in again")
async def contest(convention_id: str, token: str, body: ReasonIn, links: PartyLinksDep) -> ConventionForParty:
    return await _act(links, convention_id, token, Action.CONTEST_ASSESSMENT, reason=body.reason, note=body.note)
