"""A beneficiary's life cycle in one pure function: the TRANSITIONS table says whether a step may be taken
from a status and by whom, the command says what changes, and `decide` returns the changed beneficiary with
its events.

    active: changed, leaves matching (consent ran out), records what was lived
    active -> closed             (the accompaniment ends, with its outcome)
    closed: still records what was lived
    active | closed -> erased    (personal data rights)"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import BeneficiaryClosedV1, ClosingOutcome, PersonKind
from services.profiles.domain.access import Actor
from services.profiles.domain.beneficiary import (
    Beneficiary,
    Identity,
    InvalidBeneficiary,
    LivedStep,
    Project,
    Status,
    check,
    normalize,
    project_changed,
)
from services.profiles.domain.erasure import erased_event
from services.profiles.domain.events import event
from services.profiles.domain.lifecycle import Rule, rule_for


class Action(StrEnum):
    CHANGE = "change"
    CLOSE = "close"
    LEAVE_MATCHING = "leave_matching"
    RECORD_LIVED_STEP = "record_lived_step"
    ERASE = "erase"


@dataclass(frozen=True)
class Change:
    """What the counsellor changes; None keeps what is there."""

    identity: Identity | None = None
    project: Project | None = None
    counsellor_id: str | None = None
    action: ClassVar[Action] = Action.CHANGE


@dataclass(frozen=True)
class Close:
    outcome: ClosingOutcome
    note: str = ""
    action: ClassVar[Action] = Action.CLOSE


@dataclass(frozen=True)
class LeaveMatching:
    """The matching consent ran out (or was withdrawn): the accompaniment goes on without peers."""

    action: ClassVar[Action] = Action.LEAVE_MATCHING


@dataclass(frozen=True)
class RecordLivedStep:
    step: LivedStep
    action: ClassVar[Action] = Action.RECORD_LIVED_STEP


@dataclass(frozen=True)
class Erase:
    action: ClassVar[Action] = Action.ERASE


Command = Change | Close | LeaveMatching | RecordLivedStep | Erase

_AGENCY = frozenset({Actor.AGENCY_STAFF})
_PLATFORM = frozenset({Actor.PLATFORM})

TRANSITIONS: dict[tuple[Status, Action], Rule[Status]] = {
    (Status.ACTIVE, Action.CHANGE): Rule(Status.ACTIVE, _AGENCY),
    (Status.ACTIVE, Action.CLOSE): Rule(Status.CLOSED, _AGENCY),
    (Status.ACTIVE, Action.LEAVE_MATCHING): Rule(Status.ACTIVE, _PLATFORM),
    (Status.ACTIVE, Action.RECORD_LIVED_STEP): Rule(Status.ACTIVE, _PLATFORM),
    (Status.ACTIVE, Action.ERASE): Rule(Status.ERASED, _AGENCY),
    (Status.CLOSED, Action.RECORD_LIVED_STEP): Rule(Status.CLOSED, _PLATFORM),
    (Status.CLOSED, Action.ERASE): Rule(Status.ERASED, _AGENCY),
}

# what the agency reads when a step is refused (the field is "status")
REFUSALS: dict[tuple[Status, Action], str] = {
    (Status.CLOSED, Action.CHANGE): "Cet accompagnement est clos : le dossier ne change plus.",
    (Status.CLOSED, Action.CLOSE): "Cet accompagnement est déjà clos.",
    (Status.CLOSED, Action.LEAVE_MATCHING): "Cet accompagnement est clos : il n'est déjà plus proposé aux pairs.",
    **{(Status.ERASED, action): "Ce dossier a été effacé." for action in Action},
}


def decide(
    beneficiary: Beneficiary, command: Command, actor: Actor, now: datetime
) -> tuple[Beneficiary, list[Envelope]]:
    """The beneficiary after the command, with the events to publish; the same beneficiary and no event when
    the command changes nothing (a step already recorded, a consent already out of matching).
    InvalidBeneficiary when the step is refused from the beneficiary's status."""
    if rule_for(TRANSITIONS, beneficiary.status, command.action, actor) is None:
        raise InvalidBeneficiary([("status", REFUSALS[(beneficiary.status, command.action)])])
    match command:
        case Change(identity, project, counsellor_id):
            return _change(beneficiary, identity, project, counsellor_id)
        case Close(outcome, note):
            return _close(beneficiary, outcome, note)
        case LeaveMatching():
            return _leave_matching(beneficiary)
        case RecordLivedStep(step):
            return _record(beneficiary, step)
        case Erase():
            erased = replace(beneficiary, status=Status.ERASED, version=beneficiary.version + 1, erased_at=now)
            kind = PersonKind.BENEFICIARY
            return erased, [erased_event(erased.beneficiary_id, kind, erased.agency_id, erased.version)]


def _change(
    beneficiary: Beneficiary, identity: Identity | None, project: Project | None, counsellor_id: str | None
) -> tuple[Beneficiary, list[Envelope]]:
    """Identity changes stay here; a changed project (or counsellor, or coming of age) is announced."""
    new_identity = identity or beneficiary.identity
    new_project = normalize(project) if project is not None else beneficiary.project
    check(new_identity, new_project)
    changed = replace(
        beneficiary,
        identity=new_identity,
        project=new_project,
        counsellor_id=counsellor_id or beneficiary.counsellor_id,
        version=beneficiary.version + 1,
    )
    announced = (
        changed.project != beneficiary.project
        or changed.counsellor_id != beneficiary.counsellor_id
        or changed.minor != beneficiary.minor
    )
    return changed, [project_changed(changed)] if announced else []


def _close(beneficiary: Beneficiary, outcome: ClosingOutcome, note: str) -> tuple[Beneficiary, list[Envelope]]:
    """The outcome travels as a code; the counsellor's note stays here."""
    closed = replace(
        beneficiary,
        status=Status.CLOSED,
        outcome=outcome.value,
        outcome_note=" ".join(note.split()),
        version=beneficiary.version + 1,
    )
    payload = BeneficiaryClosedV1(beneficiary_id=closed.beneficiary_id, agency_id=closed.agency_id, outcome=outcome)
    return closed, [
        event(
            "profiles.beneficiary.closed",
            "beneficiary",
            closed.beneficiary_id,
            closed.version,
            closed.agency_id,
            payload,
        )
    ]


def _leave_matching(beneficiary: Beneficiary) -> tuple[Beneficiary, list[Envelope]]:
    if not beneficiary.consent.matching:
        return beneficiary, []
    changed = replace(
        beneficiary, consent=replace(beneficiary.consent, matching=False), version=beneficiary.version + 1
    )
    return changed, [project_changed(changed)]


def _record(beneficiary: Beneficiary, step: LivedStep) -> tuple[Beneficiary, list[Envelope]]:
    """The step in date order, once (events come twice); a closed accompaniment still records what was lived.
    Nothing is announced: the step came from another service's event."""
    if any(s.source_id == step.source_id for s in beneficiary.path):
        return beneficiary, []
    path = tuple(sorted((*beneficiary.path, step), key=lambda s: (s.start_date, s.source_id)))
    return replace(beneficiary, path=path, version=beneficiary.version + 1), []
