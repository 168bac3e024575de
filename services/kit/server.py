"""Runs one service: settings, logs, then uvicorn on the configured host and port."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from services.kit import logs
from services.kit.settings import S


def serve(settings: S, build_app: Callable[[S], FastAPI]) -> None:
    logs.configure(settings.service_name, settings.log_level, settings.log_json)
    app = build_app(settings)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=10,
        access_log=False,
    )
