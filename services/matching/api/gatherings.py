"""Forums, fairs, open days and information sessions, for agency staff: publish one, list those the agency
sees, invite and register the beneficiaries whose target jobs meet its jobs, the registered people (and
their CSV), witnesses, cancel, record attendance. Every route is the caller's agency's (or region's, for a
region-wide gathering); the people listed are the caller's agency's only, named by profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from services.contracts.events.gatherings import GatheringKind, Visibility
from services.kit.identity import AgencyStaff, Caller, Counsellor
from services.kit.internal_api import OwnerRefused, OwnerUnreachable
from services.kit.spreadsheet import spreadsheet_csv
from services.matching.adapters.peer_directory import PeerDirectory
from services.matching.deps import GatheringServiceDep, PeerDirectoryDep
from services.matching.domain.actor import Actor
from services.matching.domain.gathering import (
    KIND_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
    Details,
    Gathering,
    Status,
    allowed_actions,
    attendance_open,
    shared_jobs,
)
from services.matching.use_cases.gatherings import GatheringService
from services.reference import labels
from services.reference.french import PARIS, span
from services.reference.labels import Labels

router = APIRouter(tags=["gatherings"])
GatheringsDep = GatheringServiceDep


class GatheringIn(BaseModel):
    kind: GatheringKind
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    starts_at: datetime = Field(description="Paris time when written without an offset")
    ends_at: datetime
    place_id: str = Field(max_length=20, description="a French place of services/reference (GET /reference/places)")
    address: str = Field(min_length=1, max_length=300, description="where people meet: street, building, room")
    jobs: list[str] = Field(min_length=1, max_length=10, description="ROME codes")
    capacity: int = Field(ge=1, le=5000)
    visibility: Visibility = Visibility.AGENCY

    def details(self) -> Details:
        return Details(
            self.kind,
            self.title.strip(),
            self.description.strip(),
            _aware(self.starts_at),
            _aware(self.ends_at),
            self.place_id,
            self.address.strip(),
            tuple(dict.fromkeys(self.jobs)),
            self.capacity,
            self.visibility,
        )


EXAMPLE: dict[str, Any] = {
    "kind": "forum",
    "title": "Forum des métiers du numérique",
    "description": "Rencontrez des développeurs, des apprentis et des entreprises qui recrutent.",
    "starts_at": "2027-03-11T09:00:00+01:00",
    "ends_at": "2027-03-11T12:30:00+01:00",
    "place_id": "2990969",
    "address": "Cité des congrès, 5 rue de Valmy",
    "jobs": ["M1805", "M1810"],
    "capacity": 40,
    "visibility": "region",
}
GatheringIn.model_config["json_schema_extra"] = {"examples": [EXAMPLE]}


class BeneficiaryIn(BaseModel):
    beneficiary_id: str = Field(max_length=100)


class PeerIn(BaseModel):
    peer_id: str = Field(max_length=100)


class AttendanceLine(BaseModel):
    beneficiary_id: str = Field(max_length=100)
    present: bool


class AttendanceIn(BaseModel):
    attendance: list[AttendanceLine] = Field(min_length=1, max_length=5000)


class PersonOut(BaseModel):
    beneficiary_id: str
    name: str
    invited: bool
    registered: bool
    present: bool | None = None


class WitnessOut(BaseModel):
    peer_id: str
    first_name: str
    kind: str
    job: str
    by: str
    own_agency: bool


class GatheringSummary(BaseModel):
    gathering_id: str
    kind: GatheringKind
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    when: str = Field(description="in French, Paris time")
    place_id: str
    address: str
    jobs: list[str]
    capacity: int
    places_left: int
    visibility: Visibility
    visibility_label: str
    status: Status
    status_label: str
    own_agency: bool = Field(description="published by the caller's agency")
    labels: Labels


class GatheringOut(GatheringSummary):
    description: str
    registered_count: int
    people: list[PersonOut] = Field(description="the caller's agency's invited and registered beneficiaries")
    witnesses: list[WitnessOut]
    actions: list[str] = Field(description="what the caller may do now")
    attendance_open: bool


def summary_of(g: Gathering, caller_agency: str) -> dict[str, Any]:
    d = g.details
    return {
        "gathering_id": g.id,
        "kind": d.kind,
        "kind_label": KIND_LABELS[d.kind],
        "title": d.title,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "when": when(g),
        "place_id": d.place_id,
        "address": d.address,
        "jobs": list(d.jobs),
        "capacity": d.capacity,
        "places_left": g.places_left,
        "visibility": d.visibility,
        "visibility_label": VISIBILITY_LABELS[d.visibility],
        "status": g.status,
        "status_label": STATUS_LABELS[g.status],
        "own_agency": g.agency_id == caller_agency,
        "labels": labels.of_codes(d.jobs, place_ids=[d.place_id]),
    }


def when(g: Gathering) -> str:
    """« jeudi 11 mars 2027 de 9 h à 12 h 30 », Paris time."""
    return span(g.details.starts_at, g.details.ends_at)


async def _names(
    directory: PeerDirectory, caller: Caller, beneficiaries: list[str], peers: list[str]
) -> dict[str, Any]:
    """Names as profiles gives them to this caller; none if it does not answer (the ids stay)."""
    if not beneficiaries and not peers:
        return {}
    try:
        return await directory.names(caller.staff_id, beneficiaries, peers)
    except (OwnerRefused, OwnerUnreachable):
        return {}


async def gathering_out(g: Gathering, caller: Caller, directory: PeerDirectory, now: datetime) -> GatheringOut:
    invited = {i.beneficiary_id for i in g.invitations if i.agency_id == caller.agency_id}
    registered = {r.beneficiary_id: r for r in g.registrations if r.agency_id == caller.agency_id}
    ids = sorted(invited | set(registered))
    names = await _names(directory, caller, ids, [w.peer_id for w in g.witnesses])
    beneficiaries, peers = names.get("beneficiaries", {}), names.get("peers", {})
    people = [
        PersonOut(
            beneficiary_id=i,
            name=beneficiaries.get(i, "Bénéficiaire"),
            invited=i in invited,
            registered=i in registered,
            present=registered[i].present if i in registered else None,
        )
        for i in ids
    ]
    witnesses = [
        WitnessOut(
            peer_id=w.peer_id,
            first_name=peers.get(w.peer_id, {}).get("first_name", "Un pair"),
            kind=peers.get(w.peer_id, {}).get("kind", ""),
            job=w.job,
            by=w.by.value,
            own_agency=w.agency_id == caller.agency_id,
        )
        for w in g.witnesses
    ]
    actions = allowed_actions(g.status, Actor.COUNSELLOR)
    if g.agency_id != caller.agency_id:
        actions = [a for a in actions if a != "cancel"]
    if now >= g.details.starts_at:
        actions = [a for a in actions if a in {"record_attendance"}]
    else:
        actions = [a for a in actions if a != "record_attendance"]
    return GatheringOut(
        **summary_of(g, caller.agency_id),
        description=g.details.description,
        registered_count=len(g.registrations),
        people=people,
        witnesses=witnesses,
        actions=actions,
        attendance_open=attendance_open(g, now),
    )


@router.post("/gatherings", status_code=status.HTTP_201_CREATED, summary="Publish a forum, fair, open day or session")
async def publish(
    body: GatheringIn, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    gathering = await service.publish(caller, body.details())
    return await gathering_out(gathering, caller, directory, service.clock())


@router.get("/gatherings", summary="The gatherings your agency sees (its own, its region's), soonest first")
async def listed(caller: AgencyStaff, service: GatheringsDep) -> list[GatheringSummary]:
    return [GatheringSummary(**summary_of(g, caller.agency_id)) for g in await service.listed(caller)]


@router.get("/gatherings/{gathering_id}", summary="One gathering, your agency's people in it, its witnesses")
async def one(
    gathering_id: str, caller: AgencyStaff, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    return await gathering_out(await service.seen(gathering_id, caller), caller, directory, service.clock())


class CandidateOut(BaseModel):
    beneficiary_id: str
    name: str
    shared_jobs: list[str] = Field(description="the gathering's jobs they aim at")
    invited: bool
    registered: bool
    labels: Labels


@router.get(
    "/gatherings/{gathering_id}/candidates",
    summary="Your agency's beneficiaries whose target jobs meet the gathering's (an indexed read)",
)
async def candidates(
    gathering_id: str, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> list[CandidateOut]:
    g = await service.seen(gathering_id, caller)
    found = await service.candidates(g, caller)
    names = (await _names(directory, caller, [c.beneficiary_id for c in found], [])).get("beneficiaries", {})
    return [
        CandidateOut(
            beneficiary_id=c.beneficiary_id,
            name=names.get(c.beneficiary_id, "Bénéficiaire"),
            shared_jobs=shared_jobs(c.target_jobs, g.details.jobs),
            invited=g.invitation_of(c.beneficiary_id) is not None,
            registered=g.registration_of(c.beneficiary_id) is not None,
            labels=labels.of_codes(shared_jobs(c.target_jobs, g.details.jobs)),
        )
        for c in sorted(found, key=lambda c: names.get(c.beneficiary_id, "~"))
    ]


async def _answer(g: Gathering, caller: Caller, service: GatheringService, directory: PeerDirectory) -> GatheringOut:
    return await gathering_out(g, caller, directory, service.clock())


@router.post("/gatherings/{gathering_id}/invitations", summary="Invite a beneficiary (e-mail with its .ics)")
async def invite(
    gathering_id: str, body: BeneficiaryIn, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    g = await service.seen(gathering_id, caller)
    return await _answer(await service.invite(g, body.beneficiary_id, caller), caller, service, directory)


@router.post(
    "/gatherings/{gathering_id}/registrations",
    summary="Register a beneficiary: takes one place (409 gathering_full when none is left, whoever took it)",
)
async def register(
    gathering_id: str, body: BeneficiaryIn, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    g = await service.seen(gathering_id, caller)
    return await _answer(await service.register(g, body.beneficiary_id, caller), caller, service, directory)


@router.delete("/gatherings/{gathering_id}/registrations/{beneficiary_id}", summary="Free a beneficiary's place")
async def unregister(
    gathering_id: str, beneficiary_id: str, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    g = await service.seen(gathering_id, caller)
    return await _answer(await service.unregister(g, beneficiary_id, caller), caller, service, directory)


@router.post("/gatherings/{gathering_id}/witnesses", summary="Record that a peer comes to witness for their job")
async def witness(
    gathering_id: str, body: PeerIn, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    await service.seen(gathering_id, caller)
    changed = await service.volunteer(gathering_id, body.peer_id, Actor.COUNSELLOR, caller)
    return await _answer(changed, caller, service, directory)


@router.post("/gatherings/{gathering_id}/cancel", summary="Cancel it (the publishing agency): METHOD:CANCEL to all")
async def cancel(
    gathering_id: str, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    g = await service.seen(gathering_id, caller)
    return await _answer(await service.cancel(g, caller), caller, service, directory)


@router.post(
    "/gatherings/{gathering_id}/attendance",
    summary="Record who came, once it has begun (your agency's registered beneficiaries)",
)
async def attendance(
    gathering_id: str, body: AttendanceIn, caller: Counsellor, service: GatheringsDep, directory: PeerDirectoryDep
) -> GatheringOut:
    g = await service.seen(gathering_id, caller)
    present = {line.beneficiary_id: line.present for line in body.attendance}
    return await _answer(await service.record_attendance(g, present, caller), caller, service, directory)


CSV_HEADER = ("Nom", "Invité(e)", "Inscrit(e)", "Présence", "Événement", "Date")


@router.get(
    "/gatherings/{gathering_id}/registrations.csv",
    summary="Your agency's invited and registered people as CSV (semicolons, UTF-8 with BOM, formulas quoted)",
    response_class=Response,
)
async def registrations_csv(
    gathering_id: str, caller: AgencyStaff, service: GatheringsDep, directory: PeerDirectoryDep
) -> Response:
    out = await gathering_out(await service.seen(gathering_id, caller), caller, directory, service.clock())
    yes_no = {True: "oui", False: "non"}
    presence = {True: "présent(e)", False: "absent(e)", None: ""}
    rows = [
        (p.name, yes_no[p.invited], yes_no[p.registered], presence[p.present], out.title, out.when) for p in out.people
    ]
    filename = f"inscrits-{out.starts_at.date().isoformat()}.csv"
    return Response(
        spreadsheet_csv(CSV_HEADER, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class BeneficiaryGathering(GatheringSummary):
    invited: bool
    registered: bool
    present: bool | None


@router.get(
    "/beneficiaries/{beneficiary_id}/gatherings",
    summary="The gatherings a beneficiary of your agency is invited or registered to",
)
async def of_beneficiary(
    beneficiary_id: str, caller: AgencyStaff, service: GatheringsDep
) -> list[BeneficiaryGathering]:
    out = []
    for g in await service.of_beneficiary(beneficiary_id, caller):
        registration, invitation = g.registration_of(beneficiary_id), g.invitation_of(beneficiary_id)
        if caller.agency_id not in {e.agency_id for e in (registration, invitation) if e is not None}:
            continue  # another agency's beneficiary in a region-wide gathering
        out.append(
            BeneficiaryGathering(
                **summary_of(g, caller.agency_id),
                invited=invitation is not None,
                registered=registration is not None,
                present=registration.present if registration else None,
            )
        )
    return out


def _aware(moment: datetime) -> datetime:
    """A time without its offset is Paris time (what the console's date and time inputs give)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)
