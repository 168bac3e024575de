"""The testimony routes' dependencies: the service, and the testimony a share or player link opens (the link
is the credential: `tests/security/routes.py` knows `opened_testimony` as the gate of `/links/testimonies/…`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.profiles.domain.testimony import Testimony
from services.profiles.use_cases.testimonies import TestimonyService


def testimony_service(request: Request) -> TestimonyService:
    service: TestimonyService = request.app.state.testimonies
    return service


Testimonies = Annotated[TestimonyService, Depends(testimony_service)]


async def opened_testimony(token: str, service: Testimonies) -> Testimony:
    """410 once the testimony is deleted (withdrawn, erased) or the link expired, 403 for a forged link."""
    return await service.opened(token)


OpenedTestimony = Annotated[Testimony, Depends(opened_testimony)]
