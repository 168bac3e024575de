"""The console's request -> component getters, as `Annotated` aliases for the routes (the callers'
aliases are the kit's: `services.kit.identity`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.console.adapters.upstreams import Upstreams
from services.console.use_cases.dashboard import Dashboard


def dashboard(request: Request) -> Dashboard:
    component: Dashboard = request.app.state.dashboard
    return component


def upstreams(request: Request) -> Upstreams:
    component: Upstreams = request.app.state.upstreams
    return component


DashboardDep = Annotated[Dashboard, Depends(dashboard)]
UpstreamsDep = Annotated[Upstreams, Depends(upstreams)]
