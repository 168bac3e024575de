"""Operator authentication for platform endpoints (bootstrap and maintenance), with a bearer token from
settings. People's authentication (JWT, roles, agencies) is built on top in the profiles service."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.errors import ApiRefusal

_bearer = HTTPBearer(auto_error=False, description="operator token (PARCOURS_OPERATOR_TOKEN)")


def is_operator_token(request: Request, token: str) -> bool:
    expected: str = request.app.state.settings.operator_token
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def require_operator(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    expected: str = request.app.state.settings.operator_token
    if not expected:
        raise ApiRefusal(
            status.HTTP_403_FORBIDDEN,
            "operator_disabled",
            "Les routes d'exploitation sont désactivées ici (PARCOURS_OPERATOR_TOKEN est vide).",
        )
    if credentials is None or not is_operator_token(request, credentials.credentials):
        raise ApiRefusal(
            status.HTTP_401_UNAUTHORIZED,
            "operator_token_required",
            "Route d'exploitation : le jeton de l'exploitant est requis.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def operator_moment(request: Request, as_of: datetime | None) -> datetime:
    """The moment an operator runs a scheduler as of: now, or `as_of` when the settings allow moving the
    clock (UTC when no zone is given)."""
    if as_of is None:
        return datetime.now(UTC)
    if not request.app.state.settings.operator_clock:
        raise ApiRefusal(
            status.HTTP_403_FORBIDDEN,
            "operator_clock_disabled",
            "L'horloge ne se déplace pas ici (PARCOURS_OPERATOR_CLOCK=false) : retirez as_of.",
            "as_of",
        )
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
