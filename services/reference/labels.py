"""The French words people read for the platform's codes: a ROME job sheet, a NAF division, a place. One
lookup for every service, its pages, e-mails and documents. An unknown code (an old sheet, a place since
removed) reads as itself, so a page never shows an empty cell; a code is only ever shown *after* its label,
in small print, never alone."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from services.reference import jobs, places


def job(code: str | None) -> str:
    """'M1855' -> 'Développeur / Développeuse web' (ROME writes both genders; see `gendered`)."""
    if not code:
        return ""
    found = jobs.job(code)
    return found.label if found else code


def sector(code: str | None) -> str:
    """'62' -> 'Programmation, conseil et autres activités informatiques'."""
    if not code:
        return ""
    found = jobs.sector(code)
    return found.label if found else code


def place(place_id: str | None) -> str:
    """A place id (GeoNames) -> the town's name, 'Saint-Nazaire'."""
    if not place_id:
        return ""
    found = places.place(place_id)
    return found.name if found else str(place_id)


def with_code(label: str, code: str | None) -> str:
    """'Développeur / Développeuse web (M1855)': the label first, the code after it for those who use it."""
    return f"{label} ({code})" if code and label and label != code else label or (code or "")


def job_with_code(code: str | None) -> str:
    return with_code(job(code), code)


def gendered(label: str, feminine: bool) -> str:
    """One gender form of a ROME label written with both: 'Conducteur / Conductrice d'engins agricoles' ->
    'Conducteur d'engins agricoles' or 'Conductrice d'engins agricoles'; 'Responsable Commercial /
    Commerciale' -> 'Responsable Commercial' or 'Responsable Commerciale'. A label with one form is kept."""
    if " / " not in label:
        return label
    left, right = label.split(" / ", 1)
    masculine_words, feminine_words = left.split(), right.split()
    if feminine_words[0].casefold() == masculine_words[-1].casefold():  # 'Homme sage-femme / Sage-femme'
        return right if feminine else " ".join([*masculine_words, *feminine_words[1:]])
    if len(feminine_words) >= len(masculine_words):  # the forms change at the start, the rest is shared
        shared = feminine_words[len(masculine_words) :]
        return right if feminine else " ".join([*masculine_words, *shared])
    # the start is shared and only the last word of the left side changes: 'Cadre Technico-commercial / ...'
    head = masculine_words[:-1]
    return " ".join([*head, *feminine_words]) if feminine else " ".join([*masculine_words, *feminine_words[1:]])


class Labels(BaseModel):
    """Beside an API answer's codes, what people read for each: every answer that carries ROME, NAF or place
    codes carries this too, so that no page has to show a code alone."""

    jobs: dict[str, str] = Field(
        default_factory=dict, description="ROME code -> label", examples=[{"M1855": "Développeur / Développeuse web"}]
    )
    sectors: dict[str, str] = Field(
        default_factory=dict,
        description="NAF division -> label",
        examples=[{"62": "Programmation, conseil et autres activités informatiques"}],
    )
    places: dict[str, str] = Field(
        default_factory=dict, description="place id -> town", examples=[{"2990969": "Nantes"}]
    )


def of_codes(
    job_codes: Iterable[str | None] = (), sector_codes: Iterable[str | None] = (), place_ids: Iterable[str | None] = ()
) -> Labels:
    """The labels of a set of codes at once, by kind: what an API answer lists beside the codes it carries."""
    return Labels(
        jobs={c: job(c) for c in job_codes if c},
        sectors={c: sector(c) for c in sector_codes if c},
        places={str(p): place(p) for p in place_ids if p},
    )
