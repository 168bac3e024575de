"""Matching's HTTP routes, one module per resource group, and how refusals become HTTP answers."""

from __future__ import annotations

from fastapi import APIRouter

from services.kit.errors import Said
from services.matching.api import (
    gathering_links,
    gatherings,
    internal,
    introductions,
    meetings,
    operations,
    peer_links,
    preparation,
    suggestions,
)
from services.matching.domain.actor import NotYours
from services.matching.domain.introduction import RefusedTransition
from services.matching.use_cases.suggestions import UnknownPeer

ROUTERS: tuple[APIRouter, ...] = (
    suggestions.router,
    introductions.router,
    meetings.router,
    preparation.router,
    operations.router,
    peer_links.router,
    gatherings.router,
    gathering_links.router,
    internal.router,
)

# what matching's domain refuses that the kit does not already say (`Refusal`s, `InvalidInput` and
# `ConcurrentUpdate` are the kit's): `services.kit.errors.answer_errors` registers the table
REFUSALS: dict[type[Exception], Said] = {
    UnknownPeer: Said(
        404, "peer_not_found", "Ce pair est inconnu, retiré, ou invisible pour l'agence de ce bénéficiaire."
    ),
    RefusedTransition: Said(409, "introduction_wrong_status"),  # its own French reason, and its code
    NotYours: Said(409, "not_your_step", "Cette étape de la mise en relation ne vous revient pas."),
}
