"""A consumer process for the kill test: applies agency events of one lot slowly, noting every
application (even a repeated one) in the `applied` collection. usage: python -m ... <name> <lot>"""

from __future__ import annotations

import asyncio
import signal
import sys

from services.contracts.envelope import Envelope
from services.contracts.events.profiles import AgencyRegisteredV1
from services.kit import logs
from services.kit.messaging import EventRouter
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings


async def main(name: str, lot: str) -> None:
    logs.configure(name, "WARNING")
    router = EventRouter()
    runtime = ServiceRuntime(ServiceSettings(service_name=name, consumer_batch_size=50), router=router)

    async def apply(envelope: Envelope, payload: AgencyRegisteredV1) -> None:
        if payload.name.startswith(lot):
            await runtime.db["applied"].insert_one({"event_id": envelope.event_id})
            await asyncio.sleep(0.01)

    router.on("profiles.agency.registered", apply)
    await runtime.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runtime.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
