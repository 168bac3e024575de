"""The preparation sheet of an introduction, for the counsellor to go through with the beneficiary."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from services.kit.identity import AgencyStaff
from services.matching.deps import IntroductionServiceDep, own_introduction
from services.matching.domain.introduction import Introduction
from services.matching.domain.introduction_rules import JOB_INQUIRY_GUIDE
from services.matching.domain.preparation import SHEETS, Section
from services.reference import labels

router = APIRouter(tags=["introductions"])


class SectionOut(BaseModel):
    title: str
    items: list[str]


class PreparationOut(BaseModel):
    introduction_id: str
    purpose: str
    title: str
    why: str
    target_job: str
    target_job_label: str
    sections: list[SectionOut]


def sections_of(introduction: Introduction) -> list[Section]:
    """The purpose's sheet, with the questions the counsellor added to the guide's."""
    sections = list(SHEETS[introduction.purpose].sections)
    added = tuple(q for q in introduction.questions if q not in JOB_INQUIRY_GUIDE)
    if added:
        sections.insert(-1, Section("Vos questions, ajoutées par votre conseiller", added))
    return sections


@router.get(
    "/introductions/{introduction_id}/preparation",
    summary="What the beneficiary prepares before the meeting, by its purpose (questions, what to observe)",
)
async def preparation(introduction_id: str, caller: AgencyStaff, service: IntroductionServiceDep) -> PreparationOut:
    introduction = await own_introduction(service, introduction_id, caller)
    sheet = SHEETS[introduction.purpose]
    return PreparationOut(
        introduction_id=introduction.id,
        purpose=introduction.purpose.value,
        title=sheet.title,
        why=sheet.why,
        target_job=introduction.target_job,
        target_job_label=labels.job(introduction.target_job),
        sections=[SectionOut(title=s.title, items=list(s.items)) for s in sections_of(introduction)],
    )
