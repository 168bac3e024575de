"""The dashboard's API answers a query it cannot read as FastAPI answers a bad query: 422 with the field and
a French message, in the shape its OpenAPI document gives (the fuzz found a bare string there); its CSV
carries the conversion rates, and its month's reading says months and changes in French."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.console.api import insights
from services.console.deps import dashboard
from services.console.domain.funnel import Fact, Stage
from services.kit.identity import Role, current_caller
from tests.unit.test_console_use_cases import MemoryCounts, caller
from tests.unit.test_console_use_cases import dashboard as a_dashboard


def client(counts: MemoryCounts) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(insights.router)
    app.dependency_overrides[dashboard] = lambda: a_dashboard(counts)
    app.dependency_overrides[current_caller] = lambda: caller(Role.AGENCY_ADMIN)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://console")


async def test_a_query_the_dashboard_cannot_read_is_a_422_on_its_field() -> None:
    async with client(MemoryCounts()) as console:
        for path, query, field in (
            ("funnel", {"by": "î"}, "by"),
            ("funnel", {"from": "2026-13"}, "from"),
            ("funnel", {"to": "mars"}, "to"),
            ("month", {"month": "2026-1"}, "month"),
        ):
            answer = await console.get(f"/api/console/insights/{path}", params=query)
            assert answer.status_code == 422, answer.text
            [problem] = answer.json()["detail"]
            assert problem["loc"] == ["query", field] and problem["type"] == "value_error"
            assert "regroupe" in problem["msg"] or "AAAA-MM" in problem["msg"]


async def test_the_month_and_the_csv_say_rates_and_months_in_french() -> None:
    counts = MemoryCounts()
    for key, stage in (("e1", Stage.INTRODUCTIONS), ("e2", Stage.INTRODUCTIONS), ("e3", Stage.ACCEPTED)):
        await counts.count(Fact(key, "a", "M", "2026-12", stage))
    async with client(counts) as console:
        month = (await console.get("/api/console/insights/month")).json()
        exported = (await console.get("/api/console/insights/funnel.csv")).content.decode("utf-8-sig")
        funnel = (await console.get("/api/console/insights/funnel")).json()
    assert [p["label"] for p in month["periods"]] == ["décembre 2026", "novembre 2026", "décembre 2025"]
    assert month["months"]["2026-12"] == "décembre 2026"
    accepted = next(r for r in month["rates"] if r["reached"] == "accepted")
    assert [r["text"] for r in accepted["rates"]] == ["50\u00a0%", "—", "—"]
    introductions = next(s for s in month["stages"] if s["stage"] == "introductions")
    assert introductions["counts"] == [2, 0, 0] and introductions["versus_previous"]["text"] == "+2 (—)"
    assert funnel["rows"][0]["month_label"] == "décembre 2026"
    header, row = exported.splitlines()
    assert header.startswith("Mois;Structure;Secteur;Mobilité;Pairs suggérés;")
    assert header.endswith(
        ";Mises en relation acceptées / proposées (%);Rencontres / mises en relation acceptées (%);"
        "Conventions PMSMP validées / rencontres (%);Embauches / conventions PMSMP validées (%)"
    )
    assert row.startswith("2026-12;Nantes;Support à l'entreprise;Toutes les mobilités;0;2;1;")
    assert row.endswith(";—;50,0;0,0;—;—")
