"""The preparation sheets and the debrief's rules, with plain values."""

from __future__ import annotations

import pytest

from services.kit.domain import InvalidInput
from services.matching.domain.introduction_rules import JOB_INQUIRY_GUIDE, Purpose
from services.matching.domain.preparation import (
    PROJECT_EFFECT_LABELS,
    SHEETS,
    ProjectEffect,
    check_debrief,
)
from tests.french import english_words


@pytest.mark.parametrize("purpose", list(Purpose))
def test_every_purpose_has_a_french_sheet_that_reminds_a_testimony_is_one_experience(purpose: Purpose) -> None:
    sheet = SHEETS[purpose]
    texts = [sheet.title, sheet.why, *(s.title for s in sheet.sections), *(i for s in sheet.sections for i in s.items)]
    assert all(text and not english_words(text) for text in texts)
    assert any("une expérience parmi d'autres" in item for s in sheet.sections for item in s.items)


def test_a_job_inquiry_prepares_the_questions_the_peer_also_receives() -> None:
    questions = next(s for s in SHEETS[Purpose.JOB_INQUIRY].sections if s.title == "Questions à poser")
    assert questions.items == JOB_INQUIRY_GUIDE


def test_a_company_visit_says_what_to_observe() -> None:
    assert any(s.title == "Ce qu'il faut observer" for s in SHEETS[Purpose.COMPANY_VISIT].sections)


def test_what_a_meeting_changes_to_the_project_is_the_beneficiarys_to_say_once_it_took_place() -> None:
    assert set(PROJECT_EFFECT_LABELS) == set(ProjectEffect)
    check_debrief(beneficiary_side=True, took_place=True, effect=ProjectEffect.ADJUSTS)
    check_debrief(beneficiary_side=False, took_place=True, effect=None)
    with pytest.raises(InvalidInput, match="Seul le bénéficiaire"):
        check_debrief(beneficiary_side=False, took_place=True, effect=ProjectEffect.CONFIRMS)
    with pytest.raises(InvalidInput, match="n'a pas eu lieu"):
        check_debrief(beneficiary_side=True, took_place=False, effect=ProjectEffect.QUESTIONS)
