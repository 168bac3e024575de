"""The security figures of the report, measured by the checks of `tests/security` (fuzzing of every
service's OpenAPI, the authorization matrix, personal data in the logs). Each hook answers None until it is
wired to them; the report then says "not measured" rather than a zero nobody measured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SecurityFigures:
    fuzz_requests: int | None
    fuzz_5xx: int | None
    authz_cells: int | None
    authz_violations: int | None
    pii_in_logs: int | None


def fuzz_figures(base_urls: dict[str, str]) -> tuple[int, int] | None:
    """(requests sent, 5xx answers) of the OpenAPI fuzzing against the running services.
    TODO(tests/security): call the fuzzing module of tests/security once it is importable."""
    return None


def authorization_figures(base_urls: dict[str, str]) -> tuple[int, int] | None:
    """(cells of the route x role x agency matrix tried, cells answered other than expected).
    TODO(tests/security): call the authorization matrix of tests/security once it is importable."""
    return None


def personal_data_in_logs(log_folder: Path, needles: list[str]) -> int | None:
    """How many log lines hold a fixture's e-mail, phone, name, password or token.
    TODO(tests/security): call the logs scan of tests/security once it is importable."""
    return None


def measure(base_urls: dict[str, str], log_folder: Path, needles: list[str]) -> SecurityFigures:
    fuzz = fuzz_figures(base_urls)
    authz = authorization_figures(base_urls)
    return SecurityFigures(
        fuzz_requests=fuzz[0] if fuzz else None,
        fuzz_5xx=fuzz[1] if fuzz else None,
        authz_cells=authz[0] if authz else None,
        authz_violations=authz[1] if authz else None,
        pii_in_logs=personal_data_in_logs(log_folder, needles),
    )
