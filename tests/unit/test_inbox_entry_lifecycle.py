"""An inbox entry's life cycle without a database: every (status, action) pair of the table, by every
kind of actor, pushed or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.notifications.domain.inbox_entry import (
    DISPATCHER,
    PUSHED_EVENT,
    TRANSITIONS,
    Action,
    Actor,
    AlreadyPushed,
    Command,
    InboxEntry,
    MarkRead,
    NotAllowed,
    NotYours,
    Push,
    Role,
    Status,
    decide,
    owner,
)

NOW = datetime(2027, 3, 15, 9, 30, tzinfo=UTC)
COMMANDS: dict[Action, Command] = {Action.PUSH: Push(), Action.READ: MarkRead()}
ACTORS = {Role.OWNER: owner("valerie"), Role.DISPATCHER: DISPATCHER}
PAIRS = [(status, action) for status in Status for action in Action]


def an_entry(status: Status, *, pushed: bool = False) -> InboxEntry:
    return InboxEntry(
        id="0190f5c2-0000-7000-8000-000000000001",
        key="event-1.valerie",
        staff_id="valerie",
        agency_id="agency-1",
        kind="convention_to_validate",
        title="Convention à valider",
        body="Une convention d'immersion est signée et attend votre validation.",
        url="http://console/conventions/c1",
        subject_id="c1",
        created_at=NOW,
        read=status is Status.READ,
        pushed=pushed,
    )


def test_the_table_has_every_status_and_action_pair() -> None:
    assert set(TRANSITIONS) == set(PAIRS)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_each_allowed_pair_gives_its_status_and_events(status: Status, action: Action) -> None:
    after, allowed = TRANSITIONS[(status, action)]
    for role in allowed:
        entry = an_entry(status)
        changed, events = decide(entry, COMMANDS[action], ACTORS[role], NOW)
        assert changed.status is after
        if action is Action.PUSH:
            assert changed == replace(entry, pushed=True)
            [event] = events
            assert (event.event_type, event.aggregate_type, event.aggregate_id) == (PUSHED_EVENT, "delivery", entry.id)
            assert (event.aggregate_version, event.tenant_id, event.producer) == (1, "agency-1", "notifications")
            assert event.payload == {
                **entry.notification().model_dump(mode="json"),
                "notification_id": entry.id,
                "sequence": entry.id,
            }
        else:
            assert changed == replace(entry, read=True) and events == []


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_each_pair_is_refused_to_the_roles_it_is_not_for(status: Status, action: Action) -> None:
    _, allowed = TRANSITIONS[(status, action)]
    for role in set(Role) - allowed:
        with pytest.raises(NotAllowed) as refused:
            decide(an_entry(status), COMMANDS[action], ACTORS[role], NOW)
        assert (refused.value.role, refused.value.action) == (role, action)


@pytest.mark.parametrize("status", list(Status))
def test_only_its_owner_reads_an_entry(status: Status) -> None:
    with pytest.raises(NotYours):
        decide(an_entry(status), MarkRead(), owner("someone-else"), NOW)


@pytest.mark.parametrize("status", list(Status))
def test_an_entry_is_pushed_once(status: Status) -> None:
    with pytest.raises(AlreadyPushed):
        decide(an_entry(status, pushed=True), Push(), DISPATCHER, NOW)


def test_reading_a_pushed_entry_keeps_it_pushed_and_reading_twice_changes_nothing() -> None:
    read, _ = decide(an_entry(Status.UNREAD, pushed=True), MarkRead(), owner("valerie"), NOW)
    assert read.read and read.pushed
    assert decide(read, MarkRead(), owner("valerie"), NOW) == (read, [])


def test_an_owner_is_an_actor_with_their_staff_id() -> None:
    assert owner("valerie") == Actor(Role.OWNER, "valerie")
