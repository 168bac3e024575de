"""Golden JSON per event version: what consumers deployed today must keep reading tomorrow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.contracts.envelope import Envelope
from services.contracts.events.registry import REGISTRY, contract_of, parse_payload
from services.contracts.topics import BY_NAME

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}.json"


def test_every_contract_has_a_golden_fixture() -> None:
    missing = [fixture_name(*key) for key in REGISTRY if not (FIXTURES / fixture_name(*key)).exists()]
    assert not missing, f"add golden fixtures for {missing}"


def _as_in(fixture: object, dumped: object) -> object:
    """`dumped` reduced to the fields the fixture has, at every depth: fields added within a version since the
    fixture was written (with their defaults) are not a change."""
    if isinstance(fixture, dict) and isinstance(dumped, dict):
        return {k: _as_in(v, dumped.get(k)) for k, v in fixture.items()}
    if isinstance(fixture, list) and isinstance(dumped, list) and len(fixture) == len(dumped):
        return [_as_in(f, d) for f, d in zip(fixture, dumped, strict=True)]
    return dumped


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_golden_fixture_still_parses_and_round_trips(path: Path) -> None:
    raw = json.loads(path.read_text())
    envelope = Envelope.model_validate(raw)
    contract = contract_of(envelope)
    assert path.name == fixture_name(contract.event_type, contract.version)
    payload = parse_payload(envelope)
    dumped = payload.model_dump(mode="json")
    assert _as_in(raw["payload"], dumped) == raw["payload"], "no field of the fixture is lost or changed"
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope
    assert contract.topic in BY_NAME and BY_NAME[contract.topic].aggregate_type == envelope.aggregate_type


def test_the_asyncapi_document_lists_every_contract_on_its_topic() -> None:
    from services.contracts import asyncapi

    document = asyncapi.document()
    assert document["asyncapi"].startswith("3.")
    for contract in REGISTRY.values():
        name = f"{contract.event_type}.v{contract.version}"
        assert name in document["channels"][contract.topic]["messages"]
        schema = document["components"]["messages"][name]["payload"]["allOf"][1]["properties"]["payload"]
        assert set(schema["required"]) <= set(schema["properties"])


def test_the_asyncapi_document_shows_the_own_path_codes_and_not_the_reason() -> None:
    from services.contracts import asyncapi

    messages = asyncapi.document()["components"]["messages"]

    def payload(name: str) -> str:
        return json.dumps(messages[name]["payload"]["allOf"][1]["properties"]["payload"])

    beneficiary = payload("profiles.beneficiary.project_changed.v1")
    assert '"previous_steps"' in beneficiary and '"transition"' in beneficiary
    assert "TransitionReason" not in beneficiary and "employer" not in beneficiary
    peer = payload("profiles.peer.updated.v1")
    assert '"employer_id"' in peer and '"employer"' not in peer and "siret" not in peer
