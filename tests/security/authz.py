"""The authorization matrix: every route of every service x every kind of caller x a record of the caller's
agency and of another agency, each cell's expected answer derived from the route's gate (`routes.classify`)
and tenancy, run against the running platform.

    async run_authorization_matrix(access: PlatformAccess, world: World | None = None) -> MatrixReport
    plan(routes: list[Route]) -> list[Cell]     the cells, without running anything (UnclassifiedRoute, KeyError)

Callers: counsellor, validator, agency_admin, regional_coordinator (tokens of accounts holding that one role),
operator (the operator token), anonymous (no credential), link_holder (holding a valid link: on link routes
in the path, elsewhere as a bearer token). Expected answers:
- admitted: the gate lets the caller in: not 401 and no 5xx; a read of a record of their own is not a 404
  (what a route then refuses on its own rules, 403 for a step that is another role's, 409, 422, is counted,
  not judged here);
- unauthenticated: 401; forbidden: 403; hidden (another agency's record): 403 or 404;
- link refused (a link route without the right link, or with another's): 401, 403, 404 or 410.
The console's proxy (`/api/<service>/...`) is a route too: its cells are every service's reads sent through
it, with the service's expectation. Cells that are refused run first, then the reads, then the writes that
are let in, one at a time, the ones that close, cancel or erase last, so a write never hides a read's answer."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from tests.security.platform import PlatformAccess, Side, World, bearer, build_world
from tests.security.request_fills import TENANT_BODIES, TENANT_PARAMETERS, body_for, path_value
from tests.security.routes import STAFF_ROLES, Gate, Kind, Route, classify, service_routes

CALLERS = (*STAFF_ROLES, "operator", "anonymous", "link_holder")
DESTRUCTIVE_ENDINGS = ("/close", "/withdraw", "/deactivate", "/cancel", "/{action}", "/resend", "/become-peer")
NOT_RUN = {
    "notifications GET /inbox/stream",  # a stream that stays open: its guard is checked on connecting below
    # closes the matrix's own agencies for good (every later cell would meet closed accounts): its operator
    # gate is checked by tests/integration/test_profiles_agencies.py
    "profiles POST /agencies/{agency_id}/close",
}


class Expect(StrEnum):
    ADMITTED = "admitted"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    HIDDEN = "hidden"
    LINK_REFUSED = "link refused"


@dataclass(frozen=True)
class Cell:
    route: Route
    gate: Gate
    caller: str
    tenancy: str  # own, other, or none (the route names no agency's record)
    expect: Expect
    through_console: bool = False

    @property
    def label(self) -> str:
        via = " (through the console)" if self.through_console else ""
        return f"{self.route.key}{via} as {self.caller} on {self.tenancy}"

    @property
    def order(self) -> int:
        if self.expect is not Expect.ADMITTED:
            return 0
        if self.route.method == "GET":
            return 1
        destructive = self.route.method == "DELETE" or self.route.path.endswith(DESTRUCTIVE_ENDINGS)
        return 3 if destructive else 2


@dataclass(frozen=True)
class Violation:
    cell: str
    expected: str
    status: int
    detail: str


@dataclass
class MatrixReport:
    routes: int = 0
    cells: int = 0
    violations: list[Violation] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)  # "expect -> status" counts
    refused_by_the_route: list[Violation] = field(default_factory=list)  # let in by the gate, then 403/404/410

    @property
    def authz_cells(self) -> int:
        return self.cells

    @property
    def authz_violations(self) -> int:
        return len(self.violations)


def expectation(gate: Gate, caller: str, tenancy: str) -> Expect:
    staff = caller in STAFF_ROLES
    other = tenancy == "other"
    match gate.kind:
        case Kind.PUBLIC:
            return Expect.ADMITTED
        case Kind.LINK:
            return Expect.ADMITTED if caller == "link_holder" and not other else Expect.LINK_REFUSED
        case Kind.OPERATOR:
            return Expect.ADMITTED if caller == "operator" else Expect.UNAUTHENTICATED
        case Kind.INTERNAL | Kind.BODY_CREDENTIAL:
            return Expect.UNAUTHENTICATED  # a service token, a refresh token: none of these callers holds one
        case Kind.OPERATOR_OR_STAFF:
            return Expect.ADMITTED if staff or caller == "operator" else Expect.UNAUTHENTICATED
        case Kind.AGENCY_ADMINISTRATION:
            if caller == "operator":
                return Expect.ADMITTED
            if not staff:
                return Expect.UNAUTHENTICATED
            # to anyone but its administrators the agency is not there: 404 (or 403)
            return Expect.ADMITTED if caller == "agency_admin" and not other else Expect.HIDDEN
        case Kind.STAFF:
            if not staff:
                return Expect.UNAUTHENTICATED
            return Expect.HIDDEN if other else Expect.ADMITTED
        case Kind.ROLES:
            if not staff:
                return Expect.UNAUTHENTICATED
            if caller not in gate.roles:
                return Expect.FORBIDDEN
            return Expect.HIDDEN if other else Expect.ADMITTED
    raise AssertionError(f"no expectation for {gate}")


def _tenancies(route: Route) -> tuple[str, ...]:
    tenant = set(route.path_params) & TENANT_PARAMETERS or route.key in TENANT_BODIES or "{token}" in route.path
    return ("own", "other") if tenant else ("none",)


def plan(routes: list[Route]) -> list[Cell]:
    cells: list[Cell] = []
    upstream_reads: list[tuple[Route, Gate]] = []
    for route in routes:
        if route.key in NOT_RUN:
            continue
        gate = classify(route)
        if gate.kind is Kind.PROXY:
            continue  # its cells are the services' reads, below
        if route.service != "console" and route.method == "GET":
            upstream_reads.append((route, gate))
        for caller in CALLERS:
            for tenancy in _tenancies(route):
                cells.append(Cell(route, gate, caller, tenancy, expectation(gate, caller, tenancy)))
    for route, gate in upstream_reads:
        for caller in CALLERS:
            for tenancy in _tenancies(route):
                cells.append(
                    Cell(route, gate, caller, tenancy, expectation(gate, caller, tenancy), through_console=True)
                )
    return sorted(cells, key=lambda cell: cell.order)


_LINKS = {
    "peers": "peer_profile_link",
    "introductions": "introduction_link",
    "conventions": "convention_link",
    "testimonies": "testimony_link",
}


def _link(side: Side, kind: str) -> str:
    return str(getattr(side, _LINKS[kind]))


def _request(cell: Cell, world: World, access: PlatformAccess) -> tuple[str, str, dict[str, str], Any]:
    side = world.other if cell.tenancy == "other" else world.own
    route, caller = cell.route, cell.caller
    values = {name: path_value(name, side, world) for name in route.path_params if name != "token"}
    if "{token}" in route.path:
        kind = cell.gate.link or route.path.split("/")[2]
        if caller == "link_holder" and cell.tenancy == "own":
            values["token"] = _link(world.own, kind)
        elif caller == "link_holder" and kind == "conventions":
            values["convention_id"] = world.own.convention_id  # its own convention, another convention's link
            values["token"] = _link(world.other, kind)
        elif caller == "link_holder":
            values["token"] = _link(world.own, "conventions" if kind != "conventions" else "peers")  # another link
        else:
            own = _link(world.own, kind)
            values["token"] = own[:-4] + ("AAAA" if not own.endswith("AAAA") else "BBBB")  # altered
    path = route.path.format(**values)
    headers: dict[str, str] = {}
    if caller in STAFF_ROLES:
        headers = bearer(world.coordinator_token if caller == "regional_coordinator" else world.own.tokens[caller])
    elif caller == "operator":
        headers = bearer(access.operator_token)
    elif caller == "link_holder":
        headers = bearer(world.own.convention_link)
    body = body_for(route.key, side, world) if route.body_required or route.key in _OPTIONAL_BODIES else None
    if cell.through_console:
        return access.urls["console"].rstrip("/") + f"/api/{route.service}{path}", route.method, headers, body
    return access.urls[route.service].rstrip("/") + path, route.method, headers, body


_OPTIONAL_BODIES = {"placements POST /conventions/{convention_id}/{action}"}


def judge(cell: Cell, status: int) -> bool:
    match cell.expect:
        case Expect.UNAUTHENTICATED:
            return status == 401
        case Expect.FORBIDDEN:
            return status == 403
        case Expect.HIDDEN:
            return status in (403, 404)
        case Expect.LINK_REFUSED:
            return status in (401, 403, 404, 410)
        case Expect.ADMITTED:
            own_read = cell.route.method == "GET" and cell.tenancy in ("own", "none")
            return status != 401 and status < 500 and not (own_read and status == 404)
    return False


async def _stream_cells(http: httpx.AsyncClient, access: PlatformAccess, world: World, report: MatrixReport) -> None:
    """The live stream's guard, on connecting: staff get 200, anyone else 401 (token in header or query)."""
    url = access.urls["notifications"].rstrip("/") + "/inbox/stream"
    for caller in CALLERS:
        expect = Expect.ADMITTED if caller in STAFF_ROLES else Expect.UNAUTHENTICATED
        token = {
            "operator": access.operator_token,
            "link_holder": world.own.convention_link,
            "regional_coordinator": world.coordinator_token,
        }.get(caller) or world.own.tokens.get(caller, "")
        headers = bearer(token) if token else {}
        async with http.stream("GET", url, headers=headers) as answer:
            status = answer.status_code
        report.cells += 1
        report.answers[f"{expect} -> {status}"] += 1
        if (expect is Expect.ADMITTED and status != 200) or (expect is Expect.UNAUTHENTICATED and status != 401):
            report.violations.append(Violation(f"notifications GET /inbox/stream as {caller}", expect, status, ""))


async def asked(http: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], body: Any) -> httpx.Response:
    """One cell's request, as a polite client sends it: a 429 (the secure links' limits, which the matrix's
    hundreds of requests on one link reach) is asked again once its `Retry-After` has passed."""
    for _ in range(5):
        answer = await http.request(method, url, headers=headers, json=body)
        if answer.status_code != 429:
            return answer
        await asyncio.sleep(float(answer.headers.get("Retry-After", "5")) + 0.5)
    return answer


async def run_authorization_matrix(
    access: PlatformAccess, world: World | None = None, *, concurrency: int = 4
) -> MatrixReport:
    """Builds the world (unless given), plans every cell from the route tables, runs them, and reports."""
    routes = service_routes()
    cells = plan(routes)
    world = world or await build_world(access)
    report = MatrixReport(routes=len(routes))
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as http:

        async def run(cell: Cell) -> None:
            url, method, headers, body = _request(cell, world, access)
            async with limit:
                answer = await asked(http, method, url, headers, body)
            report.cells += 1
            report.answers[f"{cell.expect} -> {answer.status_code}"] += 1
            seen = Violation(cell.label, cell.expect, answer.status_code, answer.text[:300])
            if not judge(cell, answer.status_code):
                report.violations.append(seen)
            elif cell.expect is Expect.ADMITTED and answer.status_code in (403, 404, 410):
                report.refused_by_the_route.append(seen)

        for order in (0, 1):
            await asyncio.gather(*(run(cell) for cell in cells if cell.order == order))
        for cell in cells:
            if cell.order >= 2:
                await run(cell)
        await _stream_cells(http, access, world, report)
    return report
