"""Schemathesis over every service's OpenAPI on the running platform, signed in with a real staff token: no
answer is a 5xx and every answer matches its documented schema (tests/security/fuzz.py).
PARCOURS_FUZZ_EXAMPLES sets the requests generated per operation (5 here, within
PARCOURS_FUZZ_SECONDS, 90, after which each operation left gets one; more in
`make reliability`)."""

from __future__ import annotations

import os
import time

import pytest

from tests.integration.conftest import MailCatcher, Platform
from tests.integration.test_authorization_matrix import access_to
from tests.security.fuzz import Finding, FuzzReport, run_fuzz, run_hostile_inputs

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("PARCOURS_FUZZ_EXAMPLES", "5"))
BUDGET_SECONDS = float(os.environ.get("PARCOURS_FUZZ_SECONDS", "90"))  # then one request per operation left


# defects of issue 15 that another change fixes: the fuzz may hit them until it lands
@pytest.fixture(scope="module")
async def fuzzed(whole_platform: Platform, mail: MailCatcher) -> FuzzReport:
    started = time.monotonic()
    report = await run_fuzz(access_to(whole_platform, mail), examples=EXAMPLES, time_budget=BUDGET_SECONDS)
    took = time.monotonic() - started
    sent = f"{report.operations} operations, {report.requests} requests in {took:.0f} s"
    print(f"\nfuzz: {sent}, {len(report.findings)} findings")
    print(listed(report.findings))
    return report


def listed(findings: list[Finding]) -> str:
    return "\n".join(f"{f.service} {f.operation}: {f.status} {f.check}\n  {f.request}\n  {f.detail}" for f in findings)


def test_no_5xx_at_all(fuzzed: FuzzReport) -> None:
    assert fuzzed.requests >= fuzzed.operations > 80
    assert not fuzzed.server_errors, listed(fuzzed.server_errors)


def test_every_answer_matches_its_documented_schema(fuzzed: FuzzReport) -> None:
    assert not fuzzed.schema_mismatches, listed(fuzzed.schema_mismatches)


@pytest.fixture(scope="module")
async def hostile(whole_platform: Platform, mail: MailCatcher) -> FuzzReport:
    report = await run_hostile_inputs(access_to(whole_platform, mail))
    print(f"\nhostile inputs: {report.operations} operations, {report.requests} requests, {len(report.findings)} 5xx")
    return report


def test_hostile_inputs_get_no_5xx_at_all(hostile: FuzzReport) -> None:
    assert hostile.requests > 200
    assert not hostile.server_errors, listed(hostile.server_errors)
