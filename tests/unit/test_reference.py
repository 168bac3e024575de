from __future__ import annotations

from services.reference import jobs, places
from services.reference.text import fold


def test_folding_ignores_accents_case_and_punctuation() -> None:
    assert fold("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert fold("  Œnologue ") == "oenologue"


def test_jobs_are_found_by_code_domain_or_words() -> None:
    assert jobs.job("m1805") is not None and jobs.job("M1805").domain == "M18"  # type: ignore[union-attr]
    assert jobs.search_jobs("M1805")[0].code == "M1805"
    assert all(j.code.startswith("K21") for j in jobs.search_jobs("K21"))
    assert "M1855" in [j.code for j in jobs.search_jobs("DÉVELOPPEUR web")]
    assert jobs.search_jobs("   ") == []


def test_a_search_of_punctuation_only_finds_nothing_and_fails_not() -> None:
    for query in ("-", "?!", " - ", "'", "../"):
        assert jobs.search_jobs(query) == [], query
        assert places.autocomplete(query) == [], query
    assert "62" in jobs.sectors_of("M1805")


def test_places_autocomplete_largest_first_within_a_region_and_distances() -> None:
    nantes = places.autocomplete("nantes", "52")[0]
    angers = places.autocomplete("Angers")[0]
    assert nantes.name == "Nantes" and nantes.region_code == "52"
    assert places.autocomplete("la roche sur", "52")[0].name == "La Roche-sur-Yon"
    assert 75 < places.distance_km(nantes, angers) < 90
    assert places.distance_km(nantes, nantes) == 0
    assert places.place(nantes.place_id) == nantes
