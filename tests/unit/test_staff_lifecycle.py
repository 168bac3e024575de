"""Every (status, action) pair of a staff account's life cycle, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import product

import pytest

from services.contracts.events.profiles import StaffRole
from services.profiles.domain import staff as rules
from services.profiles.domain.access import Actor
from services.profiles.domain.lifecycle import NotYours

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
AccountStatus = rules.AccountStatus
ADMINISTRATORS = {Actor.OPERATOR, Actor.AGENCY_ADMIN}
ALLOWED = {
    (AccountStatus.ACTIVE, rules.Action.DEACTIVATE): (AccountStatus.DEACTIVATED, ["profiles.staff.deactivated"]),
    (AccountStatus.DEACTIVATED, rules.Action.DEACTIVATE): (AccountStatus.DEACTIVATED, []),
}


def account_at(status: rules.AccountStatus) -> rules.StaffMember:
    member, _ = rules.register("a", "A.Martin@ml.fr ", "Alice Martin", [StaffRole.COUNSELLOR], "un-mot-de-passe")
    return member if status is AccountStatus.ACTIVE else replace(member, active=False, version=2)


def test_every_pair_has_a_rule() -> None:
    assert set(rules.TRANSITIONS) == set(ALLOWED) == set(product(AccountStatus, rules.Action))


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED))
def test_closing_an_account_once_announces_it_and_again_changes_nothing(
    status: rules.AccountStatus, action: rules.Action
) -> None:
    member = account_at(status)
    to, event_types = ALLOWED[(status, action)]
    for actor in ADMINISTRATORS:
        closed, events = rules.decide(member, rules.Deactivate(), actor, NOW)
        assert closed.status is to and [e.event_type for e in events] == event_types
        assert closed.version == member.version + (1 if events else 0)
    for actor in set(Actor) - ADMINISTRATORS:
        with pytest.raises(NotYours):
            rules.decide(member, rules.Deactivate(), actor, NOW)


def test_only_an_operator_appoints_regional_coordinators() -> None:
    assert rules.may_appoint([StaffRole.COUNSELLOR], Actor.AGENCY_ADMIN)
    assert not rules.may_appoint([StaffRole.REGIONAL_COORDINATOR], Actor.AGENCY_ADMIN)
    assert rules.may_appoint([StaffRole.REGIONAL_COORDINATOR], Actor.OPERATOR)
