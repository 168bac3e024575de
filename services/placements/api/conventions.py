"""Conventions, for counsellors and validators (thin): write, send, follow, validate, renew, print,
export; the table of transitions."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.placements import PartyRole
from services.kit.domain import Forbidden
from services.kit.identity import AgencyStaff, Caller, Counsellor
from services.kit.pagination import After, announce_next
from services.placements.adapters.conventions import NotFound, Selection
from services.placements.deps import AgencySettingsDep, ConventionsDep, DocumentsDep, PartyLinksDep, actors_of, party_of
from services.placements.domain.convention import Convention, missing_signatures
from services.placements.domain.lifecycle import (
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    Validation,
    allowed_actions,
    waiting_for,
)
from services.placements.domain.limits import MAX_CONVENTIONS_WITH_ONE_HOST, MAX_DAYS_WITH_ONE_HOST, LegalChecks
from services.placements.domain.party_links import LINK_PURPOSE
from services.placements.domain.terms import Assessment, Terms
from services.reference import labels
from services.reference.labels import Labels

router = APIRouter(tags=["conventions"])

STAFF_ACTIONS = (Action.SEND, Action.REVISE, Action.PRE_VALIDATE, Action.VALIDATE, Action.REJECT, Action.CANCEL)
Found = TypeVar("Found")


EXAMPLE: dict[str, Any] = {
    "beneficiary_id": "4f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "beneficiary": {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr", "phone": ""},
    "host": {
        "name": "Atelier numérique de l'Erdre",
        "siret": "73282932000074",
        "address": "12 quai de Versailles, 44000 Nantes",
        "place_id": "2990969",
        "contact_name": "Claire Dupont",
        "email": "claire.dupont@example.fr",
        "phone": "02 40 00 00 00",
    },
    "tutor": {"name": "Marc Leroy", "job_title": "Développeur senior", "email": "marc.leroy@example.fr"},
    "objective": "confirm_project",
    "operational_objectives": ["Participer à une revue de code", "Corriger une anomalie simple avec l'équipe"],
    "evaluation": "Bilan avec le tuteur en fin de période, sur les deux objectifs",
    "rome_code": "M1805",
    "tasks": "Observer l'équipe, tester une application, corriger une anomalie avec un développeur",
    "workplace": "",
    "start_date": "2027-03-15",
    "end_date": "2027-04-14",
    "schedule": {"monday": 7, "tuesday": 7, "wednesday": 7, "thursday": 7, "friday": 7},
}


class ConventionIn(Terms):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    beneficiary_id: str


class StepIn(BaseModel):
    reason: str = Field(
        default="",
        pattern=r"^[a-z_]{0,40}$",
        description="required to reject or cancel: a code such as not_fitting_path, incomplete, beneficiary_withdrew, "
        "employer_withdrew, found_a_job, health, other",
    )
    note: str = Field(default="", max_length=2000, description="required with the reason 'other'; stays here")


class RenewalIn(BaseModel):
    start_date: date
    end_date: date


class LinkOut(BaseModel):
    purpose: str
    expires_at: datetime
    used_at: datetime | None


class LegalChecksOut(BaseModel):
    """D5135-3 in numbers: what the validator checks, each with whether it holds."""

    days_with_host: int = Field(description="days with this host over the worst 12 months, this one included")
    max_days_with_host: int = MAX_DAYS_WITH_ONE_HOST
    conventions_with_host: int = Field(description="conventions with this host over those months, renewals aside")
    max_conventions_with_host: int = MAX_CONVENTIONS_WITH_ONE_HOST
    renewal: str = Field(description="the renewal rule as it applies here (French)")
    hours_per_week: float
    max_hours_per_week: float
    longest_day: float
    max_hours_per_day: float
    duration_days: int
    within_limits: dict[str, bool] = Field(description="days, conventions, hours, duration: each holds or not")

    @classmethod
    def of(cls, checks: LegalChecks) -> LegalChecksOut:
        return cls(
            days_with_host=checks.days_with_host,
            conventions_with_host=checks.conventions_with_host,
            renewal=checks.renewal,
            hours_per_week=checks.hours_per_week,
            max_hours_per_week=checks.max_hours_per_week,
            longest_day=checks.longest_day,
            max_hours_per_day=checks.max_hours_per_day,
            duration_days=checks.duration_days,
            within_limits={
                "days": checks.days_ok,
                "conventions": checks.conventions_ok,
                "hours": checks.hours_ok,
                "duration": checks.duration_ok,
            },
        )


class ConventionOut(BaseModel):
    convention_id: str
    agency_id: str
    beneficiary_id: str
    counsellor_id: str
    status: Status
    status_label: str
    minor: bool
    terms: Terms
    signatures: dict[str, str]
    links: dict[str, LinkOut]
    waiting_for: list[str] = Field(description="who has to act next: employer, beneficiary, validator, ...")
    your_actions: list[Action] = Field(description="what the caller may do now")
    assessment: Assessment | None
    reason: dict[str, Any] | None
    renewal_of: str | None
    renewal_id: str | None
    validated_by: str | None
    validated_at: datetime | None
    history: list[dict[str, Any]]
    created_at: datetime
    version: int
    labels: Labels = Field(description="what people read for the job and the host's town")
    legal: LegalChecksOut | None = Field(
        default=None, description="the legal limits summed up for the validator (one convention's page only)"
    )

    @classmethod
    def of(cls, c: Convention, validation: Validation, actors: frozenset[Actor]) -> ConventionOut:
        unsigned = tuple(r.value for r in missing_signatures(c))
        return cls(
            convention_id=c.id,
            agency_id=c.agency_id,
            beneficiary_id=c.beneficiary_id,
            counsellor_id=c.counsellor_id,
            status=c.status,
            status_label=STATUS_LABELS[c.status],
            minor=c.minor,
            terms=c.terms,
            signatures={role.value: at.isoformat() for role, at in c.signatures.items()},
            links={
                role.value: LinkOut(purpose=link.purpose.value, expires_at=link.expires_at, used_at=link.used_at)
                for role, link in c.links.items()
            },
            waiting_for=waiting_for(c.status, validation, unsigned),
            your_actions=[a for a in allowed_actions(c.status, validation, actors) if a in STAFF_ACTIONS],
            assessment=c.assessment,
            reason={"code": c.reason.code, "note": c.reason.note, "at": c.reason.at} if c.reason else None,
            renewal_of=c.renewal_of,
            renewal_id=c.renewal_id,
            validated_by=c.validated.by if c.validated else None,
            validated_at=c.validated.at if c.validated else None,
            history=[entry.record() for entry in c.history],
            created_at=c.created_at,
            version=c.version,
            labels=labels.of_codes([c.terms.rome_code], (), [c.terms.host.place_id]),
        )


async def view(settings: AgencySettingsDep, convention: Convention, caller: Caller) -> ConventionOut:
    validation = await settings.validation_of(convention.agency_id)
    return ConventionOut.of(convention, validation, actors_of(caller))


async def in_agency(found: Awaitable[Found], convention_id: str) -> Found:
    """What the use case found of the caller's agency's convention: 404 when it is not one."""
    try:
        return await found
    except NotFound:
        raise NotFound("Cette convention n'existe pas ou ne concerne pas votre agence.", id=convention_id) from None


async def own_convention(service: ConventionsDep, convention_id: str, caller: Caller) -> Convention:
    return await in_agency(service.get(convention_id, caller.agency_id), convention_id)


def now() -> datetime:
    return datetime.now(UTC)


@router.post("/conventions", status_code=status.HTTP_201_CREATED, summary="Write a convention (a draft)")
async def create(
    body: ConventionIn, caller: Counsellor, service: ConventionsDep, settings: AgencySettingsDep
) -> ConventionOut:
    terms = Terms.model_validate(body.model_dump(exclude={"beneficiary_id"}))
    made = await service.create(caller.agency_id, caller.staff_id, body.beneficiary_id, terms, now())
    return await view(settings, made, caller)


StatusFilter = Annotated[Status | None, Query(alias="status")]
WaitingFor = Annotated[
    str | None,
    Query(alias="waiting_for", max_length=40, description="counsellor, validator, employer, beneficiary, tutor, ..."),
]


async def selection(
    caller: AgencyStaff,
    service: ConventionsDep,
    status_: StatusFilter = None,
    beneficiary_id: Annotated[str | None, Query(max_length=100)] = None,
    waiting_for_: WaitingFor = None,
) -> Selection:
    return await service.selection(caller.agency_id, status_, beneficiary_id, waiting_for_)


Selected = Annotated[Selection, Depends(selection)]


@router.get(
    "/conventions",
    summary="Your agency's conventions, newest first, by status, beneficiary or who has to act; the next page "
    "is announced in the X-Next-Cursor and Link headers (?after=)",
)
async def conventions(
    caller: AgencyStaff,
    request: Request,
    response: Response,
    selected: Selected,
    service: ConventionsDep,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ConventionOut]:
    found = await service.page(selected, after, limit)
    announce_next(request, response, found, limit, id_of=lambda c: c.id)
    return [ConventionOut.of(c, selected.validation, actors_of(caller)) for c in found]


@router.get(
    "/conventions/export.csv",
    summary="Your agency's conventions as CSV (semicolons, UTF-8 with BOM: opens in a spreadsheet), all those "
    "the same filters as the list select, newest first",
    response_class=StreamingResponse,
)
async def export(selected: Selected, documents: DocumentsDep) -> StreamingResponse:
    filename = f"conventions-{date.today().isoformat()}.csv"
    return StreamingResponse(
        documents.export(selected),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/conventions/{convention_id}", summary="One convention, who has to act, and what you may do")
async def convention(
    convention_id: str, caller: AgencyStaff, service: ConventionsDep, settings: AgencySettingsDep
) -> ConventionOut:
    found = await own_convention(service, convention_id, caller)
    shown = await view(settings, found, caller)
    shown.legal = LegalChecksOut.of(await service.legal(found))
    return shown


@router.put("/conventions/{convention_id}", summary="Change a draft (revise a sent convention first)")
async def edit(
    convention_id: str, body: Terms, caller: Counsellor, service: ConventionsDep, settings: AgencySettingsDep
) -> ConventionOut:
    convention = await own_convention(service, convention_id, caller)
    return await view(settings, await service.edit(convention, body, caller.staff_id, now()), caller)


@router.post(
    "/conventions/{convention_id}/renew",
    status_code=status.HTTP_201_CREATED,
    summary="Renew once, after an assessment saying the objectives were not met: a new draft for new dates",
)
async def renew(
    convention_id: str, body: RenewalIn, caller: Counsellor, service: ConventionsDep, settings: AgencySettingsDep
) -> ConventionOut:
    convention = await own_convention(service, convention_id, caller)
    renewal = await service.renew(convention, caller.staff_id, body.start_date, body.end_date, now())
    return await view(settings, renewal, caller)


@router.post(
    "/conventions/{convention_id}/links/{role}/resend",
    summary="Send a party's link again: a new link, and the old one stops working",
)
async def resend(
    convention_id: str,
    role: PartyRole,
    caller: AgencyStaff,
    service: ConventionsDep,
    links: PartyLinksDep,
    settings: AgencySettingsDep,
) -> ConventionOut:
    convention = await own_convention(service, convention_id, caller)
    return await view(settings, await links.resend(convention, role, party_of(caller), now()), caller)


@router.post(
    "/conventions/{convention_id}/{action}",
    summary="A staff step: send, revise, pre_validate, validate, reject or cancel (reason needed for the last two)",
)
async def step(
    convention_id: str,
    action: Action,
    caller: AgencyStaff,
    service: ConventionsDep,
    settings: AgencySettingsDep,
    body: StepIn | None = None,
) -> ConventionOut:
    body = body or StepIn()
    if action not in STAFF_ACTIONS:
        by = "les parties, par leurs liens" if action in LINK_PURPOSE else "le renouvellement, ou le temps"
        raise Forbidden(f"Cette étape n'est pas celle du personnel : elle revient à {by}.", code="not_a_staff_step")
    convention = await own_convention(service, convention_id, caller)
    done = await service.act(convention, action, party_of(caller), now(), reason=body.reason, note=body.note)
    return await view(settings, done, caller)


@router.get(
    "/conventions/{convention_id}/pdf",
    summary="The validated convention, printable",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def pdf(convention_id: str, caller: AgencyStaff, documents: DocumentsDep) -> Response:
    printed = await in_agency(documents.pdf(convention_id, caller.agency_id), convention_id)
    return Response(
        printed,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="convention-{convention_id[:8]}.pdf"'},
    )


@router.get("/transitions", summary="The life cycle as data: from, action, to, who may, for which validation mode")
async def transitions(caller: AgencyStaff) -> list[dict[str, Any]]:
    return [
        {
            "from": frm.value,
            "action": action.value,
            "to": rule.to.value,
            "actors": sorted(rule.actors),
            "only_for": rule.only_for,
        }
        for (frm, action), rule in TRANSITIONS.items()
    ]
