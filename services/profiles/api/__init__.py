"""Profiles' HTTP routes, one module per resource group; ROUTERS in the order the app serves them, and the
handlers that say refusals in HTTP."""

from __future__ import annotations

from fastapi import APIRouter

from services.profiles.api import (
    agencies,
    auth,
    beneficiaries,
    internal,
    peer_links,
    peers,
    reference,
    rights,
    staff,
    testimonies,
    testimony_links,
)
from services.profiles.api.errors import REFUSALS

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    staff.router,
    agencies.router,
    beneficiaries.router,
    peers.router,
    peer_links.router,
    testimonies.router,
    testimony_links.peer_router,
    testimony_links.shared_router,
    rights.router,
    reference.router,
    internal.router,
)

__all__ = ["REFUSALS", "ROUTERS"]
