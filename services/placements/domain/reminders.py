"""What the scheduler owes a convention on a given day: reminders (each once, by its key) and the steps
time takes by itself (start, end, expiry). Pure: the day comes in, a plan comes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.contracts.events.placements import PartyRole, ReminderKind
from services.placements.domain.lifecycle import TRANSITIONS, Action, Status
from services.placements.domain.limits import add_months
from services.placements.domain.working_days import working_days_before

AGENCY = "agency"
EXPIRY_MONTHS_AFTER_END = 1


@dataclass(frozen=True)
class Timeline:
    """What the plan reads of a convention."""

    status: Status
    start: date
    end: date
    missing_signatures: tuple[PartyRole, ...]
    sent: frozenset[str]  # keys of the reminders already sent


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    key: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    reminders: tuple[Reminder, ...] = ()
    action: Action | None = None  # the one step time takes now, if any


def _latest_reached(
    kind: ReminderKind, thresholds: Sequence[tuple[str, date]], today: date, sent: frozenset[str]
) -> str | None:
    """Of reminders due at increasing dates, the latest one reached, unless it or a later one was sent:
    a convention that comes late gets the current reminder, not every missed one at once."""
    reached = [label for label, day in thresholds if today >= day]
    if not reached:
        return None
    key = f"{kind}:{reached[-1]}"
    later_or_same = {f"{kind}:{label}" for label, _ in thresholds[len(reached) - 1 :]}
    return None if later_or_same & sent else key


def _thresholds(t: Timeline) -> dict[ReminderKind, list[tuple[str, date]]]:
    """Each reminder's labels and the days they are due from, in increasing order."""
    return {
        ReminderKind.SIGNATURES_MISSING: [("-2", working_days_before(t.start, 2))],
        ReminderKind.VALIDATION_PENDING: [
            ("-3", working_days_before(t.start, 3)),
            ("-1", working_days_before(t.start, 1)),
        ],
        ReminderKind.ASSESSMENT_REQUEST: [("0", t.end)],
        ReminderKind.ASSESSMENT_OVERDUE: [("+3", t.end + timedelta(days=3)), ("+10", t.end + timedelta(days=10))],
    }


def _expiry(t: Timeline) -> date:
    return add_months(t.end, EXPIRY_MONTHS_AFTER_END)


def plan(timeline: Timeline, today: date) -> Plan:
    t = timeline
    if (t.status, Action.EXPIRE) in TRANSITIONS and today >= _expiry(t):
        return Plan(action=Action.EXPIRE)
    if t.status is Status.VALIDATED and today >= t.start:
        return Plan(action=Action.START)
    if t.status is Status.IN_PROGRESS and today > t.end:
        return Plan(action=Action.END)
    reminders: list[Reminder] = []
    thresholds = _thresholds(t)

    def remind(kind: ReminderKind, recipients: Sequence[str]) -> None:
        key = _latest_reached(kind, thresholds[kind], today, t.sent)
        if key is not None and recipients:
            reminders.append(Reminder(kind, key, tuple(recipients)))

    before_start = today < t.start
    if before_start and t.status in (Status.SENT_TO_EMPLOYER, Status.CONFIRMED_BY_EMPLOYER, Status.PARTIALLY_SIGNED):
        missing = [PartyRole.EMPLOYER] if t.status is Status.SENT_TO_EMPLOYER else list(t.missing_signatures)
        remind(ReminderKind.SIGNATURES_MISSING, missing)
    if before_start and t.status in (Status.SIGNED, Status.PRE_VALIDATED):
        remind(ReminderKind.VALIDATION_PENDING, [AGENCY])
    if t.status in (Status.IN_PROGRESS, Status.COMPLETED):
        remind(ReminderKind.ASSESSMENT_REQUEST, [PartyRole.TUTOR])
    if t.status in (Status.COMPLETED, Status.ASSESSMENT_SUBMITTED):
        waiting_for = PartyRole.TUTOR if t.status is Status.COMPLETED else PartyRole.BENEFICIARY
        remind(ReminderKind.ASSESSMENT_OVERDUE, [waiting_for, AGENCY])
    return Plan(reminders=tuple(reminders))


def next_due(timeline: Timeline, since: date | None = None) -> date | None:
    """The first day (from `since`, when given) on which `plan` has something to do, or None if it never
    will. `plan` compares the day only with the start, the end, the expiry and the reminders' days, so its
    answer can change only on those days: trying `since` and each of them after it, in order, finds it. What
    the convention holds (status, signatures, reminders sent) is fixed here: any write recomputes it."""
    t = timeline
    turning = {t.start, t.end + timedelta(days=1), _expiry(t)}
    turning |= {day for days in _thresholds(t).values() for _, day in days}
    days = sorted(d for d in turning if since is None or d > since)
    for day in [since, *days] if since is not None else days:
        found = plan(t, day)
        if found.action is not None or found.reminders:
            return day
    return None
