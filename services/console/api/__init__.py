"""The console's HTTP routes, in the order they are matched: the dashboard's API, the pages, then the
proxy that takes every other `/api/<service>/...`."""

from __future__ import annotations

from fastapi import APIRouter

from services.console.api import insights, pages, proxy

ROUTERS: tuple[APIRouter, ...] = (insights.router, pages.router, proxy.router)
