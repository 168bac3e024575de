"""The agency directory a consuming service holds, readable by operators (proof of the event flow)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from services.kit.agency_directory import AgencyDirectory
from services.kit.auth import require_operator
from services.kit.mongo import Document

router = APIRouter(tags=["operations"], dependencies=[Depends(require_operator)])


@router.get("/directory/agencies", summary="The agencies this service learned from profiles' events")
async def known_agencies(request: Request) -> list[Document]:
    directory: AgencyDirectory = request.app.state.agency_directory
    return [
        {"agency_id": d["_id"], **{k: v for k, v in d.items() if k != "_id"}}
        for d in await directory.all(include_closed=True)
    ]
