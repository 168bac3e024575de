"""The composition root of the matching service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    service_name: str = "matching"
    http_port: int = Field(default=8002, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    app, _ = build_consumer_app(
        settings,
        title="Parcours · matching",
        description="Ranks peers for a beneficiary with reasons, and follows introductions.",
    )
    return app
