"""The security figures of the report, measured by the checks of `tests/security` against the platform the
harness ran its faults on (after the flow, once it settled): schemathesis over every service's OpenAPI and
the hand-written hostile inputs, the authorization matrix built from the route tables, and every log
searched for personal data (the checks' own flow's, and the harness's people's, passwords and tokens)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.security.authz import run_authorization_matrix
from tests.security.fuzz import run_fuzz, run_hostile_inputs
from tests.security.personal_data import run_personal_data_scan, scan_logs
from tests.security.platform import PlatformAccess

FUZZ_EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "10"))  # generated requests per operation


@dataclass(frozen=True)
class SecurityFigures:
    fuzz_requests: int
    fuzz_5xx: int
    fuzz_schema_mismatches: int
    authz_cells: int
    authz_violations: int
    pii_in_logs: int


async def measure(access: PlatformAccess, needles: dict[str, str]) -> SecurityFigures:
    """`needles`: the harness's own data (value -> what it is) to look for in the logs besides the scan's."""
    assert access.log_folder is not None
    fuzzed = await run_fuzz(access, examples=FUZZ_EXAMPLES)
    hostile = await run_hostile_inputs(access)
    matrix = await run_authorization_matrix(access)
    scanned = await run_personal_data_scan(access)
    _, harness_leaks = scan_logs(Path(access.log_folder), needles)
    return SecurityFigures(
        fuzz_requests=fuzzed.requests + hostile.requests,
        fuzz_5xx=len(fuzzed.server_errors) + len(hostile.server_errors),
        fuzz_schema_mismatches=len(fuzzed.schema_mismatches),
        authz_cells=matrix.cells,
        authz_violations=len(matrix.violations),
        pii_in_logs=scanned.pii_in_logs + len(harness_leaks),
    )
