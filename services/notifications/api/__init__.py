"""The HTTP routes of the notifications service, one module per resource group, and what its domain refuses
that the kit does not already say (`services.kit.errors.answer_errors` registers the table)."""

from __future__ import annotations

from fastapi import APIRouter

from services.kit.errors import Said
from services.notifications.api import emails, inbox, preferences, stream
from services.notifications.domain import email, inbox_entry

ROUTERS: tuple[APIRouter, ...] = (inbox.router, stream.router, preferences.router, emails.router)

REFUSALS: dict[type[Exception], Said] = {
    inbox_entry.NotYours: Said(404, "notification_not_found", "Cette notification n'est pas dans votre boîte."),
    inbox_entry.Refused: Said(409, "notification_refused", "Cette notification ne le permet pas."),
    email.Refused: Said(409, "email_wrong_status", "Cet e-mail n'en est pas à cette étape."),
    email.NotAllowed: Said(403, "not_your_step", "Cette étape de l'envoi ne vous revient pas."),
}
