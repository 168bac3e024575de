"""Placements' HTTP routes, one module per resource group, gathered in `ROUTERS` (in this order)."""

from __future__ import annotations

from fastapi import APIRouter

from services.placements.api import agency, conventions, internal, links, operations

ROUTERS: tuple[APIRouter, ...] = (conventions.router, agency.router, operations.router, links.router, internal.router)
