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
        # longer than a client's own idle expiry (httpx: 5 s, the same as uvicorn's default): a client then
        # drops an idle connection before the server does, instead of sending a request down one the server
        # is closing (seen as a ReadError on a busy machine)
        timeout_keep_alive=30,
        access_log=False,
    )
