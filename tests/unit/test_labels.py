"""What people read for codes: one lookup for every service (`services.reference.labels`), and French dates
(`services.reference.french`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from services.reference import french, labels
from services.reference.jobs import DATA


def test_a_job_a_sector_and_a_place_read_as_words() -> None:
    assert labels.job("M1855") == "Développeur / Développeuse web"
    assert labels.job("m1855 ") == "Développeur / Développeuse web"
    assert labels.sector("62") == "Programmation, conseil et autres activités informatiques"
    assert labels.sector("68") == "Activités immobilières"  # the source had lost the accents
    assert labels.place("2990969") == "Nantes"
    assert labels.job_with_code("M1855") == "Développeur / Développeuse web (M1855)"


def test_an_unknown_code_reads_as_itself_and_nothing_reads_as_nothing() -> None:
    assert labels.job("Z9999") == "Z9999"
    assert labels.place("0") == "0"
    assert labels.sector("") == labels.job(None) == labels.place(None) == ""
    assert labels.job_with_code("Z9999") == "Z9999"


def test_an_answer_lists_the_labels_of_its_codes_by_kind() -> None:
    shown = labels.of_codes(["M1855", None, "J1501"], ["62"], ["2990969", None])
    assert shown.jobs == {"M1855": "Développeur / Développeuse web", "J1501": "Aide-soignant / Aide-soignante"}
    assert list(shown.sectors) == ["62"] and shown.places == {"2990969": "Nantes"}


def test_each_gender_form_of_a_rome_label() -> None:
    cases = {
        "Développeur / Développeuse web": ("Développeur web", "Développeuse web"),
        "Conducteur / Conductrice d'engins agricoles": (
            "Conducteur d'engins agricoles",
            "Conductrice d'engins agricoles",
        ),
        "Ouvrier agricole polyvalent / Ouvrière agricole polyvalente": (
            "Ouvrier agricole polyvalent",
            "Ouvrière agricole polyvalente",
        ),
        "Responsable Commercial / Commerciale": ("Responsable Commercial", "Responsable Commerciale"),
        "Médecin Anesthésiste Réanimateur / Réanimatrice (MAR)": (
            "Médecin Anesthésiste Réanimateur (MAR)",
            "Médecin Anesthésiste Réanimatrice (MAR)",
        ),
        "Homme sage-femme / Sage-femme": ("Homme sage-femme", "Sage-femme"),
        "Œnologue": ("Œnologue", "Œnologue"),
    }
    for label, (masculine, feminine) in cases.items():
        assert (labels.gendered(label, False), labels.gendered(label, True)) == (masculine, feminine), label


def test_every_rome_label_has_two_forms_of_the_same_length_but_one() -> None:
    """No form loses or doubles the shared words (a sign the split went wrong)."""
    odd = []
    for label in json.loads(DATA.read_text(encoding="utf-8"))["rome"].values():
        masculine, feminine = labels.gendered(label, False), labels.gendered(label, True)
        assert " / " not in masculine + feminine, label
        if len(masculine.split()) != len(feminine.split()):
            odd.append(label)
    assert odd == ["Homme sage-femme / Sage-femme"]


def test_dates_read_as_in_france() -> None:
    assert french.moment(datetime(2026, 12, 1, 13, 30, tzinfo=UTC)) == "mardi 1er décembre 2026 à 14 h 30"
    assert french.moment("2026-07-14T07:00:00+00:00") == "mardi 14 juillet 2026 à 9 h"
    assert french.day(date(2027, 1, 4)) == "lundi 4 janvier 2027"
    assert french.day(date(2027, 8, 1), weekday=False) == "1er août 2027"
    # late in the evening in UTC is already the next day in Paris
    assert french.day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "vendredi 1er janvier 2027"
    assert french.period("2027-01-04", "2027-01-15") == "du lundi 4 janvier 2027 au vendredi 15 janvier 2027"
