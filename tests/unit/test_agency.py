from __future__ import annotations

import pytest

from services.contracts.events.profiles import AgencyKind
from services.kit import context
from services.profiles.domain import agency as agencies


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


def test_renaming_moves_the_version_on_and_keeps_the_causation() -> None:
    agency, _ = agencies.register("CIO de Laval", AgencyKind.CIO, "52")
    with context.bound(context.TraceContext("corr-2", causation_id="evt-0")):
        renamed, event = agencies.rename(agency, "CIO Laval Centre")
    assert renamed.version == 2 and event.aggregate_version == 2
    assert event.causation_id == "evt-0" and event.payload == {
        "agency_id": agency.agency_id,
        "name": "CIO Laval Centre",
    }
