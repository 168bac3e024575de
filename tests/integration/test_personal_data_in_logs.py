"""Personal data in logs: a whole flow on the running platform (sign-in, beneficiary, peer, introduction
answered by the peer's link, convention confirmed and signed by its parties' links, the live stream, the
e-mails), then every service's log searched for the flow's e-mails, phones, names, password and tokens
(tests/security/personal_data.py)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import MailCatcher, Platform
from tests.integration.test_authorization_matrix import access_to
from tests.security.personal_data import Leak, PersonalDataReport, run_personal_data_scan

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def scanned(whole_platform: Platform, mail: MailCatcher) -> PersonalDataReport:
    report = await run_personal_data_scan(access_to(whole_platform, mail))
    searched = f"{report.needles} values searched in {report.scanned_files} logs"
    print(f"\npersonal data in logs: {searched}, {report.pii_in_logs} found")
    print(listed(report.leaks))
    return report


def listed(leaks: list[Leak]) -> str:
    return "\n".join(f"{leak.file}:{leak.line}: a {leak.kind}" for leak in leaks)


def test_no_log_holds_a_personal_datum_a_password_or_a_token(scanned: PersonalDataReport) -> None:
    assert scanned.scanned_files >= 5 and scanned.needles > 15
    assert not scanned.leaks, listed(scanned.leaks)
