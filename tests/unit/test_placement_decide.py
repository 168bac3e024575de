"""The convention's `decide`, without a database: every (status, action) pair of the TRANSITIONS table,
for each validation mode and each actor, gives the table's status, the step's event and what the step
changes, or is refused with the right error; then what each other command changes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from services.contracts.events.placements import Attendance, LinkPurpose, PartyRole, ReminderKind
from services.kit.domain import InvalidInput
from services.placements.domain.commands import Command, Edit, Erase, Facts, Remind, Renew, ResendLink, Take
from services.placements.domain.convention import (
    PLATFORM,
    SYSTEM,
    Approval,
    Beneficiary,
    Convention,
    Link,
    Party,
    Reason,
    Refused,
    missing_signatures,
)
from services.placements.domain.decide import decide, draft, renewal_terms
from services.placements.domain.lifecycle import (
    STEP_OF_ACTION,
    TRANSITIONS,
    Action,
    Actor,
    NotYours,
    RefusedTransition,
    Status,
    Validation,
    allowed_actions,
)
from services.placements.domain.reminders import Reminder
from services.placements.domain.terms import ERASED, Assessment, LegalRepresentative
from tests.unit.placements_support import a_convention, terms

NOW = datetime(2027, 3, 1, 10, tzinfo=UTC)  # two weeks before the example's start
ASSESSMENT = Assessment.model_validate(
    {"attendance": "completed", "objectives_met": False, "project_conclusion": "adjusted", "comments": "Bien."}
)
ROLES = {role.value for role in PartyRole}
FACTS = Facts(link_key="k" * 32, new_link_id=lambda: "link-new")
ALLOWED = [
    (frm, action, validation)
    for (frm, action), rule in TRANSITIONS.items()
    for validation in Validation
    if rule.only_for in (None, validation)
]
FORBIDDEN = [
    (frm, action, validation)
    for frm, action, validation in itertools.product(Status, Action, Validation)
    if (frm, action, validation) not in ALLOWED
]
ISSUED: dict[Action, list[tuple[PartyRole, LinkPurpose]]] = {
    Action.SEND: [(PartyRole.EMPLOYER, LinkPurpose.CONFIRM)],
    Action.CONFIRM: [(PartyRole.EMPLOYER, LinkPurpose.SIGN), (PartyRole.BENEFICIARY, LinkPurpose.SIGN)],
    Action.SUBMIT_ASSESSMENT: [(PartyRole.BENEFICIARY, LinkPurpose.AGREE)],
    Action.CONTEST_ASSESSMENT: [(PartyRole.TUTOR, LinkPurpose.ASSESS)],
}


def link(purpose: LinkPurpose = LinkPurpose.SIGN, used_at: datetime | None = None) -> Link:
    return Link("link-old", "hash-old", purpose, NOW + timedelta(days=10), used_at)


def in_status(status: Status, action: Action) -> Convention:
    """A convention in `status` holding what `action` reads: a link for every party, an assessment, and for
    the last signature every other signature."""
    signatures = {PartyRole.BENEFICIARY: NOW} if action is Action.SIGN_LAST else {}
    return a_convention(
        status,
        links={role: link() for role in PartyRole},
        assessment=ASSESSMENT,
        signatures=signatures,
        reminders_sent=("validation_pending:-3",),
    )


def command_for(action: Action, actor: Actor | None = None) -> Command:
    if action is Action.RENEW:
        return Renew("renewal-1")
    used_link = PartyRole(actor.value) if actor is not None and actor.value in ROLES else None
    return Take(action, reason="health", assessment=ASSESSMENT, used_link=used_link)


def by(actor: Actor) -> Party:
    return Party(frozenset({actor}), f"{actor.value}-1")


@pytest.mark.parametrize(("current", "action", "validation"), ALLOWED, ids=str)
def test_an_allowed_pair_takes_its_actors_to_the_tables_status_with_its_event(
    current: Status, action: Action, validation: Validation
) -> None:
    rule = TRANSITIONS[(current, action)]
    facts = replace(FACTS, validation=validation)
    for actor in Actor:
        convention = in_status(current, action)
        if actor not in rule.actors:
            with pytest.raises(NotYours) as refused:
                decide(convention, command_for(action, actor), by(actor), NOW, facts)
            assert refused.value.current is current and str(refused.value).startswith("Seuls peuvent")
            continue
        changed, events = decide(convention, command_for(action, actor), by(actor), NOW, facts)
        assert changed.status is rule.to
        assert changed.version == convention.version + 1
        assert changed.history[-1].record() == {
            "action": action.value,
            "by": f"{actor.value}-1",
            "from": current.value,
            "to": rule.to.value,
            "at": NOW,
        }
        step = events[0]
        assert step.event_type == f"placements.convention.{STEP_OF_ACTION[action]}"
        assert step.aggregate_version == changed.version and step.aggregate_id == convention.id
        assert step.payload["status"] == rule.to.value and step.payload["previous_status"] == current.value
        assert step.payload["action"] == action.value
        issued = [(e.payload["role"], e.payload["purpose"]) for e in events[1:]]
        assert issued == [(r.value, p.value) for r, p in ISSUED.get(action, [])]
        for role, _ in ISSUED.get(action, []):
            assert changed.links[role].link_id == "link-new" and changed.links[role].used_at is None


@pytest.mark.parametrize(("current", "action", "validation"), FORBIDDEN, ids=str)
def test_a_forbidden_pair_is_refused_saying_the_status_and_what_is_possible(
    current: Status, action: Action, validation: Validation
) -> None:
    everyone = Party(frozenset(Actor), "everyone")
    with pytest.raises(RefusedTransition) as refused:
        decide(in_status(current, action), command_for(action), everyone, NOW, replace(FACTS, validation=validation))
    error = refused.value
    assert not isinstance(error, NotYours)
    assert error.current is current and error.action is action
    assert error.allowed == allowed_actions(current, validation)


def test_what_each_step_changes_besides_the_status() -> None:
    employer, beneficiary = by(Actor.EMPLOYER), by(Actor.BENEFICIARY)
    confirmed = in_status(Status.CONFIRMED_BY_EMPLOYER, Action.SIGN)
    signed, events = decide(confirmed, Take(Action.SIGN, used_link=PartyRole.EMPLOYER), employer, NOW, FACTS)
    assert signed.status is Status.PARTIALLY_SIGNED and signed.signatures == {PartyRole.EMPLOYER: NOW}
    assert signed.links[PartyRole.EMPLOYER].used_at == NOW and signed.used_links == ("hash-old",)
    assert events[0].payload | {"signed_by": "employer", "all_signed": False} == events[0].payload
    assert events[0].payload["waiting_for"] == ["beneficiary"]
    last, events = decide(signed, Take(Action.SIGN, used_link=PartyRole.BENEFICIARY), beneficiary, NOW, FACTS)
    assert last.status is Status.SIGNED and missing_signatures(last) == ()
    assert events[0].payload["action"] == "sign_last" and events[0].payload["all_signed"] is True

    revised, events = decide(signed, Take(Action.REVISE), by(Actor.COUNSELLOR), NOW, FACTS)
    assert (revised.signatures, revised.links, revised.reminders_sent) == ({}, {}, ())

    prevalidated = replace(in_status(Status.PRE_VALIDATED, Action.VALIDATE), pre_validated=Approval("v-1", NOW))
    with pytest.raises(Refused, match="une autre personne"):
        decide(prevalidated, Take(Action.VALIDATE), Party(frozenset({Actor.VALIDATOR}), "v-1"), NOW, FACTS)
    validated, _ = decide(prevalidated, Take(Action.VALIDATE), by(Actor.VALIDATOR), NOW, FACTS)
    assert validated.validated == Approval("validator-1", NOW) and validated.pre_validated == Approval("v-1", NOW)

    cancelled, events = decide(confirmed, Take(Action.CANCEL, "other", "déménage"), by(Actor.COUNSELLOR), NOW, FACTS)
    assert cancelled.reason == Reason("other", "déménage", "counsellor-1", NOW)
    assert events[0].payload["reason"] == "other"


def test_a_step_refuses_what_it_is_given_wrong() -> None:
    counsellor = by(Actor.COUNSELLOR)
    signed = in_status(Status.SIGNED, Action.REJECT)
    with pytest.raises(InvalidInput, match="Indiquez un motif"):
        decide(signed, Take(Action.REJECT), counsellor, NOW, FACTS)
    with pytest.raises(InvalidInput, match="demande une précision"):
        decide(signed, Take(Action.REJECT, reason="other"), counsellor, NOW, FACTS)
    completed = in_status(Status.COMPLETED, Action.SUBMIT_ASSESSMENT)
    partly = ASSESSMENT.model_copy(update={"attendance": Attendance.PARTLY})
    with pytest.raises(InvalidInput) as invalid:
        decide(completed, Take(Action.SUBMIT_ASSESSMENT, assessment=partly), by(Actor.TUTOR), NOW, FACTS)
    assert [f for f, _ in invalid.value.problems] == ["last_day_present"]


def test_sending_and_validating_count_the_legal_limits_again() -> None:
    draft_ = a_convention(Status.DRAFT)
    too_late = NOW.replace(month=4)
    with pytest.raises(Refused, match="dans le passé") as late:
        decide(draft_, Take(Action.SEND), by(Actor.COUNSELLOR), too_late, FACTS)
    assert late.value.field == "start_date" and late.value.code == "limits_exceeded"
    same_host = [
        replace(a_convention(Status.VALIDATED, terms=terms(start_date=s, end_date=e)), id=i)
        for i, s, e in (("o1", "2027-01-04", "2027-01-31"), ("o2", "2027-02-01", "2027-02-28"))
    ]
    with pytest.raises(Refused, match="même entreprise d'accueil") as again:
        decide(draft_, Take(Action.SEND), by(Actor.COUNSELLOR), NOW, replace(FACTS, others=tuple(same_host)))
    assert again.value.field == "host.siret"


def test_a_draft_is_checked_and_announced() -> None:
    nantes = Beneficiary("b1", "nantes", "", minor=True, active=True, birth_date=date(2010, 5, 4))
    with pytest.raises(InvalidInput) as invalid:
        draft("c9", nantes, "counsellor-2", terms(), NOW)
    assert "legal_representative" in [f for f, _ in invalid.value.problems]
    with pytest.raises(InvalidInput) as too_young:
        draft("c9", replace(nantes, birth_date=None), "counsellor-2", terms(), NOW)
    assert "beneficiary_id" in [f for f, _ in too_young.value.problems]
    with pytest.raises(Refused, match="clos"):
        draft("c9", replace(nantes, active=False), "counsellor-2", terms(), NOW)
    guardian = LegalRepresentative(name="Awa Diallo", email="awa@example.fr")
    made, events = draft("c9", nantes, "counsellor-2", terms(legal_representative=guardian), NOW)
    assert (made.status, made.version, made.counsellor_id, made.minor) == (Status.DRAFT, 1, "counsellor-2", True)
    assert made.next_due_at is not None, "it expires if nobody sends it"
    assert [e.event_type for e in events] == ["placements.convention.drafted", "placements.convention.contacts_changed"]
    assert events[1].payload["roles"] == [
        "employer",
        "tutor",
        "beneficiary",
        "legal_representative",
    ]


def test_only_a_draft_is_edited_and_a_renewal_keeps_its_host_and_objective() -> None:
    counsellor = by(Actor.COUNSELLOR)
    changed_terms = terms(tasks="Autre chose")
    edited, events = decide(a_convention(Status.DRAFT), Edit(changed_terms), counsellor, NOW, FACTS)
    assert edited.terms == changed_terms and edited.updated_by == "counsellor-1" and edited.version == 4
    assert [e.event_type for e in events] == ["placements.convention.contacts_changed"]
    with pytest.raises(Refused, match="Seul un brouillon"):
        decide(a_convention(Status.SENT_TO_EMPLOYER), Edit(changed_terms), counsellor, NOW, FACTS)
    renewal = a_convention(Status.DRAFT, renewal_of="c0")
    elsewhere = {**terms().host.model_dump(), "siret": "44306184100047"}
    with pytest.raises(InvalidInput) as invalid:
        decide(renewal, Edit(terms(objective="discover", host=elsewhere)), counsellor, NOW, FACTS)
    assert sorted(f for f, _ in invalid.value.problems) == ["host.siret", "objective"]


def test_a_renewal_needs_an_assessment_saying_the_objectives_were_not_met() -> None:
    assessed = a_convention(Status.ASSESSED, assessment=ASSESSMENT)
    renewed_terms = renewal_terms(assessed, date(2027, 5, 3), date(2027, 5, 14), Validation.ONE_STEP)
    assert (renewed_terms.start_date, renewed_terms.host) == (date(2027, 5, 3), assessed.terms.host)
    met = replace(assessed, assessment=ASSESSMENT.model_copy(update={"objectives_met": True}))
    with pytest.raises(InvalidInput, match="objectifs atteints"):
        renewal_terms(met, date(2027, 5, 3), date(2027, 5, 14), Validation.ONE_STEP)
    with pytest.raises(RefusedTransition):
        renewal_terms(a_convention(Status.COMPLETED), date(2027, 5, 3), date(2027, 5, 14), Validation.ONE_STEP)
    renewed, events = decide(assessed, Renew("c2"), by(Actor.COUNSELLOR), NOW, FACTS)
    assert (renewed.status, renewed.renewal_id) == (Status.RENEWED, "c2")
    assert events[0].payload["renewal_id"] == "c2" and events[0].payload["actor"] == "counsellor"


def test_a_reminder_is_kept_and_the_tutor_gets_a_link_for_the_assessment() -> None:
    request = Reminder(ReminderKind.ASSESSMENT_REQUEST, "assessment_request:0", ("tutor",))
    in_progress = a_convention(Status.IN_PROGRESS)
    reminded, events = decide(in_progress, Remind((request,)), SYSTEM, NOW, FACTS)
    assert reminded.reminders_sent == ("assessment_request:0",) and reminded.status is Status.IN_PROGRESS
    assert [e.event_type for e in events] == ["placements.convention.link_issued", "placements.convention.reminder_due"]
    assert reminded.links[PartyRole.TUTOR].purpose is LinkPurpose.ASSESS
    waiting = replace(in_progress, links={PartyRole.TUTOR: link(LinkPurpose.ASSESS)})
    _, events = decide(waiting, Remind((request,)), SYSTEM, NOW, FACTS)
    assert [e.event_type for e in events] == ["placements.convention.reminder_due"], "their link still works"


def test_a_link_is_sent_again_only_while_it_has_something_to_do() -> None:
    staff = by(Actor.COUNSELLOR)
    sent = a_convention(Status.SENT_TO_EMPLOYER, links={PartyRole.EMPLOYER: link(LinkPurpose.CONFIRM)})
    resent, events = decide(sent, ResendLink(PartyRole.EMPLOYER), staff, NOW, FACTS)
    assert resent.links[PartyRole.EMPLOYER].link_id == "link-new"
    assert resent.history[-1].record()["role"] == "employer" and resent.history[-1].action == "resend_link"
    assert events[0].payload["reissued"] is True
    assert events[0].payload["expires_at"] == link().expires_at.isoformat().replace("+00:00", "Z")
    for unusable in (
        replace(sent, links={}),
        replace(sent, links={PartyRole.EMPLOYER: link(LinkPurpose.CONFIRM, used_at=NOW)}),
        replace(sent, status=Status.CONFIRMED_BY_EMPLOYER),
    ):
        with pytest.raises(Refused):
            decide(unusable, ResendLink(PartyRole.EMPLOYER), staff, NOW, FACTS)


def test_erasure_cancels_what_is_open_and_scrubs_the_person() -> None:
    open_ = a_convention(Status.SENT_TO_EMPLOYER, links={PartyRole.EMPLOYER: link(LinkPurpose.CONFIRM)})
    erased, events = decide(open_, Erase(), PLATFORM, NOW)
    assert erased.status is Status.CANCELLED and erased.erased and erased.links == {}
    assert erased.terms.beneficiary.first_name == ERASED and erased.terms.beneficiary.email == ""
    assert erased.next_due_at is None and erased.version == open_.version + 1
    free_text = (erased.terms.tasks, erased.terms.evaluation, *erased.terms.operational_objectives)
    assert set(free_text) == {ERASED} and erased.terms.workplace == ""
    assert [e.event_type for e in events] == [
        "placements.convention.cancelled",
        "placements.convention.contacts_changed",
    ]
    assert "beneficiary" not in events[1].payload["roles"]
    assessed = a_convention(Status.ASSESSED, assessment=ASSESSMENT, reason=Reason("x", "a note", "s", NOW))
    kept, events = decide(assessed, Erase(), PLATFORM, NOW)
    assert kept.status is Status.ASSESSED and kept.assessment is not None and kept.assessment.comments == ""
    assert kept.reason is not None and kept.reason.note == ""
    assert [e.event_type for e in events] == ["placements.convention.contacts_changed"]
