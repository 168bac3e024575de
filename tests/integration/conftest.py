from __future__ import annotations

import pytest

from services.contracts.topics import all_topic_names
from services.kit import kafka_admin, logs
from tests.conftest import Servers


@pytest.fixture(autouse=True, scope="session")
def _readable_logs() -> None:
    logs.configure("tests", "WARNING", as_json=False)


@pytest.fixture(autouse=True, scope="session")
def _topics(servers: Servers) -> None:
    """The catalogue's topics exist before any test produces, as a service's start-up would ensure."""
    kafka_admin.provision_topics(servers.kafka_bootstrap_servers, all_topic_names(), 3, 1)
