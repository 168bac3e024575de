"""The composition root of the profiles service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit.http import create_app
from services.kit.runtime import ServiceRuntime
from services.kit.settings import ServiceSettings
from services.profiles import api
from services.profiles.adapters.agencies import COLLECTION as AGENCIES
from services.profiles.adapters.agencies import AgencyRepository


class ProfilesSettings(ServiceSettings):
    service_name: str = "profiles"
    http_port: int = Field(default=8001, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = ServiceRuntime(settings, aggregate_collections=[AGENCIES])
    app = create_app(
        runtime,
        title="Parcours · profiles",
        description="Agencies, staff, beneficiaries and their project, peers and their lived paths.",
        routers=[api.router],
    )
    app.state.agencies = AgencyRepository(runtime.db, runtime.outbox)
    return app
