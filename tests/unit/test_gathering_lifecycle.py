"""A gathering's rules without a database: who sees it, who matches its jobs, its capacity, attendance only
once it has begun, erasure, and every (status, action) pair of its transition table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.contracts.events.gatherings import GatheringKind, Visibility
from services.kit.domain import Conflict, InvalidInput
from services.matching.domain.actor import Actor, NotYours
from services.matching.domain.gathering import (
    TRANSITIONS,
    Cancel,
    Candidate,
    Command,
    Details,
    Erase,
    Gathering,
    GatheringRefused,
    Invite,
    RecordAttendance,
    Register,
    Remind,
    Status,
    Unregister,
    Volunteer,
    check_details,
    decide,
    matches,
    publish,
    visible_to,
)

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
STARTS = NOW + timedelta(days=10)


def details(**changes: object) -> Details:
    base = Details(
        GatheringKind.FORUM,
        "Forum du numérique",
        "",
        STARTS,
        STARTS + timedelta(hours=3),
        "2990969",
        "5 rue de Valmy",
        ("M1805", "M1810"),
        2,
        Visibility.REGION,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def a_gathering(**changes: object) -> Gathering:
    gathering, events = publish("g1", "agency-a", "52", "staff-1", details(**changes), NOW)
    assert [e.event_type for e in events] == ["matching.gathering.published"]
    return gathering


def candidate(n: int, jobs: tuple[str, ...] = ("M1805",), agency: str = "agency-a") -> Candidate:
    return Candidate(f"b{n}", agency, "staff-1", jobs)


def test_its_agency_sees_it_and_a_region_wide_one_every_agency_of_the_region() -> None:
    region_wide, own_only = a_gathering(), a_gathering(visibility=Visibility.AGENCY)
    assert visible_to(region_wide, "agency-a", "52") and visible_to(own_only, "agency-a", "52")
    assert visible_to(region_wide, "agency-b", "52")
    assert not visible_to(own_only, "agency-b", "52")
    assert not visible_to(region_wide, "agency-c", "44")


def test_who_matches_is_who_aims_at_one_of_its_jobs() -> None:
    gathering = a_gathering()
    assert matches(candidate(1, ("K2111", "M1810")), gathering)
    assert not matches(candidate(2, ("M1801",)), gathering)  # the same domain is not the same job
    with pytest.raises(GatheringRefused) as refused:
        decide(gathering, Invite(candidate(2, ("K2111",))), Actor.COUNSELLOR, NOW)
    assert refused.value.code == "gathering_jobs_unmatched"


def test_an_invitation_is_an_event_carrying_ids_and_happens_once() -> None:
    invited, events = decide(a_gathering(), Invite(candidate(1)), Actor.COUNSELLOR, NOW)
    payload = events[0].payload
    assert events[0].event_type == "matching.gathering.invited"
    assert payload["attendees"] == [{"beneficiary_id": "b1", "agency_id": "agency-a"}]
    assert "address" not in payload and "title" not in payload  # where and what stay in matching
    with pytest.raises(GatheringRefused):
        decide(invited, Invite(candidate(1)), Actor.COUNSELLOR, NOW)


def test_capacity_the_last_place_goes_once_and_a_freed_place_comes_back() -> None:
    g, _ = decide(a_gathering(), Register(candidate(1), "r1"), Actor.COUNSELLOR, NOW)
    g, events = decide(g, Register(candidate(2), "r2"), Actor.COUNSELLOR, NOW)
    assert events[0].payload["places_left"] == 0 and g.places_left == 0
    with pytest.raises(GatheringRefused) as full:
        decide(g, Register(candidate(3), "r3"), Actor.COUNSELLOR, NOW)
    assert full.value.code == "gathering_full" and isinstance(full.value, Conflict)
    assert "complet" in full.value.message
    g, _ = decide(g, Unregister("b1"), Actor.COUNSELLOR, NOW)
    assert g.places_left == 1


def test_attendance_only_once_it_has_begun_and_only_for_the_registered() -> None:
    g, _ = decide(a_gathering(), Register(candidate(1), "r1"), Actor.COUNSELLOR, NOW)
    with pytest.raises(GatheringRefused) as early:
        decide(g, RecordAttendance({"b1": True}), Actor.COUNSELLOR, STARTS - timedelta(minutes=1))
    assert early.value.code == "gathering_not_started"
    with pytest.raises(GatheringRefused):
        decide(g, RecordAttendance({"b9": True}), Actor.COUNSELLOR, STARTS)
    held, events = decide(g, RecordAttendance({"b1": True}), Actor.COUNSELLOR, STARTS + timedelta(hours=4))
    assert held.status is Status.HELD and held.registrations[0].present is True
    assert events[0].payload["attendances"] == [{"registration_id": "r1", "agency_id": "agency-a", "present": True}]
    again, _ = decide(held, RecordAttendance({"b1": False}), Actor.COUNSELLOR, STARTS + timedelta(days=1))
    assert again.registrations[0].present is False


def test_registrations_close_when_it_begins_and_a_peer_witnesses_only_for_a_job_of_their_path() -> None:
    with pytest.raises(GatheringRefused) as late:
        decide(a_gathering(), Register(candidate(1), "r1"), Actor.COUNSELLOR, STARTS)
    assert late.value.code == "gathering_started"
    with pytest.raises(GatheringRefused):
        decide(a_gathering(), Volunteer("p1", "agency-b", ("D1106",)), Actor.PEER, NOW)
    g, events = decide(a_gathering(), Volunteer("p1", "agency-b", ("D1106", "M1810")), Actor.PEER, NOW)
    assert g.witnesses[0].job == "M1810" and events[0].payload["by"] == "peer"


def test_the_reminder_is_due_the_day_before_and_sent_once() -> None:
    g = a_gathering()
    assert g.remind_at == STARTS - timedelta(days=1)
    reminded, events = decide(g, Remind(), Actor.SYSTEM, NOW)
    assert reminded.remind_at is None and events[0].event_type == "matching.gathering.reminder_due"


def test_a_cancellation_tells_everyone_invited_or_registered_with_a_new_sequence() -> None:
    g, _ = decide(a_gathering(), Invite(candidate(1)), Actor.COUNSELLOR, NOW)
    g, _ = decide(g, Register(candidate(1), "r1"), Actor.COUNSELLOR, NOW)
    g, _ = decide(g, Register(candidate(2), "r2"), Actor.COUNSELLOR, NOW)
    cancelled, events = decide(g, Cancel(), Actor.COUNSELLOR, NOW)
    assert cancelled.status is Status.CANCELLED and cancelled.sequence == 1 and cancelled.remind_at is None
    assert [a["beneficiary_id"] for a in events[0].payload["attendees"]] == ["b1", "b2"]


def test_an_erased_person_leaves_nothing_that_names_them() -> None:
    g, _ = decide(a_gathering(), Invite(candidate(1)), Actor.COUNSELLOR, NOW)
    g, _ = decide(g, Register(candidate(1), "r1"), Actor.COUNSELLOR, NOW)
    g, _ = decide(g, Volunteer("p1", "agency-b", ("M1805",)), Actor.PEER, NOW)
    assert g.person_ids == ["b1", "p1"]
    for person in ("b1", "p1"):
        g, events = decide(g, Erase(person), Actor.SYSTEM, NOW)
        assert events == []
    assert g.person_ids == [] and not g.invitations and not g.registrations and not g.witnesses


def test_a_publication_says_every_problem_on_its_field() -> None:
    bad = details(title=" ", starts_at=NOW - timedelta(hours=1), ends_at=NOW - timedelta(hours=2), capacity=0)
    with pytest.raises(InvalidInput) as refused:
        check_details(replace(bad, jobs=("Z9999",), address=""), NOW, lambda c: c != "Z9999", lambda p: False)
    fields = {field for field, _ in refused.value.problems}
    assert fields == {"title", "starts_at", "ends_at", "capacity", "jobs", "place_id", "address"}


COMMANDS: dict[str, Command] = {
    "invite": Invite(candidate(5)),
    "register": Register(candidate(5), "r5"),
    "unregister": Unregister("b0"),
    "volunteer": Volunteer("p5", "agency-a", ("M1805",)),
    "remind": Remind(),
    "cancel": Cancel(),
    "record_attendance": RecordAttendance({"b0": True}),
    "erase": Erase("b0"),
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(COMMANDS))
@pytest.mark.parametrize("actor", list(Actor))
def test_the_transition_table_is_the_whole_truth(status: Status, action: str, actor: Actor) -> None:
    g, _ = decide(a_gathering(), Register(candidate(0), "r0"), Actor.COUNSELLOR, NOW)
    g = replace(g, status=status)
    when = STARTS + timedelta(hours=1) if action == "record_attendance" else NOW
    found = TRANSITIONS.get((status, action))
    if found is None:
        with pytest.raises(GatheringRefused):
            decide(g, COMMANDS[action], actor, when)
    elif actor not in found[1]:
        with pytest.raises(NotYours):
            decide(g, COMMANDS[action], actor, when)
    else:
        changed, _ = decide(g, COMMANDS[action], actor, when)
        assert changed.status is found[0] and changed.version == g.version + 1
