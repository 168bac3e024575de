"""A gathering: a forum, a fair (*salon*), a company open day (*journée portes ouvertes*) or an information
session that an agency publishes for the jobs it concerns. Counsellors invite and register beneficiaries
whose target jobs meet those jobs, peers volunteer to witness for their job, and attendance is recorded
once it has begun. Pure: the life cycle is the TRANSITIONS table read by `decide(gathering, command,
actor, now) -> (gathering, events)`; capacity is a rule of the one document (its version guards it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from services.contracts.envelope import Envelope
from services.contracts.events import gatherings as contract
from services.contracts.events.gatherings import GatheringKind, Visibility
from services.kit.domain import Conflict, InvalidInput
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.events import event

TOPIC = "matching.gathering"
AGGREGATE = "gathering"
MAX_CAPACITY = 5000
MAX_JOBS = 10

KIND_LABELS: dict[GatheringKind, str] = {
    GatheringKind.FORUM: "Forum",
    GatheringKind.FAIR: "Salon",
    GatheringKind.OPEN_DAY: "Journée portes ouvertes en entreprise",
    GatheringKind.INFORMATION_SESSION: "Réunion d'information",
}
VISIBILITY_LABELS: dict[Visibility, str] = {
    Visibility.AGENCY: "Notre structure",
    Visibility.REGION: "Toutes les structures de la région",
}


class Status(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    HELD = "held"  # its attendance recorded


STATUS_LABELS: dict[Status, str] = {
    Status.PUBLISHED: "Publié",
    Status.CANCELLED: "Annulé",
    Status.HELD: "Présences relevées",
}

# (from, action) -> (to, who may take it): the API, the pages and the tests read this one table
TRANSITIONS: dict[tuple[Status, str], tuple[Status, frozenset[Actor]]] = {
    (Status.PUBLISHED, "invite"): (Status.PUBLISHED, frozenset({Actor.COUNSELLOR})),
    (Status.PUBLISHED, "register"): (Status.PUBLISHED, frozenset({Actor.COUNSELLOR})),
    (Status.PUBLISHED, "unregister"): (Status.PUBLISHED, frozenset({Actor.COUNSELLOR})),
    (Status.PUBLISHED, "volunteer"): (Status.PUBLISHED, frozenset({Actor.COUNSELLOR, Actor.PEER})),
    (Status.PUBLISHED, "remind"): (Status.PUBLISHED, frozenset({Actor.SYSTEM})),
    (Status.PUBLISHED, "cancel"): (Status.CANCELLED, frozenset({Actor.COUNSELLOR})),
    (Status.PUBLISHED, "record_attendance"): (Status.HELD, frozenset({Actor.COUNSELLOR})),
    (Status.HELD, "record_attendance"): (Status.HELD, frozenset({Actor.COUNSELLOR})),
    **{(status, "erase"): (status, frozenset({Actor.SYSTEM})) for status in Status},
}

REFUSED_IN: dict[Status, str] = {
    Status.CANCELLED: "Cet événement a été annulé.",
    Status.HELD: "Cet événement a eu lieu : seules les présences peuvent encore être relevées.",
    Status.PUBLISHED: "Cet événement n'a pas encore eu lieu.",
}


class GatheringRefused(Conflict):
    """The gathering's state forbids this step (409), said in French."""


@dataclass(frozen=True)
class Details:
    kind: GatheringKind
    title: str
    description: str
    starts_at: datetime  # aware
    ends_at: datetime
    place_id: str
    address: str
    jobs: tuple[str, ...]
    capacity: int
    visibility: Visibility


@dataclass(frozen=True)
class Candidate:
    """A beneficiary as matching knows them (its projection): enough to invite or register them."""

    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    target_jobs: tuple[str, ...]


@dataclass(frozen=True)
class Invitation:
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    invited_at: datetime


@dataclass(frozen=True)
class Registration:
    id: str  # its own id: what the dashboard's count keeps, naming no one
    beneficiary_id: str
    agency_id: str
    counsellor_id: str
    registered_at: datetime
    present: bool | None = None  # None until attendance is recorded


@dataclass(frozen=True)
class Witness:
    peer_id: str
    agency_id: str
    job: str
    by: Actor
    volunteered_at: datetime


@dataclass(frozen=True)
class Gathering:
    id: str
    agency_id: str
    region_code: str
    organiser_id: str
    details: Details
    status: Status
    version: int
    published_at: datetime
    sequence: int = 0
    reminded: bool = False
    invitations: tuple[Invitation, ...] = ()
    registrations: tuple[Registration, ...] = ()
    witnesses: tuple[Witness, ...] = ()

    @property
    def places_left(self) -> int:
        return max(0, self.details.capacity - len(self.registrations))

    @property
    def remind_at(self) -> datetime | None:
        """The day before, while a reminder is still to send."""
        if self.status is not Status.PUBLISHED or self.reminded:
            return None
        return self.details.starts_at - timedelta(days=1)

    @property
    def person_ids(self) -> list[str]:
        """Everyone it holds data of (an erasure finds it by them)."""
        people = [i.beneficiary_id for i in self.invitations] + [r.beneficiary_id for r in self.registrations]
        return sorted(set(people) | {w.peer_id for w in self.witnesses})

    def registration_of(self, beneficiary_id: str) -> Registration | None:
        return next((r for r in self.registrations if r.beneficiary_id == beneficiary_id), None)

    def invitation_of(self, beneficiary_id: str) -> Invitation | None:
        return next((i for i in self.invitations if i.beneficiary_id == beneficiary_id), None)


# -- rules ----------------------------------------------------------------------------------------


def visible_to(gathering: Gathering, agency_id: str, region_code: str) -> bool:
    """Its agency sees it; a region-wide one, every agency of its region."""
    if gathering.agency_id == agency_id:
        return True
    return gathering.details.visibility is Visibility.REGION and gathering.region_code == region_code


def shared_jobs(target_jobs: Iterable[str], jobs: Iterable[str]) -> list[str]:
    """The gathering's jobs a person aims at (or has practised), in the gathering's order."""
    wanted = set(target_jobs)
    return [job for job in jobs if job in wanted]


def matches(candidate: Candidate, gathering: Gathering) -> bool:
    return bool(shared_jobs(candidate.target_jobs, gathering.details.jobs))


def attendance_open(gathering: Gathering, now: datetime) -> bool:
    """Attendance is recorded once the gathering has begun."""
    return now >= gathering.details.starts_at


def check_details(
    details: Details, now: datetime, known_job: Callable[[str], bool], known_place: Callable[[str], bool]
) -> None:
    """Every problem of a publication at once (422 with each field)."""
    problems: list[tuple[str, str]] = []
    if not details.title.strip():
        problems.append(("title", "Donnez un titre à l'événement."))
    if details.starts_at <= now:
        problems.append(("starts_at", "L'événement doit commencer dans le futur."))
    if details.ends_at <= details.starts_at:
        problems.append(("ends_at", "La fin doit suivre le début."))
    elif details.ends_at - details.starts_at > timedelta(days=3):
        problems.append(("ends_at", "Un événement dure au plus trois jours."))
    if not 1 <= details.capacity <= MAX_CAPACITY:
        problems.append(("capacity", f"Indiquez une valeur entre 1 et {MAX_CAPACITY}."))
    if not 1 <= len(details.jobs) <= MAX_JOBS:
        problems.append(("jobs", f"Choisissez entre 1 et {MAX_JOBS} métiers."))
    unknown = [job for job in details.jobs if not known_job(job)]
    if unknown:
        problems.append(("jobs", f"Code ROME inconnu : {', '.join(unknown)}."))
    if not known_place(details.place_id):
        problems.append(("place_id", "Choisissez une commune dans la liste."))
    if not details.address.strip():
        problems.append(("address", "Indiquez l'adresse où l'on se retrouve."))
    if problems:
        raise InvalidInput(problems)


# -- commands -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    candidate: Candidate
    action = "invite"


@dataclass(frozen=True)
class Register:
    candidate: Candidate
    registration_id: str
    action = "register"


@dataclass(frozen=True)
class Unregister:
    beneficiary_id: str
    action = "unregister"


@dataclass(frozen=True)
class Volunteer:
    peer_id: str
    peer_agency_id: str
    peer_jobs: tuple[str, ...]
    action = "volunteer"


@dataclass(frozen=True)
class Remind:
    action = "remind"


@dataclass(frozen=True)
class Cancel:
    action = "cancel"


@dataclass(frozen=True)
class RecordAttendance:
    present: dict[str, bool]  # beneficiary id -> present, for registered beneficiaries
    action = "record_attendance"


@dataclass(frozen=True)
class Erase:
    person_id: str
    action = "erase"


Command = Invite | Register | Unregister | Volunteer | Remind | Cancel | RecordAttendance | Erase


def allowed_actions(status: Status, actor: Actor) -> list[str]:
    return [action for (source, action), (_, who) in TRANSITIONS.items() if source is status and actor in who]


def publish(
    gathering_id: str, agency_id: str, region_code: str, organiser_id: str, details: Details, now: datetime
) -> tuple[Gathering, list[Envelope]]:
    gathering = Gathering(gathering_id, agency_id, region_code, organiser_id, details, Status.PUBLISHED, 1, now)
    payload = contract.GatheringPublishedV1(**_common(gathering), capacity=details.capacity, place_id=details.place_id)
    return gathering, [_event(gathering, "published", payload)]


def decide(gathering: Gathering, command: Command, actor: Actor, now: datetime) -> tuple[Gathering, list[Envelope]]:
    found = TRANSITIONS.get((gathering.status, command.action))
    if found is None:
        raise GatheringRefused(REFUSED_IN[gathering.status], code="gathering_wrong_status")
    target, allowed = found
    if actor not in allowed:
        raise NotYours(f"{actor} may not {command.action} a gathering")
    if command.action in {"invite", "register", "volunteer", "unregister"} and now >= gathering.details.starts_at:
        raise GatheringRefused("Cet événement a commencé : les inscriptions sont closes.", code="gathering_started")
    changed, payload = _apply(gathering, command, actor, now)
    changed = replace(changed, status=target, version=gathering.version + 1)
    if payload is None:
        return changed, []
    return changed, [_event(changed, _STEPS[command.action], payload)]


_STEPS = {
    "invite": "invited",
    "register": "registered",
    "unregister": "unregistered",
    "volunteer": "witness_volunteered",
    "remind": "reminder_due",
    "cancel": "cancelled",
    "record_attendance": "attendance_recorded",
}


def _apply(g: Gathering, command: Command, actor: Actor, now: datetime) -> tuple[Gathering, BaseModel | None]:
    match command:
        case Invite(candidate=c):
            if not matches(c, g):
                raise GatheringRefused(
                    "Aucun des métiers visés par ce bénéficiaire n'est concerné par cet événement.",
                    code="gathering_jobs_unmatched",
                )
            if g.invitation_of(c.beneficiary_id):
                raise GatheringRefused("Ce bénéficiaire est déjà invité.", code="gathering_already_invited")
            changed = replace(g, invitations=(*g.invitations, Invitation(*_who(c), now)))
            payload: BaseModel = contract.GatheringInvitedV1(
                **_common(changed),
                beneficiary_id=c.beneficiary_id,
                counsellor_id=c.counsellor_id,
                attendees=[contract.Attendee(beneficiary_id=c.beneficiary_id, agency_id=c.agency_id)],
            )
            return changed, payload
        case Register(candidate=c, registration_id=registration_id):
            if g.registration_of(c.beneficiary_id):
                raise GatheringRefused("Ce bénéficiaire est déjà inscrit.", code="gathering_already_registered")
            if g.places_left == 0:
                raise GatheringRefused(
                    "Il n'y a plus de place : l'événement est complet.", code="gathering_full", field="capacity"
                )
            changed = replace(g, registrations=(*g.registrations, Registration(registration_id, *_who(c), now)))
            payload = contract.GatheringRegisteredV1(
                **_common(changed),
                beneficiary_id=c.beneficiary_id,
                beneficiary_agency_id=c.agency_id,
                counsellor_id=c.counsellor_id,
                places_left=changed.places_left,
            )
            return changed, payload
        case Unregister(beneficiary_id=beneficiary_id):
            registration = g.registration_of(beneficiary_id)
            if registration is None:
                raise GatheringRefused("Ce bénéficiaire n'est pas inscrit.", code="gathering_not_registered")
            kept = tuple(r for r in g.registrations if r.beneficiary_id != beneficiary_id)
            payload = contract.GatheringUnregisteredV1(
                **_common(g), beneficiary_id=beneficiary_id, beneficiary_agency_id=registration.agency_id
            )
            return replace(g, registrations=kept), payload
        case Volunteer(peer_id=peer_id, peer_agency_id=peer_agency, peer_jobs=peer_jobs):
            jobs = shared_jobs(peer_jobs, g.details.jobs)
            if not jobs:
                raise GatheringRefused(
                    "Ce pair n'a exercé aucun des métiers de cet événement.", code="gathering_jobs_unmatched"
                )
            if any(w.peer_id == peer_id for w in g.witnesses):
                raise GatheringRefused("Ce pair vient déjà témoigner.", code="gathering_already_witness")
            changed = replace(g, witnesses=(*g.witnesses, Witness(peer_id, peer_agency, jobs[0], actor, now)))
            payload = contract.WitnessVolunteeredV1(
                **_common(changed), peer_id=peer_id, job=jobs[0], by=actor.value, witnesses=[peer_id]
            )
            return changed, payload
        case Remind():
            return replace(g, reminded=True), contract.GatheringReminderDueV1(
                **_common(g), attendees=_attendees(g.registrations), witnesses=[w.peer_id for w in g.witnesses]
            )
        case Cancel():
            changed = replace(g, sequence=g.sequence + 1)
            everyone: dict[str, Invitation | Registration] = {i.beneficiary_id: i for i in g.invitations}
            everyone.update({r.beneficiary_id: r for r in g.registrations})
            return changed, contract.GatheringCancelledV1(
                **_common(changed),
                attendees=_attendees(everyone.values()),
                witnesses=[w.peer_id for w in g.witnesses],
            )
        case RecordAttendance(present=present):
            if not attendance_open(g, now):
                raise GatheringRefused(
                    "Les présences se relèvent une fois l'événement commencé.", code="gathering_not_started"
                )
            unknown = set(present) - {r.beneficiary_id for r in g.registrations}
            if unknown or not present:
                raise GatheringRefused(
                    "On relève la présence des seuls bénéficiaires inscrits.", code="gathering_not_registered"
                )
            registrations = tuple(
                replace(r, present=present[r.beneficiary_id]) if r.beneficiary_id in present else r
                for r in g.registrations
            )
            recorded = [r for r in registrations if r.beneficiary_id in present]
            return replace(g, registrations=registrations), contract.AttendanceRecordedV1(
                **_common(g),
                attendances=[
                    contract.Attendance(registration_id=r.id, agency_id=r.agency_id, present=bool(r.present))
                    for r in recorded
                ],
            )
        case Erase(person_id=person_id):
            return replace(
                g,
                invitations=tuple(i for i in g.invitations if i.beneficiary_id != person_id),
                registrations=tuple(r for r in g.registrations if r.beneficiary_id != person_id),
                witnesses=tuple(w for w in g.witnesses if w.peer_id != person_id),
            ), None
    raise AssertionError(command)  # pragma: no cover


def _who(c: Candidate) -> tuple[str, str, str]:
    return c.beneficiary_id, c.agency_id, c.counsellor_id


def _attendees(people: Iterable[Invitation | Registration]) -> list[contract.Attendee]:
    return [contract.Attendee(beneficiary_id=p.beneficiary_id, agency_id=p.agency_id) for p in people]


def _common(g: Gathering) -> dict[str, object]:
    d = g.details
    return {
        "gathering_id": g.id,
        "agency_id": g.agency_id,
        "region_code": g.region_code,
        "visibility": d.visibility,
        "kind": d.kind,
        "jobs": list(d.jobs),
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "sequence": g.sequence,
        "organiser_id": g.organiser_id,
    }


def _event(g: Gathering, step: str, payload: BaseModel) -> Envelope:
    return event(f"{TOPIC}.{step}", AGGREGATE, g.id, g.version, g.agency_id, payload)
