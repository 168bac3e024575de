"""Routes for beneficiaries. A beneficiary is private to their agency: staff of another agency get 404, as
if it did not exist; regional coordinators get aggregates only."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import (
    ClosingOutcome,
    EducationLevel,
    MeetingMode,
    Situation,
    StepKind,
    Transition,
    TransitionReason,
)
from services.kit.identity import CurrentCaller
from services.kit.pagination import After, announce_next
from services.profiles.deps import BeneficiaryServiceDep, OpenAgencyStaff
from services.profiles.domain import beneficiary as rules
from services.reference import labels
from services.reference.labels import Labels

router = APIRouter(tags=["beneficiaries"])


class GuardianIn(BaseModel):
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=320)


class IdentityIn(BaseModel):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_year: int
    birth_date: date | None = Field(
        default=None, description="a minor's only (a PMSMP needs 16 on its first day); never sent on the topics"
    )
    email: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=40)
    guardian: GuardianIn | None = Field(default=None, description="required for a minor")
    accessibility_needs: str = Field(default="", max_length=2000, description="sensitive: stays in profiles")

    def domain(self) -> rules.Identity:
        guardian = rules.Guardian(**self.guardian.model_dump()) if self.guardian else None
        return rules.Identity(
            self.first_name,
            self.last_name,
            self.birth_year,
            self.email,
            self.phone,
            guardian,
            self.accessibility_needs,
            self.birth_date,
        )


class PreviousStepIn(BaseModel):
    kind: StepKind = Field(description="job, training or apprenticeship")
    start_month: str = Field(examples=["2016-09"], description="YYYY-MM")
    end_month: str | None = Field(default=None, examples=["2024-03"], description="YYYY-MM; empty while it goes on")
    rome_code: str | None = Field(default=None, examples=["D1214"], description="ROME job sheet (a job needs one)")
    naf_division: str | None = Field(default=None, examples=["47"])


class TransitionIn(BaseModel):
    kind: Transition = Field(description="is the move the beneficiary is making now chosen or imposed?")
    reason: TransitionReason | None = Field(
        default=None, description="why, when imposed (required then); stays in profiles", examples=["redundancy"]
    )


class ProjectIn(BaseModel):
    place_id: str = Field(description="a place id from /reference/places")
    mobility_km: int = Field(description="how far they can travel")
    situation: Situation
    education_level: EducationLevel
    target_jobs: list[str] = Field(description="ROME job sheets, e.g. M1805")
    sectors: list[str] = Field(default_factory=list, description="NAF divisions, e.g. 62")
    meeting_modes: list[MeetingMode] = Field(default_factory=lambda: [MeetingMode.IN_PERSON])
    languages: list[str] = Field(default_factory=lambda: ["fr"])
    previous_steps: list[PreviousStepIn] = Field(
        default_factory=list, description="jobs and trainings before the accompaniment"
    )
    transition: TransitionIn | None = Field(default=None, description="the current transition, when said")

    def domain(self) -> rules.Project:
        return rules.Project(
            self.place_id,
            self.mobility_km,
            self.situation,
            self.education_level,
            tuple(self.target_jobs),
            tuple(self.sectors),
            tuple(self.meeting_modes),
            tuple(self.languages),
            tuple(rules.PreviousStep(**s.model_dump()) for s in self.previous_steps),
            rules.CurrentTransition(**self.transition.model_dump()) if self.transition else None,
        )


EXAMPLE: dict[str, Any] = {
    "identity": {"first_name": "Inès", "last_name": "Moreau", "birth_year": 2004, "phone": "06 12 34 56 78"},
    "project": {
        "place_id": "2990969",
        "mobility_km": 30,
        "situation": "job_seeker",
        "education_level": "level_4",
        "target_jobs": ["M1805"],
        "sectors": ["62"],
        "meeting_modes": ["in_person", "video"],
        "languages": ["fr"],
        "previous_steps": [{"kind": "job", "start_month": "2019-09", "end_month": "2024-03", "rome_code": "D1214"}],
        "transition": {"kind": "imposed", "reason": "redundancy"},
    },
    "matching_consent": True,
}


class BeneficiaryIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    identity: IdentityIn
    project: ProjectIn
    matching_consent: bool = Field(description="agrees to be put in touch with peers")
    consent_months: int = Field(default=12, ge=1, le=36)
    counsellor_id: str | None = Field(default=None, description="defaults to the caller")


class BeneficiaryPatch(BaseModel):
    identity: IdentityIn | None = None
    project: ProjectIn | None = None
    counsellor_id: str | None = None


class CloseIn(BaseModel):
    outcome: ClosingOutcome = Field(examples=["employment"])
    note: str = Field(default="", max_length=500, description="stays in profiles", examples=["CDI de développeuse"])


class LivedStepOut(BaseModel):
    kind: str
    start_date: date
    end_date: date
    rome_code: str
    naf_division: str | None
    place_id: str
    outcome: str = Field(description="the beneficiary's conclusion: confirmed, adjusted, dropped")
    hired: bool
    source_id: str = Field(description="the PMSMP convention in placements")


class BeneficiaryOut(BaseModel):
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    minor: bool
    identity: IdentityIn
    project: ProjectIn
    matching_consent: bool
    consent_expires_at: str
    status: str
    outcome: str
    outcome_note: str
    version: int
    path: list[LivedStepOut] = Field(description="steps lived during the accompaniment: assessed immersions")
    labels: Labels = Field(description="what people read for the jobs, sectors and places above")

    @classmethod
    def of(cls, b: rules.Beneficiary) -> BeneficiaryOut:
        i, p = b.identity, b.project
        shown = labels.of_codes(
            [*p.target_jobs, *(s.rome_code for s in b.path), *(s.rome_code for s in p.previous_steps)],
            [*p.sectors, *(s.naf_division for s in b.path), *(s.naf_division for s in p.previous_steps)],
            [p.place_id, *(s.place_id for s in b.path)],
        )
        return cls(
            beneficiary_id=b.beneficiary_id,
            agency_id=b.agency_id,
            counsellor_id=b.counsellor_id,
            minor=b.minor,
            identity=IdentityIn(
                first_name=i.first_name,
                last_name=i.last_name,
                birth_year=i.birth_year,
                birth_date=i.birth_date,
                email=i.email,
                phone=i.phone,
                accessibility_needs=i.accessibility_needs,
                guardian=GuardianIn(**vars(i.guardian)) if i.guardian else None,
            ),
            project=ProjectIn(
                place_id=p.place_id,
                mobility_km=p.mobility_km,
                situation=p.situation,
                education_level=p.education_level,
                target_jobs=list(p.target_jobs),
                sectors=list(p.sectors),
                meeting_modes=list(p.meeting_modes),
                languages=list(p.languages),
                previous_steps=[PreviousStepIn.model_validate(vars(s)) for s in p.previous_steps],
                transition=TransitionIn.model_validate(vars(p.transition)) if p.transition else None,
            ),
            matching_consent=b.consent.matching,
            consent_expires_at=b.consent.expires_at.isoformat(),
            status=b.status.value,
            outcome=b.outcome,
            outcome_note=b.outcome_note,
            version=b.version,
            path=[LivedStepOut.model_validate(vars(s)) for s in b.path],
            labels=shown,
        )


@router.post("/beneficiaries", status_code=status.HTTP_201_CREATED, summary="Register a beneficiary")
async def register(
    body: BeneficiaryIn, caller: OpenAgencyStaff, beneficiaries: BeneficiaryServiceDep
) -> BeneficiaryOut:
    beneficiary = await beneficiaries.register(
        caller,
        body.identity.domain(),
        body.project.domain(),
        body.matching_consent,
        body.consent_months,
        body.counsellor_id,
    )
    return BeneficiaryOut.of(beneficiary)


@router.get(
    "/beneficiaries",
    summary="The agency's beneficiaries, newest first (search by name, mine only, closed ones)",
    description="A page of `limit`; when there are more, the `X-Next-Cursor` header (and `Link: rel=next`) gives "
    "the `after` of the next page.",
)
async def list_beneficiaries(
    caller: OpenAgencyStaff,
    beneficiaries: BeneficiaryServiceDep,
    request: Request,
    response: Response,
    q: Annotated[str, Query(max_length=200)] = "",
    mine: bool = False,
    state: Annotated[str, Query(pattern="^(active|closed|all)$")] = "active",
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[BeneficiaryOut]:
    found = await beneficiaries.page(caller, q, mine, None if state == "all" else state, after, limit)
    page = [BeneficiaryOut.of(b) for b in found]
    announce_next(request, response, page, limit, lambda b: b.beneficiary_id)
    return page


@router.get("/beneficiaries/{beneficiary_id}", summary="One beneficiary of the agency")
async def get_beneficiary(
    beneficiary_id: str, caller: OpenAgencyStaff, beneficiaries: BeneficiaryServiceDep
) -> BeneficiaryOut:
    return BeneficiaryOut.of(await beneficiaries.one(beneficiary_id, caller))


@router.patch("/beneficiaries/{beneficiary_id}", summary="Change identity, project or counsellor")
async def change_beneficiary(
    beneficiary_id: str, body: BeneficiaryPatch, caller: OpenAgencyStaff, beneficiaries: BeneficiaryServiceDep
) -> BeneficiaryOut:
    changed = await beneficiaries.change(
        beneficiary_id,
        caller,
        body.identity.domain() if body.identity else None,
        body.project.domain() if body.project else None,
        body.counsellor_id,
    )
    return BeneficiaryOut.of(changed)


@router.post("/beneficiaries/{beneficiary_id}/close", summary="Close the accompaniment, saying how it ended")
async def close_beneficiary(
    beneficiary_id: str, body: CloseIn, caller: OpenAgencyStaff, beneficiaries: BeneficiaryServiceDep
) -> BeneficiaryOut:
    return BeneficiaryOut.of(await beneficiaries.close(beneficiary_id, caller, body.outcome, body.note))


@router.get("/stats/beneficiaries", tags=["statistics"], summary="Counts per agency, without names")
async def beneficiary_counts(caller: CurrentCaller, beneficiaries: BeneficiaryServiceDep) -> list[dict[str, Any]]:
    return await beneficiaries.counts(caller)
