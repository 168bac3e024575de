"""The legal limits of a PMSMP and the checks of its content, as a counsellor meets them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.contracts.events.placements import Attendance, Objective, ProjectConclusion
from services.placements.domain.convention import Convention, Entry, Reason, stay_of
from services.placements.domain.lifecycle import Status
from services.placements.domain.limits import (
    Stay,
    latest_end,
    legal_checks,
    period_problems,
    renewal_problems,
    same_host_problems,
    schedule_problems,
    siret_problems,
)
from services.placements.domain.terms import Assessment, assessment_problems
from tests.unit.placements_support import a_convention, terms

TODAY = date(2027, 3, 1)
DISCOVER, CONFIRM, RECRUIT = Objective.DISCOVER, Objective.CONFIRM_PROJECT, Objective.START_RECRUITMENT


def fields(problems: list[tuple[str, str]]) -> list[str]:
    return [f for f, _ in problems]


def test_one_month_date_to_date() -> None:
    assert period_problems(date(2027, 3, 15), date(2027, 4, 14), TODAY) == []
    refused = period_problems(date(2027, 3, 15), date(2027, 4, 15), TODAY)
    assert fields(refused) == ["end_date"] and "14 avril 2027" in refused[0][1]
    assert latest_end(date(2027, 1, 31)) == date(2027, 2, 28)
    assert latest_end(date(2027, 12, 10)) == date(2028, 1, 9)


def test_no_back_dated_start_and_no_end_before_start() -> None:
    assert fields(period_problems(date(2027, 2, 28), date(2027, 3, 5), TODAY)) == ["start_date"]
    assert period_problems(TODAY, TODAY, TODAY) == []
    assert fields(period_problems(date(2027, 3, 10), date(2027, 3, 9), TODAY)) == ["end_date"]


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),
        ("73282932000075", False),
        ("35600000000051", True),  # La Poste: sum of digits divisible by 5
        ("35600000000052", False),
        ("7328293200007", False),
        ("7328293200007A", False),
    ],
)
def test_siret_is_checked_with_its_key(siret: str, valid: bool) -> None:
    assert (siret_problems(siret) == []) is valid


def test_a_third_convention_with_the_same_host_within_12_months_is_refused() -> None:
    first = Stay("a", date(2027, 1, 4), date(2027, 1, 15), DISCOVER)
    second = Stay("b", date(2027, 5, 3), date(2027, 5, 14), CONFIRM)
    assert same_host_problems(second, [first]) == []
    third = Stay("c", date(2027, 11, 2), date(2027, 11, 12), RECRUIT)
    refused = same_host_problems(third, [first, second])
    assert "host.siret" in fields(refused)
    later = Stay("d", date(2028, 1, 17), date(2028, 1, 28), RECRUIT)  # the first is over 12 months before
    assert "host.siret" not in fields(same_host_problems(later, [first, second]))


def test_two_conventions_with_one_host_need_different_objectives() -> None:
    first = Stay("a", date(2027, 1, 4), date(2027, 1, 15), DISCOVER)
    again = Stay("b", date(2027, 6, 7), date(2027, 6, 18), DISCOVER)
    assert fields(same_host_problems(again, [first])) == ["objective"]


def test_61_days_with_one_host_are_refused_60_accepted_renewals_included() -> None:
    first = Stay("a", date(2027, 1, 1), date(2027, 1, 31), DISCOVER)  # 31 days
    renewal = Stay("r", date(2027, 2, 1), date(2027, 2, 15), DISCOVER, renewal_of="a")  # 15 days
    fourteen = Stay("b", date(2027, 9, 1), date(2027, 9, 14), CONFIRM)
    assert same_host_problems(fourteen, [first, renewal]) == []  # 60 days
    fifteen = Stay("b", date(2027, 9, 1), date(2027, 9, 15), CONFIRM)
    refused = same_host_problems(fifteen, [first, renewal])
    assert fields(refused) == ["end_date"] and "61" in refused[0][1]


def test_one_renewal_only_when_objectives_were_not_met() -> None:
    original = Stay("a", date(2027, 1, 4), date(2027, 1, 29), CONFIRM)
    assert renewal_problems(original, objectives_met=False, renewals=0) == []
    assert "atteints" in renewal_problems(original, objectives_met=True, renewals=0)[0][1]
    assert "après le bilan" in renewal_problems(original, objectives_met=None, renewals=0)[0][1]
    assert "déjà été renouvelée" in renewal_problems(original, objectives_met=False, renewals=1)[0][1]
    second = Stay("b", date(2027, 2, 1), date(2027, 2, 12), CONFIRM, renewal_of="a")
    assert "déjà un renouvellement" in renewal_problems(second, objectives_met=False, renewals=0)[0][1]


def test_the_schedule_respects_daily_and_weekly_hours() -> None:
    week = {"monday": 7, "tuesday": 7, "wednesday": 7, "thursday": 7, "friday": 7}
    assert schedule_problems(week, minor=False) == []
    assert fields(schedule_problems(week, minor=True)) == []
    assert fields(schedule_problems({**week, "saturday": 7}, minor=True)) == ["schedule"]
    assert fields(schedule_problems({"monday": 9}, minor=True)) == ["schedule.monday"]
    assert fields(schedule_problems({"funday": 4}, minor=False)) == ["schedule"]
    assert fields(schedule_problems({}, minor=False)) == ["schedule"]


def test_an_assessment_says_what_its_answers_need() -> None:
    start, end = date(2027, 3, 15), date(2027, 4, 14)
    base = {"objectives_met": True, "project_conclusion": ProjectConclusion.CONFIRMED}
    assert assessment_problems(Assessment(attendance=Attendance.COMPLETED, **base), start, end) == []
    partly = Assessment(attendance=Attendance.PARTLY, **base)
    assert fields(assessment_problems(partly, start, end)) == ["last_day_present"]
    no_show = Assessment(attendance=Attendance.DID_NOT_SHOW, **base)
    assert fields(assessment_problems(no_show, start, end)) == ["no_show_reason"]
    hired = Assessment(attendance=Attendance.COMPLETED, hired=True, **base)
    assert fields(assessment_problems(hired, start, end)) == ["contract_kind", "hiring_start"]


def stored(status: str, history: list[str], reason_at: str | None = None) -> Convention:
    """A convention with what the limits read."""
    reason = Reason("health", "", "counsellor", datetime.fromisoformat(reason_at)) if reason_at else None
    moment = datetime(2027, 2, 1, tzinfo=UTC)
    return a_convention(
        Status(status),
        terms=terms(start_date="2027-03-01", end_date="2027-03-30", objective="discover"),
        history=tuple(Entry(action, "someone", None, Status(status), moment) for action in history),
        reason=reason,
    )


def test_a_convention_cancelled_during_the_immersion_counts_the_days_lived() -> None:
    lived = stored("cancelled", ["start", "cancel"], "2027-03-10T15:00:00+01:00")
    stay = stay_of(lived)
    assert stay is not None and (stay.start, stay.end) == (date(2027, 3, 1), date(2027, 3, 10))
    assert stay_of(stored("cancelled", ["cancel"], "2027-02-20T10:00:00+01:00")) is None
    assert stay_of(stored("draft", [])) is None and stay_of(stored("expired", [])) is None
    planned = stay_of(stored("sent_to_employer", []))
    assert planned is not None and planned.end == date(2027, 3, 30)


def test_the_legal_checks_count_days_and_conventions_with_the_host_as_the_validator_reads_them() -> None:
    first = Stay("a", date(2027, 1, 1), date(2027, 1, 31), DISCOVER)  # 31 days
    renewal = Stay("r", date(2027, 2, 1), date(2027, 2, 15), DISCOVER, renewal_of="a")  # 15 days
    new = Stay("b", date(2027, 9, 1), date(2027, 9, 14), CONFIRM)  # 14 days
    week = {"monday": 7, "tuesday": 7, "wednesday": 7, "thursday": 7, "friday": 7}
    checks = legal_checks(new, [first, renewal], week, minor=False, renewals=0)
    assert (checks.days_with_host, checks.conventions_with_host) == (60, 2)
    assert checks.days_ok and checks.conventions_ok and checks.hours_ok and checks.duration_ok and checks.all_ok
    assert (checks.hours_per_week, checks.longest_day, checks.max_hours_per_week) == (35, 7, 48)
    assert checks.duration_days == 14 and "Renouvelable une seule fois" in checks.renewal

    longer = Stay("b", date(2027, 9, 1), date(2027, 9, 15), CONFIRM)
    over = legal_checks(longer, [first, renewal], {**week, "saturday": 8}, minor=True, renewals=0)
    assert over.days_with_host == 61 and not over.days_ok and not over.all_ok
    assert over.max_hours_per_week == 35 and not over.hours_ok, "a minor works 35 hours a week at most"

    alone = legal_checks(first, [], week, minor=False, renewals=1)
    assert (alone.days_with_host, alone.conventions_with_host) == (31, 1)
    assert "déjà été renouvelée" in alone.renewal
    assert "C'est un renouvellement" in legal_checks(renewal, [first], week, minor=False, renewals=0).renewal
