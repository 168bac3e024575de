"""Kafka administration with kafka-python (blocking; call it from a thread): topic provisioning at
start-up and the lag of a consumer group."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from kafka import TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, OffsetSpec
from kafka.errors import TopicAlreadyExistsError


def _admin(bootstrap_servers: str, client_id: str) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id=client_id, request_timeout_ms=5000, bootstrap_timeout_ms=3000
    )


def provision_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    partitions: int,
    replication_factor: int,
    retention_ms: int | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created. With `retention_ms`, every one
    of `topics` keeps its records that long, those created before included (set again at each start-up,
    so that a changed setting reaches them)."""
    admin = _admin(bootstrap_servers, "parcours-provisioning")
    try:
        wanted = sorted(set(topics))
        existing = set(admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        configs = {"retention.ms": str(retention_ms)} if retention_ms is not None else {}
        if missing:
            spec = {"num_partitions": partitions, "replication_factor": replication_factor, "configs": configs}
            with contextlib.suppress(TopicAlreadyExistsError):  # another service created it meanwhile
                admin.create_topics({name: spec for name in missing}, wait_for_metadata=True)
        if configs:
            admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, configs=configs) for name in wanted])
        return missing
    finally:
        admin.close()


def consumer_lag(bootstrap_servers: str, group_id: str, topics: Iterable[str]) -> dict[str, int]:
    """Messages not yet committed by the group, per topic (end offset minus committed offset)."""
    admin = _admin(bootstrap_servers, "parcours-lag")
    try:
        wanted = set(topics)
        partitions = [
            TopicPartition(topic["name"], p["partition_index"])
            for topic in admin.describe_topics(sorted(wanted))
            for p in topic["partitions"]
        ]
        if not partitions:
            return {}
        committed = admin.list_group_offsets({group_id: None}).get(group_id, {})
        ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
        lag: dict[str, int] = dict.fromkeys(wanted, 0)
        for tp in partitions:
            done = committed.get(tp)
            start = done.offset if done is not None and done.offset >= 0 else 0
            lag[tp.topic] += max(0, ends[tp].offset - start)
        return lag
    finally:
        admin.close()
