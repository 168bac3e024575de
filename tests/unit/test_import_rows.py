"""The peers spreadsheet's rows: every problem a counsellor reads in the rejected rows' report is French and
names its column."""

from __future__ import annotations

import pytest

from services.profiles.demo_peers import peer_rows
from services.profiles.domain import peer as rules
from services.profiles.domain.events import InvalidInput
from services.profiles.importing.rows import to_peer
from services.profiles.importing.samples import BAD
from tests.french import english_words


def problems_of(row: dict[str, str]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as refused:
        rules.publish(to_peer(row, "agency-1", "52"))
    return refused.value.problems


@pytest.mark.parametrize(("what", "change", "column"), BAD, ids=[what for what, _, _ in BAD])
def test_a_bad_row_says_in_french_what_to_write_in_its_column(what: str, change: dict[str, str], column: str) -> None:
    row = {**peer_rows(1, seed=3, email_domain="exemple.fr")[0], **change}
    problems = problems_of(row)
    assert column in [c for c, _ in problems], what
    assert all(not english_words(message) for _, message in problems), problems


def test_a_word_no_column_knows_is_answered_with_the_french_words_it_takes() -> None:
    row = peer_rows(1, seed=3, email_domain="exemple.fr")[0]
    assert dict(problems_of({**row, "meeting_modes": "telepathie"}))["meeting_modes"] == (
        "« telepathie » n'est pas reconnu : écrivez présentiel, visio, téléphone ou visite."
    )
    assert dict(problems_of({**row, "vetted": "peut-être"}))["vetted"] == (
        "« peut-être » n'est pas reconnu : écrivez oui ou non."
    )
