"""The AsyncAPI 3.0 description of Parcours' events, generated from the topic catalogue and the
contracts registry (so it cannot drift from the code)."""

from __future__ import annotations

from typing import Any

from services.contracts.envelope import Envelope
from services.contracts.events.registry import REGISTRY
from services.contracts.topics import CATALOGUE


def _message_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def document() -> dict[str, Any]:
    envelope = Envelope.model_json_schema()
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in CATALOGUE:
        contracts = [c for c in REGISTRY.values() if c.topic == spec.name]
        channel_messages = {}
        for contract in contracts:
            name = _message_name(contract.event_type, contract.version)
            payload_schema = contract.payload.model_json_schema()
            messages[name] = {
                "name": contract.event_type,
                "title": f"{contract.event_type} (v{contract.version})",
                "contentType": "application/json",
                "headers": {
                    "type": "object",
                    "properties": {h: {"type": "string"} for h in ("ce_id", "ce_type", "ce_source", "tenant_id")},
                },
                "payload": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Envelope"},
                        {
                            "type": "object",
                            "properties": {
                                "event_type": {"const": contract.event_type},
                                "event_version": {"const": contract.version},
                                "payload": payload_schema,
                            },
                        },
                    ]
                },
                "bindings": {"kafka": {"key": {"type": "string", "description": "aggregate_id"}}},
            }
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
        channels[spec.name] = {
            "address": spec.name,
            "description": f"{spec.description}; key = {spec.aggregate_type} id; dead letters on {spec.dead_letter}",
            "messages": channel_messages,
        }
        if contracts:
            operations[f"{spec.owner}.publishes.{spec.name}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{spec.name}"},
                "summary": f"published by {spec.owner} through its outbox",
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Parcours events",
            "version": "1",
            "description": "Domain events between the profiles, matching, placements and notifications services.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": {"Envelope": envelope}},
    }
