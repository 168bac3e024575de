"""The composition root of the notifications service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit import directory_api
from services.kit.agency_directory import AgencyDirectory
from services.kit.http import create_app
from services.kit.messaging import EventRouter
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = Field(default=8004, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    router = EventRouter()
    runtime = ServiceRuntime(settings, router=router)
    directory = AgencyDirectory(runtime.db)
    directory.subscribe(router)
    app = create_app(
        runtime,
        title="Parcours · notifications",
        description="Live push, e-mail and inboxes.",
        routers=[directory_api.router],
    )
    app.state.agency_directory = directory
    return app
