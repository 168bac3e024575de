"""Profiles' HTTP routes for beneficiaries. A beneficiary is private to their agency: staff of another
agency get 404, as if it did not exist; regional coordinators get aggregates only."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events.profiles import ClosingOutcome, EducationLevel, MeetingMode, Situation
from services.kit.identity import AGENCY_ROLES, Caller, CurrentCaller, Role
from services.kit.outbox import ConcurrentUpdate
from services.kit.pagination import After, announce_next
from services.profiles.adapters.beneficiaries import BeneficiaryRepository
from services.profiles.adapters.staff import StaffRepository
from services.profiles.domain import beneficiary as rules

router = APIRouter(tags=["beneficiaries"])


class GuardianIn(BaseModel):
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=320)


class IdentityIn(BaseModel):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_year: int
    email: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=40)
    guardian: GuardianIn | None = Field(default=None, description="required for a minor")
    accessibility_needs: str = Field(default="", max_length=2000, description="sensitive: stays in profiles")

    def domain(self) -> rules.Identity:
        guardian = rules.Guardian(**self.guardian.model_dump()) if self.guardian else None
        return rules.Identity(
            self.first_name, self.last_name, self.birth_year, self.email, self.phone, guardian, self.accessibility_needs
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

    @classmethod
    def of(cls, b: rules.Beneficiary) -> BeneficiaryOut:
        i, p = b.identity, b.project
        return cls(
            beneficiary_id=b.beneficiary_id,
            agency_id=b.agency_id,
            counsellor_id=b.counsellor_id,
            minor=b.minor,
            identity=IdentityIn(
                first_name=i.first_name,
                last_name=i.last_name,
                birth_year=i.birth_year,
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
            ),
            matching_consent=b.consent.matching,
            consent_expires_at=b.consent.expires_at.isoformat(),
            status=b.status,
            outcome=b.outcome,
            outcome_note=b.outcome_note,
            version=b.version,
            path=[LivedStepOut.model_validate(vars(s)) for s in b.path],
        )


async def agency_staff(caller: CurrentCaller, request: Request) -> Caller:
    if caller.has(*AGENCY_ROLES):
        await refuse_closed_accounts(caller, request)
        return caller
    if caller.has(Role.REGIONAL_COORDINATOR):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "regional coordinators see aggregates: GET /stats/beneficiaries")
    raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs a counsellor, validator or agency admin")


Staff = Annotated[Caller, Depends(agency_staff)]


async def refuse_closed_accounts(caller: Caller, request: Request) -> None:
    """A deactivated account's token stops working here at once, not when it expires. (Accounts of an
    external OpenID Connect issuer have no record here and are left to that issuer.)"""
    staff: StaffRepository = request.app.state.staff
    member = await staff.get(caller.staff_id)
    if member is not None and not member.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "this account has been closed", {"WWW-Authenticate": "Bearer"}
        )


def repository(request: Request) -> BeneficiaryRepository:
    repo: BeneficiaryRepository = request.app.state.beneficiaries
    return repo


Repository = Annotated[BeneficiaryRepository, Depends(repository)]


def unprocessable(error: rules.InvalidBeneficiary, prefix: dict[str, str]) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", prefix.get(f, "project"), f], "msg": m, "type": "value_error"} for f, m in error.problems],
    )


IDENTITY_FIELDS = {"first_name", "last_name", "birth_year", "guardian", "email", "phone"}


def _prefixes() -> dict[str, str]:
    return {f: "identity" for f in IDENTITY_FIELDS} | {"status": "status", "outcome": "outcome"}


async def _counsellor_of(request: Request, caller: Caller, counsellor_id: str | None) -> str:
    if counsellor_id is None or counsellor_id == caller.staff_id:
        return caller.staff_id
    staff: StaffRepository = request.app.state.staff
    member = await staff.get(counsellor_id)
    if member is None or member.agency_id != caller.agency_id or not member.active:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "loc": ["body", "counsellor_id"],
                    "msg": "not an active staff member of your agency",
                    "type": "value_error",
                }
            ],
        )
    return counsellor_id


async def _found(repo: BeneficiaryRepository, beneficiary_id: str, caller: Caller) -> rules.Beneficiary:
    found = await repo.get(beneficiary_id, caller.agency_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no beneficiary {beneficiary_id} in your agency")
    return found


@router.post("/beneficiaries", status_code=status.HTTP_201_CREATED, summary="Register a beneficiary")
async def register(body: BeneficiaryIn, caller: Staff, repo: Repository, request: Request) -> BeneficiaryOut:
    counsellor_id = await _counsellor_of(request, caller, body.counsellor_id)
    try:
        beneficiary, event = rules.register(
            caller.agency_id,
            counsellor_id,
            body.identity.domain(),
            body.project.domain(),
            body.matching_consent,
            body.consent_months,
        )
    except rules.InvalidBeneficiary as error:
        raise unprocessable(error, _prefixes()) from error
    await repo.add(beneficiary, event)
    return BeneficiaryOut.of(beneficiary)


@router.get(
    "/beneficiaries",
    summary="The agency's beneficiaries, newest first (search by name, mine only, closed ones)",
    description="A page of `limit`; when there are more, the `X-Next-Cursor` header (and `Link: rel=next`) gives "
    "the `after` of the next page.",
)
async def list_beneficiaries(
    caller: Staff,
    repo: Repository,
    request: Request,
    response: Response,
    q: Annotated[str, Query(max_length=200)] = "",
    mine: bool = False,
    state: Annotated[str, Query(pattern="^(active|closed|all)$")] = "active",
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[BeneficiaryOut]:
    found = await repo.of_agency(
        caller.agency_id,
        text=q,
        counsellor_id=caller.staff_id if mine else None,
        status=None if state == "all" else state,
        after=after,
        limit=limit,
    )
    page = [BeneficiaryOut.of(b) for b in found]
    announce_next(request, response, page, limit, lambda b: b.beneficiary_id)
    return page


@router.get("/beneficiaries/{beneficiary_id}", summary="One beneficiary of the agency")
async def get_beneficiary(beneficiary_id: str, caller: Staff, repo: Repository) -> BeneficiaryOut:
    return BeneficiaryOut.of(await _found(repo, beneficiary_id, caller))


@router.patch("/beneficiaries/{beneficiary_id}", summary="Change identity, project or counsellor")
async def change_beneficiary(
    beneficiary_id: str, body: BeneficiaryPatch, caller: Staff, repo: Repository, request: Request
) -> BeneficiaryOut:
    current = await _found(repo, beneficiary_id, caller)
    counsellor_id = await _counsellor_of(request, caller, body.counsellor_id) if body.counsellor_id else None
    try:
        changed, events = rules.change(
            current,
            body.identity.domain() if body.identity else None,
            body.project.domain() if body.project else None,
            counsellor_id,
        )
        await repo.save(changed, events)
    except rules.InvalidBeneficiary as error:
        raise unprocessable(error, _prefixes()) from error
    except ConcurrentUpdate as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{error}; read it again and retry") from error
    return BeneficiaryOut.of(changed)


@router.post("/beneficiaries/{beneficiary_id}/close", summary="Close the accompaniment, saying how it ended")
async def close_beneficiary(beneficiary_id: str, body: CloseIn, caller: Staff, repo: Repository) -> BeneficiaryOut:
    current = await _found(repo, beneficiary_id, caller)
    try:
        closed, event = rules.close(current, body.outcome, body.note)
        await repo.save(closed, [event])
    except rules.InvalidBeneficiary as error:
        raise unprocessable(error, _prefixes()) from error
    except ConcurrentUpdate as error:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{error}; read it again and retry") from error
    return BeneficiaryOut.of(closed)


@router.get("/stats/beneficiaries", tags=["statistics"], summary="Counts per agency, without names")
async def beneficiary_counts(caller: CurrentCaller, repo: Repository, request: Request) -> list[dict[str, Any]]:
    if caller.has(Role.REGIONAL_COORDINATOR):
        region = [a.agency_id for a in await request.app.state.agencies.all() if a.region_code == caller.region_code]
        return await repo.counts(region)
    return await repo.counts([caller.agency_id])
