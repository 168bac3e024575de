from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.contracts.events.profiles import AgencyKind
from services.kit import context
from services.profiles.domain import agency as agencies
from services.profiles.domain.access import Actor
from services.profiles.domain.agency import Action, AgencyStatus, Close, Rename
from services.profiles.domain.lifecycle import NotYours

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def test_registering_an_agency_tidies_its_name_and_announces_it() -> None:
    with context.bound(context.TraceContext("corr-1")):
        agency, event = agencies.register("  Mission   locale  d'Angers ", AgencyKind.MISSION_LOCALE, "52")
    assert agency.name == "Mission locale d'Angers" and agency.version == 1
    assert event.event_type == "profiles.agency.registered" and event.aggregate_version == 1
    assert event.aggregate_id == event.tenant_id == agency.agency_id
    assert event.correlation_id == "corr-1"
    assert event.payload["name"] == "Mission locale d'Angers"


@pytest.mark.parametrize(("name", "region"), [("   ", "52"), ("CIO", "5"), ("CIO", "Pays de la Loire")])
def test_an_agency_needs_a_name_and_a_region_code(name: str, region: str) -> None:
    with pytest.raises(agencies.InvalidAgency):
        agencies.register(name, AgencyKind.CIO, region)


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("", "name", "obligatoire"),
        (" \u00a0 ", "name", "obligatoire"),
        ("CIO\nde Laval", "name", "caractère de contrôle"),
        ("CIO\tde Laval", "name", "caractère de contrôle"),
        ("CIO\x00", "name", "caractère de contrôle"),
        ("CIO\u200bde Laval", "name", "caractère de contrôle"),  # zero-width space: looks the same, is another name
        ("CIO\u202ede Laval", "name", "caractère de contrôle"),  # right-to-left override
        ("x" * 201, "name", "200 caractères"),
    ],
)
def test_a_name_is_refused_in_french_on_its_field(name: str, field: str, words: str) -> None:
    with pytest.raises(agencies.InvalidAgency) as refused:
        agencies.register(name, AgencyKind.CIO, "52")
    assert refused.value.field == field and words in str(refused.value)


def test_names_that_differ_only_by_case_accents_or_spaces_share_their_key() -> None:
    first, _ = agencies.register("Mission locale de Saint-Nazaire", AgencyKind.MISSION_LOCALE, "52")
    second, _ = agencies.register("MISSION  LOCALE DE SAINT-NAZAIRE ", AgencyKind.MISSION_LOCALE, "52")
    accents, _ = agencies.register("Mission locale de Sàint-Nazaïre", AgencyKind.MISSION_LOCALE, "52")
    other, _ = agencies.register("Mission locale de Saint-Nazaire Est", AgencyKind.MISSION_LOCALE, "52")
    assert first.name_key == second.name_key == accents.name_key != other.name_key
    assert first.name == "Mission locale de Saint-Nazaire" and second.name == "MISSION LOCALE DE SAINT-NAZAIRE"


def test_renaming_moves_the_version_on_and_keeps_the_causation() -> None:
    agency, _ = agencies.register("CIO de Laval", AgencyKind.CIO, "52")
    with context.bound(context.TraceContext("corr-2", causation_id="evt-0")):
        renamed, event = agencies.rename(agency, "CIO Laval Centre")
    assert renamed.version == 2 and event.aggregate_version == 2
    assert event.causation_id == "evt-0" and event.payload == {
        "agency_id": agency.agency_id,
        "name": "CIO Laval Centre",
    }


def test_renaming_to_the_same_name_changes_nothing_and_a_bad_name_is_refused() -> None:
    agency, _ = agencies.register("CIO de Laval", AgencyKind.CIO, "52")
    same, events = agencies.decide(agency, Rename("  CIO   de Laval "), Actor.AGENCY_ADMIN, NOW)
    assert same is agency and events == []
    with pytest.raises(agencies.InvalidAgency):
        agencies.decide(agency, Rename("CIO\r\nde Laval"), Actor.OPERATOR, NOW)


def test_closing_frees_the_name_announces_it_once_and_ends_renaming() -> None:
    agency, _ = agencies.register("CIO de Laval", AgencyKind.CIO, "52")
    closed, events = agencies.decide(agency, Close(), Actor.OPERATOR, NOW)
    assert closed.status is AgencyStatus.CLOSED and not closed.open and closed.version == 2
    assert closed.name_key is None, "a closed agency's name may be taken again"
    assert [e.event_type for e in events] == ["profiles.agency.closed"]
    assert events[0].payload == {"agency_id": agency.agency_id} and events[0].aggregate_version == 2
    again, none = agencies.decide(closed, Close(), Actor.OPERATOR, NOW)
    assert again is closed and none == []
    with pytest.raises(agencies.AgencyClosed, match="fermée"):
        agencies.decide(closed, Rename("CIO de Laval Centre"), Actor.OPERATOR, NOW)


@pytest.mark.parametrize("status", list(AgencyStatus))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("actor", list(Actor))
def test_every_step_of_the_table_is_taken_or_refused(status: AgencyStatus, action: Action, actor: Actor) -> None:
    registered, _ = agencies.register("CIO de Laval", AgencyKind.CIO, "52")
    agency = (
        agencies.decide(registered, Close(), Actor.OPERATOR, NOW)[0] if status is AgencyStatus.CLOSED else registered
    )
    command = Rename("CIO Laval Centre") if action is Action.RENAME else Close()
    rule = agencies.TRANSITIONS.get((status, action))
    if rule is None:
        with pytest.raises(agencies.AgencyClosed):
            agencies.decide(agency, command, actor, NOW)
    elif actor not in rule.actors:
        with pytest.raises(NotYours):
            agencies.decide(agency, command, actor, NOW)
    else:
        changed, _ = agencies.decide(agency, command, actor, NOW)
        assert changed.status is rule.to
    assert (AgencyStatus.OPEN, Action.CLOSE) in agencies.TRANSITIONS
    assert agencies.TRANSITIONS[(AgencyStatus.OPEN, Action.CLOSE)].actors == {Actor.OPERATOR}
