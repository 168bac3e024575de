"""Fuzzing every service's OpenAPI with schemathesis, signed in with a real staff token, against the running
platform: no answer may be a 5xx and every answer must match the schema the route documents.

    async run_fuzz(access: PlatformAccess, token: str | None = None, *, examples: int = 5,
                   services: tuple[str, ...] = FUZZED_SERVICES, time_budget: float | None = None) -> FuzzReport
    async run_hostile_inputs(access: PlatformAccess, token: str | None = None) -> FuzzReport

`token` is a staff token (when None, an agency of its own is made with one account holding the counsellor,
validator and agency admin roles, so the fuzz reaches past the role checks and writes only there);
`examples` is the number of generated requests per operation (PARCOURS_FUZZ_EXAMPLES in the tests; the
harness asks for more); past `time_budget` seconds (None: no limit) each remaining operation gets one
request, so a busy machine still covers every operation in bounded time. Schemathesis generates positive
and negative cases for every operation (path, query and body), sends each with the token, and runs its
`not_a_server_error` and `response_schema_conformance` checks; a failing case is recorded, not shrunk (it
comes back with its method, path and body, enough to replay it). The live stream (`/inbox/stream`) is left
out: it stays open.
Hypothesis runs in a worker thread (it is synchronous), the platform's event loop is not blocked.
`run_hostile_inputs` sends what a generator rarely makes, written by hand: a lone surrogate escape, a body
nested 5,000 deep, control characters, spreadsheet formulas (to every operation that takes JSON), and path
traversal, NUL and a 3,000-character id in every path parameter; it reports the 5xx (`check` names the
input). Huge bodies are not sent here: until a size limit exists they stall a service for seconds."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err

from tests.security.platform import PASSWORD, PlatformAccess, bearer

FUZZED_SERVICES = ("profiles", "matching", "placements", "notifications", "console")
LEFT_OUT = {("GET", "/inbox/stream")}  # Server-Sent Events: the answer never ends


@dataclass(frozen=True)
class Finding:
    service: str
    operation: str  # "GET /reference/jobs"
    status: int
    check: str  # not_a_server_error or response_schema_conformance
    request: str  # the case, replayable: method, path, query, body (cut)
    detail: str


@dataclass
class FuzzReport:
    operations: int = 0
    requests: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def server_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.status >= 500]

    @property
    def schema_mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.status < 500]

    @property
    def fuzz_requests(self) -> int:
        return self.requests

    @property
    def fuzz_5xx(self) -> int:
        return len(self.server_errors)


async def fuzz_token(access: PlatformAccess) -> str:
    """A staff account with the three agency roles, in an agency of its own (in a region of its own: what the
    fuzz registers never meets other tests' records)."""
    operator = bearer(access.operator_token)
    profiles = access.urls["profiles"].rstrip("/")
    async with httpx.AsyncClient(timeout=30) as http:
        name = f"Mission locale Fuzz {uuid.uuid4().hex[:6]}"
        made = await http.post(
            f"{profiles}/agencies", json={"name": name, "kind": "mission_locale", "region_code": "94"}, headers=operator
        )
        made.raise_for_status()
        email = f"fuzz-{uuid.uuid4().hex[:8]}@agence.test"
        account = {
            "email": email,
            "name": "Camille Fuzz",
            "roles": ["counsellor", "validator", "agency_admin"],
            "password": PASSWORD,
        }
        staff = await http.post(f"{profiles}/agencies/{made.json()['agency_id']}/staff", json=account, headers=operator)
        staff.raise_for_status()
        login = await http.post(f"{profiles}/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        return str(login.json()["access_token"])


def _describe(case: Any) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    return f"{case.method} {case.formatted_path} query={case.query!r} body={str(body)[:300]}"


def _fuzz_operation(service: str, operation: Any, base_url: str, token: str, examples: int, report: FuzzReport) -> None:
    session = requests.Session()
    headers = bearer(token)
    schema_check = schemathesis.checks.response_schema_conformance
    label = f"{operation.method.upper()} {operation.path}"

    @given(
        case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    )
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def attempt(case: Any) -> None:
        try:
            response = case.call(base_url=base_url, session=session, headers=headers, timeout=60)
        except requests.RequestException as error:
            report.requests += 1
            report.findings.append(Finding(service, label, 599, "transport", _describe(case), repr(error)[:300]))
            return
        report.requests += 1
        for name, check in (("not_a_server_error", not_a_server_error), ("response_schema_conformance", schema_check)):
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis raises a group of failures
                report.findings.append(
                    Finding(service, label, response.status_code, name, _describe(case), str(failure)[:500])
                )

    attempt()


def _fuzz(
    access: PlatformAccess, token: str, examples: int, services: tuple[str, ...], time_budget: float | None
) -> FuzzReport:
    report = FuzzReport()
    started = time.monotonic()
    for service in services:
        base_url = access.urls[service].rstrip("/")
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", timeout=30)
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                raise result.err()  # the service's own document does not load: that is a finding in itself
            operation = result.ok()
            if (operation.method.upper(), operation.path) in LEFT_OUT:
                continue
            report.operations += 1
            over_budget = time_budget is not None and time.monotonic() - started > time_budget
            _fuzz_operation(service, operation, base_url, token, 1 if over_budget else examples, report)
    return report


async def run_fuzz(
    access: PlatformAccess,
    token: str | None = None,
    *,
    examples: int = 5,
    services: tuple[str, ...] = FUZZED_SERVICES,
    time_budget: float | None = None,
) -> FuzzReport:
    token = token or await fuzz_token(access)
    return await asyncio.to_thread(_fuzz, access, token, examples, services, time_budget)


# hand-written hostile inputs, each sent to every operation that takes a JSON body (or a path id)
LONE_SURROGATE = b'{"name": "\\ud800", "email": "\\udfff@x.test", "password": "\\ud800"}'
DEEP_BODY = b"[" * 5000 + b"]" * 5000
CONTROL_CHARACTERS = b'{"name": "a\\u0000b\\u0007c\\u001b[31m", "email": "x\\u0000@x.test", "password": "\\u0000"}'
FORMULA = b'{"name": "=2+5+cmd|calc!A0", "email": "=HYPERLINK(\\"http://x\\")@x.test", "password": "@SUM(1)"}'
HOSTILE_BODIES = {
    "lone surrogate": LONE_SURROGATE,
    "deep nesting": DEEP_BODY,
    "control characters": CONTROL_CHARACTERS,
    "formula cells": FORMULA,
}
TRAVERSALS = ("..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fadmin", "..\\..\\windows", "%00", "a" * 3000)


async def run_hostile_inputs(access: PlatformAccess, token: str | None = None) -> FuzzReport:
    """Every JSON route gets each hostile body; every route with a path id gets each traversal in it."""
    token = token or await fuzz_token(access)
    report = FuzzReport()
    async with httpx.AsyncClient(timeout=60) as http:
        for service in FUZZED_SERVICES:
            base_url = access.urls[service].rstrip("/")
            document = (await http.get(f"{base_url}/openapi.json")).json()
            for path, operations in document["paths"].items():
                for method, operation in operations.items():
                    if (method.upper(), path) in LEFT_OUT:
                        continue
                    report.operations += 1
                    filled = path
                    for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
                        filled = filled.replace("{" + name + "}", "x")
                    sent: list[tuple[str, str, bytes | None]] = []
                    if "application/json" in operation.get("requestBody", {}).get("content", {}):
                        sent += [(kind, filled, body) for kind, body in HOSTILE_BODIES.items()]
                    if "{" in path:
                        for traversal in TRAVERSALS:
                            hostile = path
                            for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
                                hostile = hostile.replace("{" + name + "}", traversal)
                            sent.append(("path traversal", hostile, None))
                    for kind, target, body in sent:
                        # a connection of its own: a 500 may close it, the next input must not pay for that
                        headers = {**bearer(token), "Content-Type": "application/json", "Connection": "close"}
                        try:
                            answer = await http.request(
                                method.upper(), base_url + target, content=body, headers=headers
                            )
                        except httpx.HTTPError as error:
                            report.requests += 1
                            report.findings.append(
                                Finding(service, f"{method.upper()} {path}", 599, kind, target, repr(error))
                            )
                            continue
                        report.requests += 1
                        if answer.status_code >= 500:
                            report.findings.append(
                                Finding(
                                    service,
                                    f"{method.upper()} {path}",
                                    answer.status_code,
                                    kind,
                                    target,
                                    answer.text[:300],
                                )
                            )
    return report
