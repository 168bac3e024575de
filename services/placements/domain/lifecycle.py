"""A PMSMP convention's life cycle: the TRANSITIONS table (from, action) -> (to, who may, when), read by
the API, the scheduler, the console and the tests. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SENT_TO_EMPLOYER = "sent_to_employer"
    CONFIRMED_BY_EMPLOYER = "confirmed_by_employer"
    DECLINED_BY_EMPLOYER = "declined_by_employer"
    PARTIALLY_SIGNED = "partially_signed"
    SIGNED = "signed"
    PRE_VALIDATED = "pre_validated"  # first step of a two-step agency
    VALIDATED = "validated"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ASSESSMENT_SUBMITTED = "assessment_submitted"
    ASSESSED = "assessed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    RENEWED = "renewed"
    EXPIRED = "expired"


STATUS_LABELS = {
    Status.DRAFT: "Brouillon",
    Status.SENT_TO_EMPLOYER: "Envoyée à l'entreprise d'accueil",
    Status.CONFIRMED_BY_EMPLOYER: "Confirmée par l'entreprise d'accueil",
    Status.DECLINED_BY_EMPLOYER: "Refusée par l'entreprise d'accueil",
    Status.PARTIALLY_SIGNED: "Partiellement signée",
    Status.SIGNED: "Signée, à valider",
    Status.PRE_VALIDATED: "Pré-validée",
    Status.VALIDATED: "Validée",
    Status.IN_PROGRESS: "En cours",
    Status.COMPLETED: "Terminée, bilan attendu",
    Status.ASSESSMENT_SUBMITTED: "Bilan rempli, accord du bénéficiaire attendu",
    Status.ASSESSED: "Bilan fait",
    Status.REJECTED: "Rejetée",
    Status.CANCELLED: "Annulée",
    Status.RENEWED: "Renouvelée",
    Status.EXPIRED: "Expirée",
}


class Actor(StrEnum):
    COUNSELLOR = "counsellor"
    VALIDATOR = "validator"
    EMPLOYER = "employer"
    TUTOR = "tutor"
    BENEFICIARY = "beneficiary"
    LEGAL_REPRESENTATIVE = "legal_representative"
    SYSTEM = "system"  # the scheduler: start, end, expiry


class Action(StrEnum):
    SEND = "send"
    CONFIRM = "confirm"
    DECLINE = "decline"
    REVISE = "revise"  # back to draft to change it; signatures and links start again
    SIGN = "sign"
    SIGN_LAST = "sign_last"  # the last missing signature
    PRE_VALIDATE = "pre_validate"
    VALIDATE = "validate"
    REJECT = "reject"
    CANCEL = "cancel"
    START = "start"
    END = "end"
    SUBMIT_ASSESSMENT = "submit_assessment"
    AGREE_ASSESSMENT = "agree_assessment"
    CONTEST_ASSESSMENT = "contest_assessment"
    RENEW = "renew"
    EXPIRE = "expire"


# each step as a refusal names it ("Impossible d'envoyer à l'entreprise une convention …")
ACTION_LABELS = {
    Action.SEND: "envoyer à l'entreprise d'accueil",
    Action.CONFIRM: "confirmer",
    Action.DECLINE: "refuser",
    Action.REVISE: "reprendre pour modification",
    Action.SIGN: "signer",
    Action.SIGN_LAST: "signer",
    Action.PRE_VALIDATE: "pré-valider",
    Action.VALIDATE: "valider",
    Action.REJECT: "rejeter",
    Action.CANCEL: "annuler",
    Action.START: "commencer",
    Action.END: "terminer",
    Action.SUBMIT_ASSESSMENT: "remplir le bilan d'",
    Action.AGREE_ASSESSMENT: "approuver le bilan d'",
    Action.CONTEST_ASSESSMENT: "contester le bilan d'",
    Action.RENEW: "renouveler",
    Action.EXPIRE: "faire expirer",
}
ACTOR_LABELS = {
    "counsellor": "le conseiller",
    "validator": "le valideur",
    "employer": "l'entreprise d'accueil",
    "tutor": "le tuteur",
    "beneficiary": "le bénéficiaire",
    "legal_representative": "le représentant légal",
    "system": "la plateforme",
}


def _step_of(action: Action) -> str:
    """`valider une`, `remplir le bilan d'une`: the step before « convention »."""
    label = ACTION_LABELS[action]
    return f"{label}une" if label.endswith("'") else f"{label} une"


def action_label(action: Action) -> str:
    """The step alone: `valider`, `remplir le bilan`."""
    return ACTION_LABELS[action].removesuffix(" d'")


class Validation(StrEnum):
    """How an agency validates: by a validator alone, or a counsellor's pre-validation first."""

    ONE_STEP = "one_step"
    TWO_STEP = "two_step"


@dataclass(frozen=True)
class Rule:
    to: Status
    actors: frozenset[Actor]
    only_for: Validation | None = None  # the agency's validation mode this rule needs


def _rule(to: Status, *actors: Actor, only_for: Validation | None = None) -> Rule:
    return Rule(to, frozenset(actors), only_for)


S, A = Status, Action
STAFF = (Actor.COUNSELLOR, Actor.VALIDATOR)
SIGNATORIES = (Actor.EMPLOYER, Actor.BENEFICIARY, Actor.LEGAL_REPRESENTATIVE)
BEFORE_VALIDATION = (S.DRAFT, S.SENT_TO_EMPLOYER, S.DECLINED_BY_EMPLOYER, S.CONFIRMED_BY_EMPLOYER)
UNSIGNED = (S.SENT_TO_EMPLOYER, S.CONFIRMED_BY_EMPLOYER, S.PARTIALLY_SIGNED, S.SIGNED)

TRANSITIONS: dict[tuple[Status, Action], Rule] = {
    (S.DRAFT, A.SEND): _rule(S.SENT_TO_EMPLOYER, Actor.COUNSELLOR),
    (S.SENT_TO_EMPLOYER, A.CONFIRM): _rule(S.CONFIRMED_BY_EMPLOYER, Actor.EMPLOYER),
    (S.SENT_TO_EMPLOYER, A.DECLINE): _rule(S.DECLINED_BY_EMPLOYER, Actor.EMPLOYER),
    **{(s, A.REVISE): _rule(S.DRAFT, Actor.COUNSELLOR) for s in (*UNSIGNED, S.DECLINED_BY_EMPLOYER, S.PRE_VALIDATED)},
    (S.CONFIRMED_BY_EMPLOYER, A.SIGN): _rule(S.PARTIALLY_SIGNED, *SIGNATORIES),
    (S.CONFIRMED_BY_EMPLOYER, A.SIGN_LAST): _rule(S.SIGNED, *SIGNATORIES),
    (S.PARTIALLY_SIGNED, A.SIGN): _rule(S.PARTIALLY_SIGNED, *SIGNATORIES),
    (S.PARTIALLY_SIGNED, A.SIGN_LAST): _rule(S.SIGNED, *SIGNATORIES),
    (S.SIGNED, A.PRE_VALIDATE): _rule(S.PRE_VALIDATED, Actor.COUNSELLOR, only_for=Validation.TWO_STEP),
    (S.SIGNED, A.VALIDATE): _rule(S.VALIDATED, Actor.VALIDATOR, only_for=Validation.ONE_STEP),
    # not only for two-step agencies: one that switched to one step still validates what was pre-validated
    (S.PRE_VALIDATED, A.VALIDATE): _rule(S.VALIDATED, Actor.VALIDATOR),
    (S.SIGNED, A.REJECT): _rule(S.REJECTED, *STAFF),
    (S.PRE_VALIDATED, A.REJECT): _rule(S.REJECTED, Actor.VALIDATOR),
    **{
        (s, A.CANCEL): _rule(S.CANCELLED, *STAFF)
        for s in (*BEFORE_VALIDATION, S.PARTIALLY_SIGNED, S.SIGNED, S.PRE_VALIDATED, S.VALIDATED, S.IN_PROGRESS)
    },
    (S.VALIDATED, A.START): _rule(S.IN_PROGRESS, Actor.SYSTEM),
    (S.IN_PROGRESS, A.END): _rule(S.COMPLETED, Actor.SYSTEM),
    (S.COMPLETED, A.SUBMIT_ASSESSMENT): _rule(S.ASSESSMENT_SUBMITTED, Actor.TUTOR),
    (S.ASSESSMENT_SUBMITTED, A.AGREE_ASSESSMENT): _rule(S.ASSESSED, Actor.BENEFICIARY),
    (S.ASSESSMENT_SUBMITTED, A.CONTEST_ASSESSMENT): _rule(S.COMPLETED, Actor.BENEFICIARY),
    (S.ASSESSED, A.RENEW): _rule(S.RENEWED, Actor.COUNSELLOR),
    **{(s, A.EXPIRE): _rule(S.EXPIRED, Actor.SYSTEM) for s in (*BEFORE_VALIDATION, *UNSIGNED, S.PRE_VALIDATED)},
}

# the event each action publishes: placements.convention.<step>
STEP_OF_ACTION: dict[Action, str] = {
    A.SEND: "sent",
    A.CONFIRM: "confirmed",
    A.DECLINE: "declined",
    A.REVISE: "revised",
    A.SIGN: "signed",
    A.SIGN_LAST: "signed",
    A.PRE_VALIDATE: "pre_validated",
    A.VALIDATE: "validated",
    A.REJECT: "rejected",
    A.CANCEL: "cancelled",
    A.START: "started",
    A.END: "completed",
    A.SUBMIT_ASSESSMENT: "assessment_submitted",
    A.AGREE_ASSESSMENT: "assessed",
    A.CONTEST_ASSESSMENT: "assessment_contested",
    A.RENEW: "renewed",
    A.EXPIRE: "expired",
}
NEEDS_REASON = frozenset({A.DECLINE, A.REJECT, A.CANCEL, A.CONTEST_ASSESSMENT})
# the host's days count against the legal limits unless the convention ended before it began
COUNTS_FOR_LIMITS = frozenset(set(Status) - {S.DRAFT, S.DECLINED_BY_EMPLOYER, S.REJECTED, S.CANCELLED, S.EXPIRED})
FINAL = frozenset(s for s in Status if not any(frm == s for frm, _ in TRANSITIONS))


class RefusedTransition(Exception):
    """The action is not possible from the current status, or not by this actor (409)."""

    def __init__(self, current: Status, action: Action, allowed: list[Action], why: str) -> None:
        super().__init__(why)
        self.current, self.action, self.allowed = current, action, allowed


class NotYours(RefusedTransition):
    """The action exists from this status but belongs to another party (403)."""


def allowed_actions(current: Status, validation: Validation, actors: frozenset[Actor] | None = None) -> list[Action]:
    """What can happen next (for these actors, if given), in the table's order."""
    return [
        action
        for (frm, action), rule in TRANSITIONS.items()
        if frm == current
        and rule.only_for in (None, validation)
        and (actors is None or rule.actors & actors)
        and action is not Action.SIGN_LAST
    ]


def next_status(current: Status, action: Action, actors: frozenset[Actor], validation: Validation) -> Status:
    """The status after `action` by someone acting as any of `actors`, or RefusedTransition saying why."""
    rule = TRANSITIONS.get((current, action))
    allowed = allowed_actions(current, validation)
    shown = Action.SIGN if action is Action.SIGN_LAST else action
    if rule is None or rule.only_for not in (None, validation):
        listed = ", ".join(action_label(a) for a in allowed) or "rien, c'est un état final"
        status = STATUS_LABELS[current].lower()
        why = f"Impossible de {_step_of(shown)} convention « {status} » : possible maintenant : {listed}."
        raise RefusedTransition(current, action, allowed, why)
    if not rule.actors & actors:
        who = " ou ".join(ACTOR_LABELS.get(a, a) for a in sorted(rule.actors))
        status = STATUS_LABELS[current].lower()
        raise NotYours(current, action, allowed, f"Seuls peuvent {_step_of(shown)} convention « {status} » : {who}.")
    return rule.to


SIDE_ACTIONS = frozenset({Action.CANCEL, Action.REJECT, Action.EXPIRE, Action.DECLINE, Action.CONTEST_ASSESSMENT})


def waiting_for(current: Status, validation: Validation, unsigned: tuple[str, ...]) -> list[str]:
    """Who has to act for the convention to move on: the actors of its forward steps (revising counts only
    when nothing else moves it, as after a decline; time's own steps are nobody's)."""
    forward = [a for a in allowed_actions(current, validation) if a not in SIDE_ACTIONS and a is not Action.RENEW]
    if forward != [Action.REVISE]:
        forward = [a for a in forward if a is not Action.REVISE]
    waiting: list[str] = []
    for action in forward:
        actors = TRANSITIONS[(current, action)].actors - {Actor.SYSTEM}
        if action is Action.SIGN:
            actors = frozenset(a for a in actors if a.value in unsigned)
        waiting += [a.value for a in sorted(actors) if a.value not in waiting]
    return waiting


def waiting_statuses(party: str, validation: Validation) -> tuple[frozenset[Status], frozenset[Status]]:
    """`waiting_for` turned around, for a query: the statuses in which `party` is waited for whatever the
    signatures, and those in which it is only while its own signature is missing."""
    everyone = tuple(a.value for a in SIGNATORIES)
    always = frozenset(s for s in Status if party in waiting_for(s, validation, ()))
    unsigned = frozenset(s for s in Status if party in waiting_for(s, validation, everyone)) - always
    return always, unsigned
