"""Prometheus metrics shared by every service (one registry per service process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.service = service
        self.http_requests = Counter(
            "parcours_http_requests_total",
            "HTTP requests",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "parcours_http_request_seconds",
            "HTTP request duration",
            ["service", "route"],
            registry=self.registry,
        )
        self.events_published = Counter(
            "parcours_events_published_total",
            "events published by the outbox relay",
            ["service", "topic"],
            registry=self.registry,
        )
        self.events_consumed = Counter(
            "parcours_events_consumed_total",
            "events consumed, by outcome",
            ["service", "topic", "outcome"],
            registry=self.registry,
        )
        self.events_dead_lettered = Counter(
            "parcours_events_dead_lettered_total",
            "events sent to a dead-letter topic",
            ["service", "topic"],
            registry=self.registry,
        )
        self.events_set_aside = Counter(
            "parcours_outbox_set_aside_total",
            "outbox entries Kafka refused for good, set aside in outbox_refused",
            ["service", "topic"],
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "parcours_consumer_lag",
            "messages not yet consumed by this service's group",
            ["service", "topic"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "parcours_outbox_pending", "events waiting in outboxes", ["service"], registry=self.registry
        )

    def published(self, topic: str, count: int) -> None:
        self.events_published.labels(self.service, topic).inc(count)

    def consumed(self, topic: str, outcome: str) -> None:
        self.events_consumed.labels(self.service, topic, outcome).inc()

    def dead_lettered(self, topic: str) -> None:
        self.events_dead_lettered.labels(self.service, topic).inc()

    def set_aside(self, topic: str) -> None:
        self.events_set_aside.labels(self.service, topic).inc()
