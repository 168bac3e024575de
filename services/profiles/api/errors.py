"""What the use cases and the domain refuse, said in HTTP: one handler per kind of refusal, registered on
the app, so that routes only translate what they receive and return."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, status
from fastapi.responses import JSONResponse

from services.kit.outbox import ConcurrentUpdate
from services.profiles.domain.agency import AgencyClosed, InvalidAgency
from services.profiles.domain.beneficiary import InvalidBeneficiary
from services.profiles.domain.lifecycle import NotYours
from services.profiles.domain.peer import InvalidPeer
from services.profiles.domain.staff import InvalidStaff
from services.profiles.use_cases.errors import Conflict, Forbidden, NotFound

IDENTITY_FIELDS = {"first_name", "last_name", "birth_year", "guardian", "email", "phone"}
BENEFICIARY_TOP_FIELDS = {"counsellor_id"}  # in the body itself, not in its identity or project


def _detail(code: int, detail: Any) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)


def _problem(loc: list[str], message: str) -> dict[str, Any]:
    return {"loc": loc, "msg": message, "type": "value_error"}


def _beneficiary_field(field: str) -> list[str]:
    if field in BENEFICIARY_TOP_FIELDS:
        return ["body", field]
    part = "identity" if field in IDENTITY_FIELDS else field if field in ("status", "outcome") else "project"
    return ["body", part, field]


async def _invalid_peer(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidPeer)
    problems = [_problem(["body", *f.split(".")], m) for f, m in error.problems]
    return _detail(status.HTTP_422_UNPROCESSABLE_CONTENT, problems)


async def _invalid_beneficiary(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidBeneficiary)
    problems = [_problem(_beneficiary_field(f), m) for f, m in error.problems]
    return _detail(status.HTTP_422_UNPROCESSABLE_CONTENT, problems)


async def _invalid_staff(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidStaff)
    return _detail(status.HTTP_422_UNPROCESSABLE_CONTENT, [_problem(["body", error.field], str(error))])


async def _invalid_agency(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidAgency)
    return _detail(status.HTTP_422_UNPROCESSABLE_CONTENT, [_problem(["body", error.field], str(error))])


def _said(code: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(request: Request, error: Exception) -> JSONResponse:
        return _detail(code, str(error))

    return handler


async def _concurrent_update(request: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_409_CONFLICT, f"{error}; read it again and retry")


EXCEPTION_HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[JSONResponse]]] = {
    InvalidPeer: _invalid_peer,
    InvalidBeneficiary: _invalid_beneficiary,
    InvalidStaff: _invalid_staff,
    InvalidAgency: _invalid_agency,
    AgencyClosed: _said(status.HTTP_409_CONFLICT),
    NotFound: _said(status.HTTP_404_NOT_FOUND),
    Conflict: _said(status.HTTP_409_CONFLICT),
    Forbidden: _said(status.HTTP_403_FORBIDDEN),
    NotYours: _said(status.HTTP_403_FORBIDDEN),
    ConcurrentUpdate: _concurrent_update,
}
