"""The authorization matrix on the running platform: every route of every service (read from the apps'
route tables) x every kind of caller x a record of the caller's agency and of another agency, each answer
checked against what the route's declared guard and tenancy say (tests/security/authz.py)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import LINK_KEY, OPERATOR_TOKEN, MailCatcher, Platform
from tests.security.authz import run_authorization_matrix
from tests.security.platform import PlatformAccess

pytestmark = pytest.mark.integration


def access_to(platform: Platform, mail: MailCatcher) -> PlatformAccess:
    return PlatformAccess(
        urls={name: processes[0].url for name, processes in platform.instances.items()},
        operator_token=OPERATOR_TOKEN,
        link_signing_key=LINK_KEY,
        mail_url=mail.process.url,
        log_folder=platform.folder,
    )


async def test_every_route_answers_every_caller_as_its_guard_and_tenancy_say(
    whole_platform: Platform, mail: MailCatcher
) -> None:
    report = await run_authorization_matrix(access_to(whole_platform, mail))
    print(f"\nauthorization matrix: {report.routes} routes, {report.cells} cells, answers {dict(report.answers)}")
    for seen in report.refused_by_the_route:
        print(f"  let in, then refused by the route: {seen.cell}: {seen.status} {seen.detail[:120]}")
    assert report.cells > 1000
    assert not report.violations, "\n".join(
        f"{v.cell}: expected {v.expected}, got {v.status} {v.detail}" for v in report.violations
    )
