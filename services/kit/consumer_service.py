"""The composition every consuming service starts from: its runtime, the agency directory and the closed
staff accounts it keeps from profiles' events, and its FastAPI app."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI

from services.kit import directory_api
from services.kit.agency_directory import AgencyDirectory
from services.kit.bad_requests import LargerBody
from services.kit.closed_accounts import ClosedAccountList
from services.kit.http import create_app
from services.kit.messaging import EventRouter
from services.kit.mongo import IndexDeclarations
from services.kit.runtime import DatabaseSetup, ServiceRuntime
from services.kit.settings import ServiceSettings


def build_consumer_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    router: EventRouter | None = None,
    routers: Sequence[APIRouter] = (),
    aggregate_collections: Sequence[str] = (),
    setup_database: DatabaseSetup | None = None,
    indexes: IndexDeclarations | None = None,
    larger_bodies: Sequence[LargerBody] = (),
) -> tuple[FastAPI, ServiceRuntime]:
    events = router or EventRouter()
    runtime = ServiceRuntime(
        settings,
        router=events,
        aggregate_collections=aggregate_collections,
        setup_database=setup_database,
        indexes=indexes,
    )
    directory = AgencyDirectory(runtime.db)
    directory.subscribe(events)
    closed_accounts = ClosedAccountList(runtime.db, open_seconds=settings.closed_account_check_seconds)
    closed_accounts.subscribe(events)
    app = create_app(
        runtime,
        title=title,
        description=description,
        routers=[directory_api.router, *routers],
        larger_bodies=larger_bodies,
    )
    app.state.agency_directory = directory
    app.state.closed_accounts = closed_accounts  # read by `identity.current_caller` on every request
    return app, runtime
