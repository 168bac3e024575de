"""Who may do what in profiles: operators (platform bootstrap) and staff by role and agency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit.auth import is_operator_token
from services.kit.identity import Caller, Role, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="a staff token (POST /auth/login) or the operator token")


@dataclass(frozen=True)
class Actor:
    """An operator (no agency) or a staff member."""

    operator: bool
    caller: Caller | None = None

    def administers(self, agency_id: str) -> bool:
        return self.operator or (
            self.caller is not None and self.caller.agency_id == agency_id and self.caller.has(Role.AGENCY_ADMIN)
        )


def current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a bearer token is required", {"WWW-Authenticate": "Bearer"})
    if is_operator_token(request, credentials.credentials):
        return Actor(operator=True)
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return Actor(operator=False, caller=verifier.verify(credentials.credentials))
    except Exception as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, f"invalid token: {error}", {"WWW-Authenticate": "Bearer"}
        ) from error


CurrentActor = Annotated[Actor, Depends(current_actor)]
