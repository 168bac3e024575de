"""The authorization matrix's plan, without a platform: every route of the five services has a known gate,
every path parameter and required body a way to be filled, so a new route is covered or this fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import Depends, FastAPI, Header

from tests.security.authz import CALLERS, Expect, _request, expectation, plan
from tests.security.platform import PlatformAccess, Side, World
from tests.security.routes import Gate, Kind, UnclassifiedRoute, classify, service_routes


def a_side(name: str) -> Side:
    return Side(
        agency_id=f"{name}-agency",
        region_code="52",
        tokens={"counsellor": "c", "validator": "v", "agency_admin": "a"},
        emails={"counsellor": "c@x.test", "validator": "v@x.test", "agency_admin": "a@x.test"},
        closable_staff_id=f"{name}-staff",
        beneficiary_id=f"{name}-beneficiary",
        peer_id=f"{name}-peer",
        introduction_id=f"{name}-introduction",
        convention_id=f"{name}-convention",
        notification_id=f"{name}-notification",
        introduction_link=f"{name}-introduction-link",
        peer_profile_link=f"{name}-peer-link",
        convention_link=f"{name}-convention-link",
        testimony_id=f"{name}-testimony",
        testimony_link=f"{name}-testimony-link",
    )


WORLD = World(a_side("own"), a_side("other"), "coordinator")
ACCESS = PlatformAccess(
    urls={s: f"http://{s}" for s in ("profiles", "matching", "placements", "notifications", "console")},
    operator_token="operator",
    link_signing_key="k" * 40,
    mail_url="http://mail",
    log_folder=Path("."),
)


def test_every_route_is_classified_and_every_cell_can_be_sent() -> None:
    routes = service_routes()
    cells = plan(routes)
    assert len({c.route.key for c in cells if not c.through_console}) >= len(routes) - 7  # proxy, stream, closing
    for cell in cells:
        url, method, _, _ = _request(cell, WORLD, ACCESS)
        assert "{" not in url, cell.label
        assert method == cell.route.method
    seen = {(c.route.key, c.caller, c.tenancy) for c in cells}
    assert ("profiles GET /beneficiaries/{beneficiary_id}", "validator", "other") in seen
    assert all(caller in {c.caller for c in cells} for caller in CALLERS)


def test_gates_come_from_the_declared_dependencies() -> None:
    gates = {r.key: classify(r) for r in service_routes()}
    assert gates["placements POST /conventions"] == Gate(Kind.ROLES, frozenset({"counsellor"}))
    assert gates["placements PUT /agency/validation"] == Gate(Kind.ROLES, frozenset({"agency_admin"}))
    assert gates["profiles GET /beneficiaries"].roles == {"counsellor", "validator", "agency_admin"}
    assert gates["matching POST /operations/introductions/sweep"].kind is Kind.OPERATOR
    assert gates["profiles POST /agencies/{agency_id}/staff"].kind is Kind.AGENCY_ADMINISTRATION
    assert gates["matching GET /links/introductions/{token}"] == Gate(Kind.LINK, link="introductions")
    assert gates["profiles GET /links/peers/{token}"] == Gate(Kind.LINK, link="peers")
    assert gates["notifications GET /inbox"].kind is Kind.STAFF
    assert gates["profiles POST /auth/login"].kind is Kind.PUBLIC


def test_expectations() -> None:
    counsellors = Gate(Kind.ROLES, frozenset({"counsellor"}))
    assert expectation(counsellors, "counsellor", "own") is Expect.ADMITTED
    assert expectation(counsellors, "counsellor", "other") is Expect.HIDDEN
    assert expectation(counsellors, "validator", "own") is Expect.FORBIDDEN
    assert expectation(counsellors, "operator", "own") is Expect.UNAUTHENTICATED
    assert expectation(counsellors, "link_holder", "none") is Expect.UNAUTHENTICATED
    assert expectation(Gate(Kind.LINK, link="peers"), "link_holder", "other") is Expect.LINK_REFUSED
    assert expectation(Gate(Kind.LINK, link="peers"), "counsellor", "own") is Expect.LINK_REFUSED


def test_a_route_nothing_guards_is_an_error_unless_it_is_meant_for_anyone() -> None:
    app = FastAPI()

    @app.get("/beneficiaries/{beneficiary_id}/everything")
    async def forgot_its_guard(beneficiary_id: str) -> dict[str, str]:
        return {}

    def its_own_check(x_key: str = Header()) -> str:
        return x_key

    @app.get("/peers/{peer_id}/everything")
    async def guarded_its_own_way(peer_id: str, key: str = Depends(its_own_check)) -> dict[str, str]:
        return {}

    routes = {r.path: r for r in service_routes({"profiles": app}) if "everything" in r.path}
    with pytest.raises(UnclassifiedRoute, match="nothing guards it"):
        classify(routes["/beneficiaries/{beneficiary_id}/everything"])
    with pytest.raises(UnclassifiedRoute, match="its_own_check is not classified"):
        classify(routes["/peers/{peer_id}/everything"])
