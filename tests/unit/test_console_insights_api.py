"""The dashboard's API answers a query it cannot read as FastAPI answers a bad query: 422 with the field and
a French message, in the shape its OpenAPI document gives (the fuzz found a bare string there)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.console.api import insights
from services.console.deps import dashboard
from services.kit.identity import Role, current_caller
from tests.unit.test_console_use_cases import MemoryCounts, caller
from tests.unit.test_console_use_cases import dashboard as a_dashboard


async def test_a_query_the_dashboard_cannot_read_is_a_422_on_its_field() -> None:
    app = FastAPI()
    app.include_router(insights.router)
    app.dependency_overrides[dashboard] = lambda: a_dashboard(MemoryCounts())
    app.dependency_overrides[current_caller] = lambda: caller(Role.AGENCY_ADMIN)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://console") as client:
        for query, field in (({"by": "î"}, "by"), ({"from": "2026-13"}, "from"), ({"to": "mars"}, "to")):
            answer = await client.get("/api/console/insights/funnel", params=query)
            assert answer.status_code == 422, answer.text
            [problem] = answer.json()["detail"]
            assert problem["loc"] == ["query", field] and problem["type"] == "value_error"
            assert "regroupe" in problem["msg"] or "AAAA-MM" in problem["msg"]
