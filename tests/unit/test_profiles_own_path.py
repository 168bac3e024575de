"""A beneficiary's previous jobs and current transition, and a path step's employer, in profiles: the rules
of a good record, and what of them travels to matching (codes, never the reason or the employer's name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.contracts.events.profiles import StepKind, Transition, TransitionReason
from services.profiles.domain import beneficiary as beneficiaries
from services.profiles.domain import peer as peers
from services.profiles.domain.steps import employer_id
from tests.unit.test_beneficiary_rules import identity, project
from tests.unit.test_peer_rules import a_peer, step

TODAY = date(2026, 11, 27)
GOOD_SIRET = "73282932000074"  # a real establishment's SIRET: its key is right


def previous(
    kind: StepKind = StepKind.JOB, rome: str | None = "D1214", start: str = "2018-09", end: str | None = "2025-06"
) -> beneficiaries.PreviousStep:
    return beneficiaries.PreviousStep(kind, start, end, rome)


def problems_of(project: beneficiaries.Project) -> dict[str, str]:
    return dict(beneficiaries.background_problems(project, TODAY))


def test_previous_jobs_and_trainings_are_checked_like_a_peer_s_steps() -> None:
    assert problems_of(project(previous_steps=(previous(), previous(StepKind.TRAINING, None)))) == {}
    assert problems_of(project(previous_steps=(previous(rome=None),))) == {
        "previous_steps[0].rome_code": "Cette étape nomme son métier : choisissez-le dans la liste."
    }
    assert problems_of(project(previous_steps=(previous(rome="Z9999"),)))["previous_steps[0].rome_code"].startswith(
        "Métier inconnu (code ROME Z9999)"
    )
    assert problems_of(project(previous_steps=(previous(start="2025-01", end="2024-01"),))) == {
        "previous_steps[0].end_month": "La fin précède le début de cette étape."
    }
    assert problems_of(project(previous_steps=(previous(StepKind.UNEMPLOYMENT, None),))) == {
        "previous_steps[0].kind": "Une étape passée est un emploi, une formation ou un apprentissage."
    }
    assert "previous_steps" in problems_of(project(previous_steps=(previous(),) * 16))


@pytest.mark.parametrize(
    ("transition", "problem"),
    [
        (beneficiaries.CurrentTransition(Transition.CHOSEN), None),
        (beneficiaries.CurrentTransition(Transition.IMPOSED, TransitionReason.REDUNDANCY), None),
        (
            beneficiaries.CurrentTransition(Transition.IMPOSED),
            "Dites pourquoi cette transition est subie (licenciement, santé, fin de contrat…).",
        ),
        (
            beneficiaries.CurrentTransition(Transition.CHOSEN, TransitionReason.HEALTH),
            "Une transition choisie n'a pas de motif : retirez-le ou indiquez « subie ».",
        ),
    ],
)
def test_an_imposed_transition_says_why_and_a_chosen_one_does_not(
    transition: beneficiaries.CurrentTransition, problem: str | None
) -> None:
    assert problems_of(project(transition=transition)).get("transition.reason") == problem


def test_the_api_places_the_problems_under_the_project() -> None:
    error = beneficiaries.InvalidBeneficiary([("previous_steps[0].rome_code", "…"), ("transition.reason", "…")])
    assert [error.location(f) for f, _ in error.problems] == [
        ["project", "previous_steps[0]", "rome_code"],
        ["project", "transition", "reason"],
    ]


def test_matching_hears_codes_and_the_kind_of_transition_never_its_reason() -> None:
    background = project(
        previous_steps=(previous(rome="d1214"), previous(StepKind.TRAINING, None, "2016-09", "2018-06")),
        transition=beneficiaries.CurrentTransition(Transition.IMPOSED, TransitionReason.HEALTH),
    )
    beneficiary, event = beneficiaries.register("agency-1", "staff-1", identity(), background, True)
    assert [s.start_month for s in beneficiary.project.previous_steps] == ["2016-09", "2018-09"]
    assert event.payload["transition"] == "imposed"
    assert event.payload["previous_steps"][1] == {
        "kind": "job",
        "rome_code": "D1214",
        "naf_division": None,
        "start_month": "2018-09",
        "end_month": "2025-06",
    }
    assert "health" not in event.model_dump_json()


def test_a_step_may_name_its_employer_with_a_checked_siret() -> None:
    named = replace(step(), employer="  Boulangerie   Martin ", employer_siret="732 829 320 00074")
    peer, events = peers.publish(a_peer(path=(named,)))
    assert peer.path[0].employer == "Boulangerie Martin" and peer.path[0].employer_siret == GOOD_SIRET
    sent = events[0].payload["path"][0]
    assert sent["employer_id"] == "732829320", "matching gets the company's SIREN, not the name"
    assert "Martin" not in events[0].model_dump_json()
    wrong = dict(peers.path_problems((replace(step(), employer="Martin", employer_siret="73282932000075"),), TODAY))
    assert wrong == {"path[0].employer_siret": "La clé du SIRET est fausse : vérifiez les 14 chiffres."}
    nameless = dict(peers.path_problems((replace(step(), employer_siret=GOOD_SIRET),), TODAY))
    assert nameless == {"path[0].employer": "Indiquez le nom de l'employeur de ce SIRET."}
    assert "path[0].employer" in dict(peers.path_problems((replace(step(), employer="A\nB"),), TODAY))


def test_an_employer_without_siret_is_known_by_its_name_as_people_write_it() -> None:
    assert employer_id("Boulangerie Martin", "") == employer_id("  boulangerie  MARTIN", "")
    assert employer_id("Boulangérie Martin", "") == employer_id("Boulangerie Martin", "")
    assert employer_id("Boulangerie Martin", "") != employer_id("Boulangerie Durand", "")
    assert employer_id("", "") is None
    assert employer_id("Martin", GOOD_SIRET) == employer_id("Autre nom", "73282932000090") == "732829320"


def test_a_peer_s_imposed_step_may_say_why_a_chosen_one_may_not() -> None:
    imposed = replace(step(), transition=Transition.IMPOSED, transition_reason=TransitionReason.END_OF_CONTRACT)
    assert peers.path_problems((imposed,), TODAY) == []
    assert peers.path_problems((replace(imposed, transition_reason=None),), TODAY) == [], "optional for a peer"
    chosen = replace(imposed, transition=Transition.CHOSEN)
    assert dict(peers.path_problems((chosen,), TODAY)) == {
        "path[0].transition_reason": "Une transition choisie n'a pas de motif : retirez-le ou indiquez « subie »."
    }


def test_the_documents_keep_the_background_and_the_employer() -> None:
    from services.profiles.adapters import beneficiaries as beneficiary_documents
    from services.profiles.adapters import peers as peer_documents

    background = project(
        previous_steps=(previous(),),
        transition=beneficiaries.CurrentTransition(Transition.IMPOSED, TransitionReason.RELOCATION),
    )
    beneficiary, _ = beneficiaries.register("agency-1", "staff-1", identity(), background, True)
    stored = beneficiary_documents.from_document(beneficiary_documents.to_document(beneficiary))
    assert stored.project == beneficiary.project
    named = replace(step(), employer="Boulangerie Martin", employer_siret=GOOD_SIRET)
    imposed = replace(step(start="2023-01"), transition=Transition.IMPOSED, transition_reason=TransitionReason.HEALTH)
    peer, _ = peers.publish(a_peer(path=(named, imposed)))
    assert peer_documents.from_document(peer_documents.to_document(peer)).path == peer.path


def test_the_peers_spreadsheet_takes_a_step_s_employer_and_siret() -> None:
    from services.profiles.importing.rows import to_peer

    row = {
        "first_name": "Léa",
        "last_name": "Roux",
        "email": "lea@example.org",
        "kind": "apprentie",
        "meeting_modes": "in_person",
        "step1_kind": "emploi",
        "step1_rome": "m1855",
        "step1_start": "09/2021",
        "step1_employer": "Agence Web de l'Erdre",
        "step1_siret": GOOD_SIRET,
    }
    peer, _ = peers.publish(to_peer(row, "agency-1", "52"))
    assert (peer.path[0].employer, peer.path[0].employer_siret) == ("Agence Web de l'Erdre", GOOD_SIRET)
    with pytest.raises(peers.InvalidPeer) as refused:
        peers.publish(to_peer({**row, "step1_siret": "73282932000075"}, "agency-1", "52"))
    assert refused.value.problems == [
        ("path[0].employer_siret", "La clé du SIRET est fausse : vérifiez les 14 chiffres.")
    ]
