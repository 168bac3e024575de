"""The relay's sender after a broker restart: a producer whose sequence numbers the broker refuses for good
(OutOfOrderSequenceNumber on every retry, as the reliability harness found after restarting Kafka) is
replaced before the next send, so the relay publishes again without the service being restarted."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber

from services.kit.messaging import sender_for


class Producer:
    """FastStream's wrapper: counts the producers connected after the first."""

    def __init__(self) -> None:
        self.renewed = 0
        self.serializer, self.codec = None, None

    async def disconnect(self) -> None:
        pass

    async def connect(self, producer: Any, serializer: Any = None, codec: Any = None) -> None:
        self.renewed += 1


class BrokerRefusingTheOldProducer:
    """Acknowledges nothing the first producer sends, as a broker that lost its sequence numbers."""

    def __init__(self) -> None:
        self.producer = Producer()
        self.config = SimpleNamespace(producer=self.producer)
        self._connection_kwargs = {"bootstrap_servers": "127.0.0.1:1"}

    async def publish(self, value: bytes, **_: Any) -> asyncio.Future[str]:
        acknowledgement: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        if self.producer.renewed:
            acknowledgement.set_result("acknowledged")
        else:
            acknowledgement.set_exception(OutOfOrderSequenceNumber())
        return acknowledgement


async def test_a_producer_the_broker_refuses_for_good_is_replaced_before_the_next_send() -> None:
    broker = BrokerRefusingTheOldProducer()
    send = sender_for(broker)  # type: ignore[arg-type]
    with pytest.raises(OutOfOrderSequenceNumber):
        await (await send("profiles.peer", "p-1", b"{}", {}))
    again = await send("profiles.peer", "p-1", b"{}", {})
    assert await again == "acknowledged"
    assert broker.producer.renewed == 1
