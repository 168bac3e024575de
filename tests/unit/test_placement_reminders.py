"""The scheduler's plan with the clock moved forward day by day: each reminder comes once, on its day;
time starts, ends and expires conventions."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from services.contracts.events.placements import PartyRole, ReminderKind
from services.placements.domain.lifecycle import Action, Status
from services.placements.domain.reminders import Timeline, next_due, plan
from services.placements.domain.working_days import easter, is_working_day, working_days_before

START, END = date(2027, 3, 15), date(2027, 4, 14)  # a Monday; Easter 2027 is on 28 March


def run(timeline: Timeline, first: date, last: date) -> dict[date, list[str]]:
    """Day by day, as a scheduler would, remembering what it sent."""
    sent: dict[date, list[str]] = {}
    day = first
    while day <= last:
        for reminder in plan(timeline, day).reminders:
            sent.setdefault(day, []).append(reminder.key)
            timeline = replace(timeline, sent=timeline.sent | {reminder.key})
        day += timedelta(days=1)
    return sent


def test_working_days_skip_weekends_and_public_holidays() -> None:
    assert easter(2027) == date(2027, 3, 28) and easter(2026) == date(2026, 4, 5)
    assert not is_working_day(date(2027, 3, 29))  # Easter Monday
    assert not is_working_day(date(2026, 12, 25)) and not is_working_day(date(2027, 3, 13))
    assert working_days_before(START, 2) == date(2027, 3, 11)
    assert working_days_before(date(2027, 3, 30), 1) == date(2027, 3, 26)  # over Easter Monday and the weekend


def test_missing_signatures_two_working_days_before_the_start_once() -> None:
    timeline = Timeline(Status.PARTIALLY_SIGNED, START, END, (PartyRole.EMPLOYER,), frozenset())
    assert run(timeline, date(2027, 3, 1), date(2027, 3, 14)) == {date(2027, 3, 11): ["signatures_missing:-2"]}
    assert plan(timeline, date(2027, 3, 11)).reminders[0].recipients == ("employer",)


def test_pending_validation_three_and_one_working_days_before() -> None:
    timeline = Timeline(Status.SIGNED, START, END, (), frozenset())
    assert run(timeline, date(2027, 3, 1), date(2027, 3, 14)) == {
        date(2027, 3, 10): ["validation_pending:-3"],
        date(2027, 3, 12): ["validation_pending:-1"],
    }


def test_a_late_comer_gets_the_current_reminder_only() -> None:
    timeline = Timeline(Status.PRE_VALIDATED, START, END, (), frozenset())
    assert [r.key for r in plan(timeline, date(2027, 3, 12)).reminders] == ["validation_pending:-1"]


def test_assessment_request_on_the_last_day_then_three_and_ten_days_after() -> None:
    in_progress = Timeline(Status.IN_PROGRESS, START, END, (), frozenset())
    assert run(in_progress, START, END) == {END: ["assessment_request:0"]}
    completed = Timeline(Status.COMPLETED, START, END, (), frozenset({"assessment_request:0"}))
    sent = run(completed, END + timedelta(days=1), END + timedelta(days=30))
    assert sent == {date(2027, 4, 17): ["assessment_overdue:+3"], date(2027, 4, 24): ["assessment_overdue:+10"]}
    reminder = plan(completed, date(2027, 4, 17)).reminders[0]
    assert reminder.kind is ReminderKind.ASSESSMENT_OVERDUE and reminder.recipients == ("tutor", "agency")


def test_time_starts_ends_and_expires() -> None:
    validated = Timeline(Status.VALIDATED, START, END, (), frozenset())
    assert plan(validated, START - timedelta(days=1)).action is None
    assert plan(validated, START).action is Action.START
    in_progress = replace(validated, status=Status.IN_PROGRESS)
    assert plan(in_progress, END).action is None and plan(in_progress, END + timedelta(days=1)).action is Action.END
    unsigned = Timeline(Status.SENT_TO_EMPLOYER, START, END, (), frozenset())
    assert plan(unsigned, date(2027, 5, 13)).action is None
    assert plan(unsigned, date(2027, 5, 14)).action is Action.EXPIRE
    assessed = replace(validated, status=Status.ASSESSED)
    assert plan(assessed, date(2028, 1, 1)) == plan(assessed, START)


def first_busy_day(timeline: Timeline, since: date) -> date | None:
    """Day by day from `since` until well after the expiry: the first day with something to do."""
    day = since
    while day <= END + timedelta(days=120):
        found = plan(timeline, day)
        if found.action is not None or found.reminders:
            return day
        day += timedelta(days=1)
    return None


def test_the_next_due_day_is_the_first_day_the_plan_has_something_to_do() -> None:
    """For every status, signatures missing or not, reminders sent or not, and from any day: what the
    scheduler's index reads (next_due) is the day a day-by-day scheduler would first act."""
    sent_sets = [
        frozenset(),
        frozenset({"signatures_missing:-2", "validation_pending:-3"}),
        frozenset({"validation_pending:-1", "assessment_request:0", "assessment_overdue:+3"}),
        frozenset({"assessment_overdue:+10"}),
    ]
    missing_sets: list[tuple[PartyRole, ...]] = [(), (PartyRole.EMPLOYER,), (PartyRole.EMPLOYER, PartyRole.BENEFICIARY)]
    checked = 0
    for status, missing, sent in itertools.product(Status, missing_sets, sent_sets):
        timeline = Timeline(status, START, END, missing, sent)
        earliest = first_busy_day(timeline, START - timedelta(days=60))
        assert next_due(timeline) == earliest, (status, missing, sent)
        for since in (date(2027, 3, 10), date(2027, 3, 12), START, END, END + timedelta(days=5), date(2027, 5, 20)):
            assert next_due(timeline, since) == first_busy_day(timeline, since), (status, missing, sent, since)
            checked += 1
    assert checked > 1000


def test_ended_conventions_are_never_due_and_drafts_are_due_at_their_expiry() -> None:
    for status in (Status.ASSESSED, Status.REJECTED, Status.CANCELLED, Status.RENEWED, Status.EXPIRED):
        assert next_due(Timeline(status, START, END, (), frozenset())) is None
    assert next_due(Timeline(Status.DRAFT, START, END, (), frozenset())) == date(2027, 5, 14)
    validated = Timeline(Status.VALIDATED, START, END, (), frozenset())
    assert next_due(validated) == START
