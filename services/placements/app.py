"""The composition root of the placements service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.settings import ServiceSettings


class PlacementsSettings(ServiceSettings):
    service_name: str = "placements"
    http_port: int = Field(default=8003, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    app, _ = build_consumer_app(
        settings, title="Parcours · placements", description="PMSMP conventions from request to assessment."
    )
    return app
