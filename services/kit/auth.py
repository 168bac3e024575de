"""Operator authentication for platform endpoints (bootstrap and maintenance), with a bearer token from
settings. People's authentication (JWT, roles, agencies) is built on top in the profiles service."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False, description="operator token (PARCOURS_OPERATOR_TOKEN)")


def is_operator_token(request: Request, token: str) -> bool:
    expected: str = request.app.state.settings.operator_token
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def require_operator(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    expected: str = request.app.state.settings.operator_token
    if not expected:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "operator endpoints are disabled: PARCOURS_OPERATOR_TOKEN is empty"
        )
    if credentials is None or not is_operator_token(request, credentials.credentials):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid operator bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
