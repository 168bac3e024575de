"""The closed-account check every authenticated request goes through: closed is a 401 in French, and a
database that does not answer is a 503 (never a 500, never a pass)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import HTTPException
from pymongo.errors import ServerSelectionTimeoutError

from services.kit.identity import refuse_closed


class Accounts:
    def __init__(self, closed: set[str], down: bool = False) -> None:
        self.closed, self.down = closed, down

    async def is_closed(self, staff_id: str) -> bool:
        if self.down:
            raise ServerSelectionTimeoutError("no server")
        return staff_id in self.closed


def request_with(accounts: Accounts) -> object:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(closed_accounts=accounts)))


async def test_an_open_account_passes_a_closed_one_is_refused_and_an_unknown_state_is_a_503() -> None:
    await refuse_closed(request_with(Accounts({"gone"})), "here")  # type: ignore[arg-type]
    with pytest.raises(HTTPException) as closed:
        await refuse_closed(request_with(Accounts({"gone"})), "gone")  # type: ignore[arg-type]
    assert closed.value.status_code == 401 and "fermé" in str(closed.value.detail)
    with pytest.raises(HTTPException) as unknown:
        await refuse_closed(request_with(Accounts(set(), down=True)), "here")  # type: ignore[arg-type]
    assert unknown.value.status_code == 503 and "indisponible" in str(unknown.value.detail)
