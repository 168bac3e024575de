"""The operators' view of the e-mails: list them, read one, send the due ones now, retry a failed one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from services.kit.auth import require_operator
from services.kit.domain import Conflict, NotFound
from services.kit.mongo import Document
from services.kit.pagination import After, announce_next
from services.notifications.deps import MailerService

router = APIRouter(tags=["operations"], dependencies=[Depends(require_operator)])


def as_seen(email: Document) -> dict[str, Any]:
    """An e-mail as operators see it: its id under a name that says what it is."""
    return {"email_id": email["_id"], **{k: v for k, v in email.items() if k != "_id"}}


@router.post("/operations/emails/send", summary="Send the e-mails due now (the mailer also runs by itself)")
async def send_due(mailer: MailerService, as_of: Annotated[datetime | None, Query()] = None) -> dict[str, int]:
    return await mailer.send_due(as_of or datetime.now(UTC))


@router.get(
    "/operations/emails",
    summary="The e-mails by status (pending, sending, sent, failed), newest first, without their text; the "
    "next page is announced in the X-Next-Cursor and Link headers (?after=)",
)
async def emails(
    request: Request,
    response: Response,
    mailer: MailerService,
    status: Annotated[str | None, Query(max_length=20)] = None,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    found = await mailer.listed(status, after, limit)
    announce_next(request, response, found, limit)
    return [as_seen(e) for e in found]


@router.post(
    "/operations/emails/{email_id}/retry",
    summary="Send a failed (dead-lettered) e-mail again, once its cause is fixed",
)
async def retry(email_id: str, mailer: MailerService) -> dict[str, str]:
    if not await mailer.retry(email_id):
        raise Conflict("Cet e-mail n'est pas en échec : il n'y a rien à renvoyer.", code="email_not_failed")
    return {"email_id": email_id, "status": "pending"}


@router.get(
    "/operations/emails/{email_id}",
    summary="One e-mail, its text included (to follow a link by hand, or check what was sent)",
)
async def email(email_id: str, mailer: MailerService) -> dict[str, Any]:
    found = await mailer.seen(email_id)
    if found is None:
        raise NotFound("Cet e-mail n'existe pas.", code="email_not_found")
    return as_seen(found)
