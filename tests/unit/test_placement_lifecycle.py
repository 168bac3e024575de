"""The convention's life cycle, walked over the whole table: every allowed transition gives its status to
the actors it names and refuses the others; every other (status, action) pair is a 409 that says the
current status and what is possible from it."""

from __future__ import annotations

import itertools

import pytest

from services.placements.domain.lifecycle import (
    FINAL,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Actor,
    NotYours,
    RefusedTransition,
    Status,
    Validation,
    action_label,
    allowed_actions,
    next_status,
    waiting_for,
    waiting_statuses,
)

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


@pytest.mark.parametrize(("current", "action", "validation"), ALLOWED, ids=lambda v: str(v))
def test_an_allowed_transition_takes_its_actors_to_the_next_status(
    current: Status, action: Action, validation: Validation
) -> None:
    rule = TRANSITIONS[(current, action)]
    for actor in Actor:
        if actor in rule.actors:
            assert next_status(current, action, frozenset({actor}), validation) is rule.to
        else:
            with pytest.raises(NotYours) as refused:
                next_status(current, action, frozenset({actor}), validation)
            assert str(refused.value).startswith("Seuls peuvent ") and refused.value.current is current


@pytest.mark.parametrize(("current", "action", "validation"), FORBIDDEN, ids=lambda v: str(v))
def test_a_forbidden_transition_says_the_status_and_what_is_allowed(
    current: Status, action: Action, validation: Validation
) -> None:
    with pytest.raises(RefusedTransition) as refused:
        next_status(current, action, frozenset(Actor), validation)
    error = refused.value
    assert not isinstance(error, NotYours)
    assert error.current is current and f"« {STATUS_LABELS[current].lower()} »" in str(error)
    assert error.allowed == allowed_actions(current, validation)
    for allowed in error.allowed:
        assert action_label(allowed) in str(error)


def walk(steps: list[tuple[Action, Actor]], validation: Validation) -> list[Status]:
    status, seen = Status.DRAFT, []
    for action, actor in steps:
        status = next_status(status, action, frozenset({actor}), validation)
        seen.append(status)
    return seen


def test_the_whole_way_with_a_one_step_agency() -> None:
    steps = [
        (Action.SEND, Actor.COUNSELLOR),
        (Action.CONFIRM, Actor.EMPLOYER),
        (Action.SIGN, Actor.BENEFICIARY),
        (Action.SIGN_LAST, Actor.EMPLOYER),
        (Action.VALIDATE, Actor.VALIDATOR),
        (Action.START, Actor.SYSTEM),
        (Action.END, Actor.SYSTEM),
        (Action.SUBMIT_ASSESSMENT, Actor.TUTOR),
        (Action.AGREE_ASSESSMENT, Actor.BENEFICIARY),
        (Action.RENEW, Actor.COUNSELLOR),
    ]
    assert walk(steps, Validation.ONE_STEP) == [
        Status.SENT_TO_EMPLOYER,
        Status.CONFIRMED_BY_EMPLOYER,
        Status.PARTIALLY_SIGNED,
        Status.SIGNED,
        Status.VALIDATED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.ASSESSMENT_SUBMITTED,
        Status.ASSESSED,
        Status.RENEWED,
    ]


def test_a_two_step_agency_needs_the_counsellors_pre_validation_first() -> None:
    with pytest.raises(RefusedTransition, match="pré-valider"):
        next_status(Status.SIGNED, Action.VALIDATE, frozenset({Actor.VALIDATOR}), Validation.TWO_STEP)
    assert next_status(Status.SIGNED, Action.PRE_VALIDATE, frozenset({Actor.COUNSELLOR}), Validation.TWO_STEP) is (
        Status.PRE_VALIDATED
    )
    with pytest.raises(RefusedTransition):
        next_status(Status.SIGNED, Action.PRE_VALIDATE, frozenset({Actor.COUNSELLOR}), Validation.ONE_STEP)
    assert next_status(Status.PRE_VALIDATED, Action.VALIDATE, frozenset({Actor.VALIDATOR}), Validation.TWO_STEP) is (
        Status.VALIDATED
    )


def test_a_counsellor_cannot_confirm_or_sign_for_the_others() -> None:
    for current, action in ((Status.SENT_TO_EMPLOYER, Action.CONFIRM), (Status.CONFIRMED_BY_EMPLOYER, Action.SIGN)):
        with pytest.raises(NotYours):
            next_status(current, action, frozenset({Actor.COUNSELLOR, Actor.VALIDATOR}), Validation.ONE_STEP)


def test_final_statuses_and_who_has_to_act() -> None:
    assert {Status.REJECTED, Status.CANCELLED, Status.RENEWED, Status.EXPIRED} == FINAL
    assert waiting_for(Status.SENT_TO_EMPLOYER, Validation.ONE_STEP, ()) == ["employer"]
    assert waiting_for(Status.DECLINED_BY_EMPLOYER, Validation.ONE_STEP, ()) == ["counsellor"]
    assert waiting_for(Status.ASSESSED, Validation.ONE_STEP, ()) == []
    assert waiting_for(Status.PARTIALLY_SIGNED, Validation.ONE_STEP, ("beneficiary",)) == ["beneficiary"]
    assert waiting_for(Status.SIGNED, Validation.ONE_STEP, ()) == ["validator"]
    assert waiting_for(Status.SIGNED, Validation.TWO_STEP, ()) == ["counsellor"]
    assert waiting_for(Status.VALIDATED, Validation.ONE_STEP, ()) == []
    assert waiting_for(Status.COMPLETED, Validation.ONE_STEP, ()) == ["tutor"]
    assert waiting_for(Status.ASSESSMENT_SUBMITTED, Validation.ONE_STEP, ()) == ["beneficiary"]


def test_who_is_waited_for_as_statuses_gives_the_same_answer_as_waiting_for() -> None:
    """The conventions list filters by who has to act in the database, from `waiting_statuses`: for every
    status, validation mode, party and set of missing signatures it agrees with `waiting_for`."""
    signatories = ("employer", "beneficiary", "legal_representative")
    missing_sets = [combo for n in range(4) for combo in itertools.combinations(signatories, n)]
    for validation, party in itertools.product(Validation, [*(a.value for a in Actor), "nobody"]):
        always, unless_signed = waiting_statuses(party, validation)
        assert not always & unless_signed
        for status, missing in itertools.product(Status, missing_sets):
            expected = party in waiting_for(status, validation, missing)
            assert (status in always or (status in unless_signed and party in missing)) == expected
    assert waiting_statuses("beneficiary", Validation.ONE_STEP) == (
        frozenset({Status.ASSESSMENT_SUBMITTED}),
        frozenset({Status.CONFIRMED_BY_EMPLOYER, Status.PARTIALLY_SIGNED}),
    )
