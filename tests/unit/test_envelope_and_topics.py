from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.contracts.envelope import Envelope
from services.contracts.events.registry import REGISTRY
from services.contracts.topics import BY_NAME, CATALOGUE, all_topic_names, dead_letter_topic


def agency_event(**changes: object) -> Envelope:
    fields: dict[str, object] = {
        "event_type": "profiles.agency.registered",
        "aggregate_type": "agency",
        "aggregate_id": "a-1",
        "aggregate_version": 1,
        "tenant_id": "a-1",
        "producer": "profiles",
        "payload": {"agency_id": "a-1", "name": "CIO de Laval", "kind": "cio", "region_code": "52"},
    }
    return Envelope.model_validate(fields | changes)


def test_an_envelope_survives_the_wire_and_carries_cloudevents_headers() -> None:
    event = agency_event()
    assert Envelope.from_bytes(event.to_bytes()) == event
    headers = event.headers()
    assert headers["ce_id"] == event.event_id and headers["ce_type"] == "profiles.agency.registered"
    assert headers["ce_source"] == "profiles" and headers["tenant_id"] == "a-1"
    assert event.occurred_at.tzinfo is not None


@pytest.mark.parametrize("bad", [{"aggregate_version": 0}, {"aggregate_id": ""}, {"unexpected": 1}])
def test_an_envelope_refuses_what_breaks_it(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        agency_event(**bad)


def test_every_topic_has_its_dead_letter_topic_and_every_contract_a_catalogued_topic() -> None:
    names = all_topic_names()
    assert len(names) == len(set(names)) == 2 * len(CATALOGUE)
    assert all(dead_letter_topic(spec.name) in names for spec in CATALOGUE)
    assert all(contract.topic in BY_NAME for contract in REGISTRY.values())
    assert all(contract.event_type.startswith(BY_NAME[contract.topic].owner + ".") for contract in REGISTRY.values())
