"""The HTTP routes of the notifications service, one module per resource group."""

from __future__ import annotations

from fastapi import APIRouter

from services.notifications.api import emails, inbox, preferences, stream

ROUTERS: tuple[APIRouter, ...] = (inbox.router, stream.router, preferences.router, emails.router)
