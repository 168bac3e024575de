"""The composition root of the notifications service."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from services.kit.consumer_service import build_consumer_app
from services.kit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = Field(default=8004, ge=1, le=65535)


def build_app(settings: ServiceSettings) -> FastAPI:
    app, _ = build_consumer_app(
        settings, title="Parcours · notifications", description="Live push, e-mail and inboxes."
    )
    return app
