"""An outgoing e-mail's life cycle without a database: every (status, action) pair, allowed or refused,
by every role; the retry delays, the attempts limit and the operator's retry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain.email import (
    TRANSITIONS,
    Action,
    Claim,
    Command,
    DeadLettered,
    Email,
    Fail,
    NotAllowed,
    Refused,
    Retry,
    RetryPolicy,
    Role,
    Send,
    Status,
    decide,
)

NOW = datetime(2027, 3, 15, 9, 30, tzinfo=UTC)
LEASE, RETENTION = timedelta(seconds=60), timedelta(days=90)
REFUSED = "SMTPRecipientsRefused: refused"
POLICY = RetryPolicy(max_attempts=3, first_delay=2.0, max_delay=600.0)
COMMANDS: dict[Action, Command] = {
    Action.CLAIM: Claim(LEASE),
    Action.SEND: Send(RETENTION),
    Action.FAIL: Fail(REFUSED, unreachable=False, policy=POLICY),
    Action.RETRY: Retry(),
}
PAIRS = [(status, action) for status in Status for action in Action]
ALLOWED = [pair for pair in PAIRS if pair in TRANSITIONS]
FORBIDDEN = [pair for pair in PAIRS if pair not in TRANSITIONS]


def an_email(status: Status, attempts: int = 1, **changes: object) -> Email:
    email = Email(
        id="0190f5c2-0000-7000-8000-000000000001",
        key="event-1.peer:p1",
        to="pair@exemple.fr",
        recipient="peer:p1",
        subject="[Parcours] Une personne aimerait échanger avec vous",
        text="Bonjour",
        kind="introduction_request",
        status=status,
        attempts=attempts,
        next_at=NOW - timedelta(seconds=1),
        created_at=NOW - timedelta(minutes=5),
        event_id="event-1",
    )
    return replace(email, **changes)  # type: ignore[arg-type]


def test_the_table_is_the_one_documented() -> None:
    assert ALLOWED == [
        (Status.PENDING, Action.CLAIM),
        (Status.SENDING, Action.CLAIM),
        (Status.SENDING, Action.SEND),
        (Status.SENDING, Action.FAIL),
        (Status.FAILED, Action.RETRY),
    ]


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_each_allowed_pair_gives_its_status_and_changes(status: Status, action: Action) -> None:
    after, allowed = TRANSITIONS[(status, action)]
    [role] = allowed
    email = an_email(status)
    changed, events = decide(email, COMMANDS[action], role, NOW)
    assert changed.status is after and events == []
    expected = {
        Action.CLAIM: replace(email, status=after, attempts=2, sending_since=NOW, next_at=NOW + LEASE),
        Action.SEND: replace(email, status=after, sent_at=NOW, purge_at=NOW + RETENTION),
        Action.FAIL: replace(
            email, status=after, error="SMTPRecipientsRefused: refused", next_at=NOW + timedelta(seconds=2)
        ),
        Action.RETRY: replace(email, status=after, attempts_before=1, next_at=NOW),
    }[action]
    assert changed == expected


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_each_allowed_pair_is_refused_to_the_other_role(status: Status, action: Action) -> None:
    _, allowed = TRANSITIONS[(status, action)]
    for role in set(Role) - allowed:
        with pytest.raises(NotAllowed) as refused:
            decide(an_email(status), COMMANDS[action], role, NOW)
        assert (refused.value.role, refused.value.action) == (role, action)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN)
def test_each_forbidden_pair_is_refused_whoever_asks(status: Status, action: Action) -> None:
    for role in Role:
        with pytest.raises(Refused) as refused:
            decide(an_email(status), COMMANDS[action], role, NOW)
        assert (refused.value.status, refused.value.action) == (status, action)


def test_failures_wait_twice_as_long_each_time_up_to_the_maximum() -> None:
    policy = RetryPolicy(max_attempts=50, first_delay=2.0, max_delay=600.0)
    delays = []
    for attempts in (1, 2, 3, 4, 9, 10, 30):
        failed, _ = decide(an_email(Status.SENDING, attempts), Fail("x", False, policy), Role.SENDER, NOW)
        delays.append((failed.next_at - NOW).total_seconds())
    assert delays == [2, 4, 8, 16, 512, 600, 600]


def test_the_last_refusal_dead_letters_the_email_and_leaves_it_failed() -> None:
    email = an_email(Status.SENDING, attempts=3, error="before")
    failed, events = decide(email, COMMANDS[Action.FAIL], Role.SENDER, NOW)
    assert failed == replace(email, status=Status.FAILED, error=REFUSED)
    assert events == [
        DeadLettered(
            email.id, "peer:p1", "introduction_request", "pair@exemple.fr", "SMTPRecipientsRefused: refused", 3
        )
    ]


def test_an_unreachable_server_never_fails_an_email() -> None:
    unreachable = Fail("ConnectionRefusedError: refused", unreachable=True, policy=POLICY)
    waiting, events = decide(an_email(Status.SENDING, attempts=40), unreachable, Role.SENDER, NOW)
    assert waiting.status is Status.PENDING and events == []
    assert waiting.next_at == NOW + timedelta(seconds=600)


def test_after_an_operators_retry_the_limit_counts_again() -> None:
    failed = an_email(Status.FAILED, attempts=3)
    retried, _ = decide(failed, Retry(), Role.OPERATOR, NOW)
    assert (retried.status, retried.attempts, retried.attempts_before) == (Status.PENDING, 3, 3)
    claimed, _ = decide(retried, Claim(LEASE), Role.SENDER, NOW)
    again, events = decide(claimed, COMMANDS[Action.FAIL], Role.SENDER, NOW)
    assert again.status is Status.PENDING and events == [] and again.next_at == NOW + timedelta(seconds=2)
