"""The life cycle of a convention in pure functions: `draft` makes one, `decide` takes a command on one and
gives the changed convention with its events. The TRANSITIONS table (`domain/lifecycle.py`) says whether
a step may be taken and by whom; this module says what the step changes. No I/O: what the rules read
besides the convention (the agency's validation mode, the beneficiary's other conventions, the key that
signs links) comes in as `Facts` (`domain/commands.py`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events.placements import LinkPurpose, PartyRole, ReminderKind
from services.contracts.links import convention_link
from services.kit.domain import InvalidInput
from services.placements.domain import limits
from services.placements.domain.age import age_problems
from services.placements.domain.commands import (
    CHECKS_LIMITS,
    Command,
    Edit,
    Erase,
    Facts,
    Remind,
    Renew,
    ResendLink,
    Take,
)
from services.placements.domain.convention import (
    PLATFORM,
    Approval,
    Beneficiary,
    Convention,
    Entry,
    Link,
    Party,
    Reason,
    Refused,
    end_of_day,
    missing_signatures,
    next_due_at,
    same_host_problems,
    stay_of,
    token_hash,
)
from services.placements.domain.events import (
    LINK_ISSUED,
    assessment_fields,
    contacts_event,
    link_issued_event,
    reminder_event,
    step_event,
)
from services.placements.domain.lifecycle import (
    NEEDS_REASON,
    STATUS_LABELS,
    STEP_OF_ACTION,
    Action,
    Actor,
    RefusedTransition,
    Status,
    Validation,
    next_status,
    waiting_for,
)
from services.placements.domain.party_links import possible
from services.placements.domain.reminders import Reminder
from services.placements.domain.terms import (
    ERASED,
    ROLE_LABELS,
    Person,
    Terms,
    assessment_problems,
    signatories,
    terms_problems,
)
from services.placements.domain.working_days import today_in_france

ASSESSMENT_LINK_DAYS = 60
RESEND_MINIMUM = timedelta(days=2)

Events = list[Envelope]


def draft(
    convention_id: str,
    beneficiary: Beneficiary,
    staff_id: str,
    terms: Terms,
    now: datetime,
    others: tuple[Convention, ...] = (),
    renewal_of: str | None = None,
) -> tuple[Convention, Events]:
    """A new convention, a draft, checked against the legal limits with the beneficiary's `others`."""
    if not beneficiary.active:
        raise Refused("L'accompagnement de ce bénéficiaire est clos.", code="accompaniment_closed")
    today = today_in_france(now)
    problems = terms_problems(terms, beneficiary.minor, today)
    problems += age_problems(beneficiary.minor, beneficiary.birth_date, terms.start_date)
    problems += same_host_problems(convention_id, terms, renewal_of, others)
    if problems:
        raise InvalidInput(problems)
    convention = Convention(
        id=convention_id,
        agency_id=beneficiary.agency_id,
        beneficiary_id=beneficiary.beneficiary_id,
        counsellor_id=beneficiary.counsellor_id or staff_id,
        created_by=staff_id,
        minor=beneficiary.minor,
        status=Status.DRAFT,
        terms=terms,
        created_at=now,
        version=1,
        renewal_of=renewal_of,
        history=(Entry("draft", staff_id, None, Status.DRAFT, now),),
    )
    convention = replace(convention, next_due_at=next_due_at(convention, today))
    drafted = step_event(convention, "drafted", None, "draft", Actor.COUNSELLOR, {})
    return convention, [drafted, contacts_event(convention)]


def renewal_terms(original: Convention, start: date, end: date, validation: Validation) -> Terms:
    """The terms of a renewal for new dates, once the table and the limits allow it (409, 422 otherwise)."""
    next_status(original.status, Action.RENEW, frozenset({Actor.COUNSELLOR}), validation)  # 409 unless assessed
    stay = stay_of(original)
    assert stay is not None  # an assessed convention counts
    objectives_met = original.assessment.objectives_met if original.assessment else None
    problems = limits.renewal_problems(stay, objectives_met, 1 if original.renewal_id else 0)
    if problems:
        raise InvalidInput(problems)
    return original.terms.model_copy(update={"start_date": start, "end_date": end})


def decide(
    convention: Convention, command: Command, actor: Party, now: datetime, facts: Facts | None = None
) -> tuple[Convention, Events]:
    """The convention after `command` by `actor` at `now`, with its events, or an error saying why not:
    RefusedTransition (the table), Refused (the state of things), InvalidInput (what was given)."""
    facts = facts or Facts()
    since: date | None = today_in_france(now)
    match command:
        case Take():
            changed, events = _take(convention, command, actor, now, facts)
        case Edit(terms=terms):
            changed, events = _edit(convention, terms, actor, now, facts)
            since = None
        case Renew(renewal_id=renewal_id):
            changed, events = _renew(convention, renewal_id, actor, now, facts)
        case Remind(reminders=reminders):
            changed, events = _remind(convention, reminders, now, facts)
        case ResendLink(role=role):
            changed, events = _resend(convention, role, actor, now, facts)
        case Erase():
            return _erase(convention, now, facts)
    return replace(changed, next_due_at=next_due_at(changed, since)), events


def _entry(action: str, actor: Party, previous: Status | None, status: Status, now: datetime) -> Entry:
    return Entry(action, actor.by, previous, status, now)


def _issue_link(
    convention: Convention,
    role: PartyRole,
    purpose: LinkPurpose,
    expires_at: datetime,
    facts: Facts,
    reissued: bool = False,
) -> tuple[Convention, Envelope]:
    """A new link for `role`, replacing any earlier one: only its hash is kept; notifications signs the same
    token from the event and the shared key."""
    link_id = facts.new_link_id()
    token = convention_link(facts.link_key, convention.id, role.value, link_id, expires_at)
    link = Link(link_id, token_hash(token), purpose, expires_at)
    changed = replace(convention, links={**convention.links, role: link})
    return changed, link_issued_event(changed, role, link_id, purpose, expires_at, reissued)


def _still_within_limits(convention: Convention, facts: Facts, now: datetime) -> None:
    """Sending and validating check the limits again: other conventions or the date may have moved on."""
    terms = convention.terms
    problems = same_host_problems(convention.id, terms, convention.renewal_of, facts.others)
    problems += limits.period_problems(terms.start_date, terms.end_date, today_in_france(now))
    if problems:
        raise Refused(" ".join(what for _, what in problems), code="limits_exceeded", field=problems[0][0])


def _take(
    convention: Convention, command: Take, actor: Party, now: datetime, facts: Facts
) -> tuple[Convention, Events]:
    action, used_link = command.action, command.used_link
    if action is Action.SIGN and used_link is not None and len(missing_signatures(convention)) == 1:
        action = Action.SIGN_LAST
    current = convention.status
    target = next_status(current, action, actor.actors, facts.validation)
    if action in NEEDS_REASON and not command.reason:
        raise InvalidInput([("reason", "Indiquez un motif (et une précision pour « autre »).")])
    if command.reason == "other" and not command.note.strip():
        raise InvalidInput([("note", "Le motif « autre » demande une précision.")])
    changed = replace(convention, status=target, updated_at=now, version=convention.version + 1)
    issued: list[tuple[PartyRole, LinkPurpose, datetime]] = []
    extra: dict[str, Any] = {}
    terms = convention.terms
    if action in CHECKS_LIMITS:
        _still_within_limits(convention, facts, now)
    if action is Action.SEND:
        issued.append((PartyRole.EMPLOYER, LinkPurpose.CONFIRM, end_of_day(terms.start_date)))
    elif action is Action.CONFIRM:
        issued += [(role, LinkPurpose.SIGN, end_of_day(terms.start_date)) for role in signatories(terms)]
    elif action in (Action.SIGN, Action.SIGN_LAST):
        assert used_link is not None
        changed = replace(changed, signatures={**convention.signatures, used_link: now})
        extra = {"signed_by": used_link, "all_signed": action is Action.SIGN_LAST}
    elif action is Action.REVISE:
        changed = replace(changed, signatures={}, links={}, reminders_sent=())
    elif action is Action.VALIDATE and convention.pre_validated and actor.by == convention.pre_validated.by:
        raise Refused("La validation revient à une autre personne que la pré-validation.", code="same_person_validates")
    elif action is Action.SUBMIT_ASSESSMENT:
        assert command.assessment is not None
        problems = assessment_problems(command.assessment, terms.start_date, terms.end_date)
        if problems:
            raise InvalidInput(problems)
        changed = replace(changed, assessment=command.assessment)
        issued.append((PartyRole.BENEFICIARY, LinkPurpose.AGREE, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
    elif action is Action.CONTEST_ASSESSMENT:
        issued.append((PartyRole.TUTOR, LinkPurpose.ASSESS, now + timedelta(days=ASSESSMENT_LINK_DAYS)))
    if action is Action.PRE_VALIDATE:
        changed = replace(changed, pre_validated=Approval(actor.by, now))
    if action is Action.VALIDATE:
        changed = replace(changed, validated=Approval(actor.by, now))
    if action in (Action.SUBMIT_ASSESSMENT, Action.AGREE_ASSESSMENT) and changed.assessment is not None:
        extra |= assessment_fields(changed.assessment, terms.rome_code)
    if command.reason:
        changed = replace(changed, reason=Reason(command.reason, command.note, actor.by, now))
        extra["reason"] = command.reason
    if used_link is not None:
        link = changed.links[used_link]
        changed = replace(
            changed,
            links={**changed.links, used_link: replace(link, used_at=now)},
            used_links=(*convention.used_links, link.hash),
        )
    changed = replace(changed, history=(*convention.history, _entry(action.value, actor, current, target, now)))
    unsigned = tuple(r.value for r in missing_signatures(changed))
    extra["waiting_for"] = waiting_for(target, facts.validation, unsigned)
    who = Actor.SYSTEM if Actor.SYSTEM in actor.actors else min(actor.actors)
    events = [step_event(changed, STEP_OF_ACTION[action], current.value, action.value, who, extra)]
    for role, purpose, expires_at in issued:
        changed, issued_event = _issue_link(changed, role, purpose, expires_at, facts)
        events.append(issued_event)
    return changed, events


def _edit(convention: Convention, terms: Terms, actor: Party, now: datetime, facts: Facts) -> tuple[Convention, Events]:
    if convention.status is not Status.DRAFT:
        raise Refused(
            "Seul un brouillon se modifie : reprenez d'abord la convention pour modification.", code="not_a_draft"
        )
    problems = terms_problems(terms, convention.minor, today_in_france(now))
    problems += age_problems(convention.minor, facts.birth_date, terms.start_date)
    problems += same_host_problems(convention.id, terms, convention.renewal_of, facts.others)
    if convention.renewal_of:
        kept = convention.terms
        if terms.objective != kept.objective:
            problems.append(("objective", "Un renouvellement garde l'objectif de la convention qu'il renouvelle."))
        if terms.host.siret != kept.host.siret:
            problems.append(
                (
                    "host.siret",
                    "Un renouvellement se fait avec l'entreprise d'accueil de la convention qu'il renouvelle.",
                )
            )
    if problems:
        raise InvalidInput(problems)
    changed = replace(convention, terms=terms, updated_at=now, updated_by=actor.by, version=convention.version + 1)
    return changed, [contacts_event(changed)]


def _renew(
    original: Convention, renewal_id: str, actor: Party, now: datetime, facts: Facts
) -> tuple[Convention, Events]:
    current = original.status
    target = next_status(current, Action.RENEW, actor.actors, facts.validation)
    changed = replace(
        original,
        status=target,
        renewal_id=renewal_id,
        updated_at=now,
        history=(*original.history, _entry(Action.RENEW.value, actor, current, target, now)),
        version=original.version + 1,
    )
    extra = {"renewal_id": renewal_id}
    return changed, [step_event(changed, "renewed", current.value, Action.RENEW.value, Actor.COUNSELLOR, extra)]


def _remind(
    convention: Convention, reminders: tuple[Reminder, ...], now: datetime, facts: Facts
) -> tuple[Convention, Events]:
    """The reminders' events; a tutor asked for the assessment gets a link if theirs is missing or served."""
    sent = (*convention.reminders_sent, *(r.key for r in reminders))
    changed = replace(convention, reminders_sent=sent, version=convention.version + 1)
    events: Events = []
    tutor = convention.links.get(PartyRole.TUTOR)
    for reminder in reminders:
        if reminder.kind is ReminderKind.ASSESSMENT_REQUEST and (tutor is None or tutor.used_at):
            expires_at = now + timedelta(days=ASSESSMENT_LINK_DAYS)
            changed, issued = _issue_link(changed, PartyRole.TUTOR, LinkPurpose.ASSESS, expires_at, facts)
            events.append(issued)
        events.append(reminder_event(changed, reminder))
    return changed, events


def _resend(
    convention: Convention, role: PartyRole, actor: Party, now: datetime, facts: Facts
) -> tuple[Convention, Events]:
    """The same purpose again, with a new link: the old one stops working."""
    current = convention.links.get(role)
    if convention.erased or current is None or current.used_at is not None:
        raise Refused(
            f"Aucun lien n'attend de réponse ({ROLE_LABELS[role].lower()}) sur cette convention.",
            code="no_link_waiting",
        )
    if not possible(convention, role, current.purpose):
        raise Refused(
            f"Le lien ({ROLE_LABELS[role].lower()}) n'a plus rien à faire : la convention est "
            f"« {STATUS_LABELS[convention.status].lower()} ».",
            code="link_nothing_to_do",
        )
    expires_at = max(current.expires_at.astimezone(UTC), now + RESEND_MINIMUM)
    resent = Entry("resend_link", actor.by, None, convention.status, now, role=role)
    changed = replace(convention, updated_at=now, history=(*convention.history, resent), version=convention.version + 1)
    changed, issued = _issue_link(changed, role, current.purpose, expires_at, facts, reissued=True)
    return changed, [issued]


# The terms' free text may name the beneficiary in any spelling (a first name, a nickname): it goes whole.
FREE_TEXT_ERASED: dict[str, Any] = {
    "tasks": ERASED,
    "evaluation": ERASED,
    "operational_objectives": [ERASED],
    "workplace": "",
}


def _erase(convention: Convention, now: datetime, facts: Facts) -> tuple[Convention, Events]:
    """One change: the cancellation (if the convention is open), the scrubbing, and the new contact points
    (the events of links issued meanwhile go: no link works on an erased convention)."""
    try:
        changed, events = _take(convention, Take(Action.CANCEL, reason="erasure"), PLATFORM, now, facts)
    except RefusedTransition:  # completed, assessed or ended: nothing to cancel
        changed, events = replace(convention, version=convention.version + 1), []
    erased = Person(first_name=ERASED, last_name=ERASED, email="", phone="")
    assessment = changed.assessment
    if assessment is not None:
        assessment = assessment.model_copy(update={"comments": "", "no_show_reason": "", "skills_observed": []})
    scrubbed = replace(
        changed,
        terms=changed.terms.model_copy(
            update={"beneficiary": erased, "legal_representative": None, **FREE_TEXT_ERASED}
        ),
        assessment=assessment,
        reason=replace(changed.reason, note="") if changed.reason else None,
        links={},
        erased=True,
        next_due_at=None,
    )
    kept = [e for e in events if e.event_type != LINK_ISSUED]
    return scrubbed, [*kept, contacts_event(scrubbed)]
