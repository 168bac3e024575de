"""Conventions, for counsellors and validators (thin): write, send, follow, validate, renew, print,
export; the agency's validation mode; the table of transitions; the operator's trigger of the scheduler."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.placements import PartyRole
from services.kit.auth import operator_moment, require_operator
from services.kit.identity import AgencyAdmin, AgencyStaff, Caller, Counsellor, Role
from services.kit.mongo import Document
from services.kit.pagination import After, announce_next
from services.placements import documents
from services.placements.adapters.projections import Projections
from services.placements.conventions import ConventionDesk, NotFound, Party, Selection, missing_signatures
from services.placements.domain.convention import Assessment, Terms
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
from services.placements.party_links import LINK_PURPOSE, PartyLinks
from services.placements.scheduler import Scheduler

router = APIRouter(tags=["conventions"])

STAFF_ACTIONS = (Action.SEND, Action.REVISE, Action.PRE_VALIDATE, Action.VALIDATE, Action.REJECT, Action.CANCEL)
PRINTABLE = frozenset(
    {
        Status.VALIDATED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.ASSESSMENT_SUBMITTED,
        Status.ASSESSED,
        Status.RENEWED,
    }
)


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


class ValidationIn(BaseModel):
    validation: Validation


class LinkOut(BaseModel):
    purpose: str
    expires_at: datetime
    used_at: datetime | None


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

    @classmethod
    def of(cls, d: Document, validation: Validation, actors: frozenset[Actor]) -> ConventionOut:
        current = Status(d["status"])
        unsigned = tuple(r.value for r in missing_signatures(d))
        return cls(
            convention_id=d["_id"],
            agency_id=d["agency_id"],
            beneficiary_id=d["beneficiary_id"],
            counsellor_id=d["counsellor_id"],
            status=current,
            status_label=STATUS_LABELS[current],
            minor=d["minor"],
            terms=Terms.model_validate(d["terms"]),
            signatures=d.get("signatures", {}),
            links={role: LinkOut.model_validate(record) for role, record in d.get("links", {}).items()},
            waiting_for=waiting_for(current, validation, unsigned),
            your_actions=[a for a in allowed_actions(current, validation, actors) if a in STAFF_ACTIONS],
            assessment=Assessment.model_validate(d["assessment"]) if d.get("assessment") else None,
            reason={k: v for k, v in d["reason"].items() if k != "by"} if d.get("reason") else None,
            renewal_of=d.get("renewal_of"),
            renewal_id=d.get("renewal_id"),
            validated_by=d.get("validated_by"),
            validated_at=d.get("validated_at"),
            history=d.get("history", []),
            created_at=d["created_at"],
            version=d["version"],
        )


def desk_of(request: Request) -> ConventionDesk:
    desk: ConventionDesk = request.app.state.conventions
    return desk


def projections_of(request: Request) -> Projections:
    projections: Projections = request.app.state.projections
    return projections


def actors_of(caller: Caller) -> frozenset[Actor]:
    actors = set()
    if caller.has(Role.COUNSELLOR):
        actors.add(Actor.COUNSELLOR)
    if caller.has(Role.VALIDATOR):
        actors.add(Actor.VALIDATOR)
    return frozenset(actors)


async def view(request: Request, document: Document, caller: Caller) -> ConventionOut:
    validation = await projections_of(request).validation_of(document["agency_id"])
    return ConventionOut.of(document, validation, actors_of(caller))


async def own_convention(request: Request, convention_id: str, caller: Caller) -> Document:
    try:
        return await desk_of(request).get(convention_id, caller.agency_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no convention {convention_id} in your agency") from None


def now() -> datetime:
    return datetime.now(UTC)


@router.post("/conventions", status_code=status.HTTP_201_CREATED, summary="Write a convention (a draft)")
async def create(body: ConventionIn, caller: Counsellor, request: Request) -> ConventionOut:
    terms = Terms.model_validate(body.model_dump(exclude={"beneficiary_id"}))
    document = await desk_of(request).create(caller.agency_id, caller.staff_id, body.beneficiary_id, terms, now())
    return await view(request, document, caller)


StatusFilter = Annotated[Status | None, Query(alias="status")]
WaitingFor = Annotated[
    str | None,
    Query(alias="waiting_for", max_length=40, description="counsellor, validator, employer, beneficiary, tutor, ..."),
]


async def selection(
    caller: AgencyStaff,
    request: Request,
    status_: StatusFilter = None,
    beneficiary_id: Annotated[str | None, Query(max_length=100)] = None,
    waiting_for_: WaitingFor = None,
) -> Selection:
    validation = await projections_of(request).validation_of(caller.agency_id)
    return Selection(caller.agency_id, status_, beneficiary_id, waiting_for_, validation)


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
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ConventionOut]:
    found = await desk_of(request).of_agency(selected, after, limit)
    announce_next(request, response, found, limit)
    return [ConventionOut.of(d, selected.validation, actors_of(caller)) for d in found]


@router.get(
    "/conventions/export.csv",
    summary="Your agency's conventions as CSV (semicolons, UTF-8 with BOM: opens in a spreadsheet), all those "
    "the same filters as the list select, newest first",
    response_class=StreamingResponse,
)
async def export(selected: Selected, request: Request) -> StreamingResponse:
    pages = desk_of(request).pages_of_agency(selected, fields=documents.CSV_FIELDS)
    filename = f"conventions-{date.today().isoformat()}.csv"
    return StreamingResponse(
        documents.csv_export(pages),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/conventions/{convention_id}", summary="One convention, who has to act, and what you may do")
async def convention(convention_id: str, caller: AgencyStaff, request: Request) -> ConventionOut:
    return await view(request, await own_convention(request, convention_id, caller), caller)


@router.put("/conventions/{convention_id}", summary="Change a draft (revise a sent convention first)")
async def edit(convention_id: str, body: Terms, caller: Counsellor, request: Request) -> ConventionOut:
    document = await own_convention(request, convention_id, caller)
    return await view(request, await desk_of(request).edit(document, body, caller.staff_id, now()), caller)


@router.post(
    "/conventions/{convention_id}/renew",
    status_code=status.HTTP_201_CREATED,
    summary="Renew once, after an assessment saying the objectives were not met: a new draft for new dates",
)
async def renew(convention_id: str, body: RenewalIn, caller: Counsellor, request: Request) -> ConventionOut:
    document = await own_convention(request, convention_id, caller)
    renewal = await desk_of(request).renew(document, caller.staff_id, body.start_date, body.end_date, now())
    return await view(request, renewal, caller)


@router.post(
    "/conventions/{convention_id}/links/{role}/resend",
    summary="Send a party's link again: a new link, and the old one stops working",
)
async def resend(convention_id: str, role: PartyRole, caller: AgencyStaff, request: Request) -> ConventionOut:
    document = await own_convention(request, convention_id, caller)
    party_links: PartyLinks = request.app.state.party_links
    return await view(request, await party_links.resend(document, role, caller.staff_id, now()), caller)


@router.post(
    "/conventions/{convention_id}/{action}",
    summary="A staff step: send, revise, pre_validate, validate, reject or cancel (reason needed for the last two)",
)
async def step(
    convention_id: str, action: Action, caller: AgencyStaff, request: Request, body: StepIn | None = None
) -> ConventionOut:
    body = body or StepIn()
    if action not in STAFF_ACTIONS:
        by = "the parties, through their links" if action in LINK_PURPOSE else "POST /renew, or by time"
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{action} is not a staff step: it is taken by {by}")
    document = await own_convention(request, convention_id, caller)
    party = Party(actors_of(caller), caller.staff_id)
    done = await desk_of(request).act(document, action, party, now(), reason=body.reason, note=body.note)
    return await view(request, done, caller)


@router.get(
    "/conventions/{convention_id}/pdf",
    summary="The validated convention, printable",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def pdf(convention_id: str, caller: AgencyStaff, request: Request) -> Response:
    document = await own_convention(request, convention_id, caller)
    if Status(document["status"]) not in PRINTABLE:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"the convention is printable once validated; it is {document['status']}"
        )
    agencies = request.app.state.agency_directory
    agency = await agencies.collection.find_one({"_id": document["agency_id"]}) or {}
    return Response(
        documents.convention_pdf(document, agency.get("name", "")),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="convention-{convention_id[:8]}.pdf"'},
    )


@router.get("/agency/validation", summary="How your agency validates: one_step (validator) or two_step")
async def validation(caller: AgencyStaff, request: Request) -> ValidationIn:
    return ValidationIn(validation=await projections_of(request).validation_of(caller.agency_id))


@router.put("/agency/validation", summary="Choose one- or two-step validation (agency administrators)")
async def set_validation(body: ValidationIn, caller: AgencyAdmin, request: Request) -> ValidationIn:
    await projections_of(request).set_validation(caller.agency_id, body.validation, caller.staff_id)
    return body


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


@router.post(
    "/operations/conventions/sweep",
    dependencies=[Depends(require_operator)],
    tags=["operations"],
    summary="Run the scheduler now (reminders, start, end, expiry; it also runs every minute); `as_of` moves the clock",
)
async def sweep(request: Request, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, int]:
    scheduler: Scheduler = request.app.state.scheduler
    return await scheduler.sweep(operator_moment(request, as_of))
