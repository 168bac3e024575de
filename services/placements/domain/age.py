"""How old a minor is on a PMSMP's first day: a PMSMP needs the beneficiary to be 16 then. Pure; the date
of birth comes from profiles (kept for minors only, never on the topics)."""

from __future__ import annotations

from datetime import date

from services.placements.domain.limits import Problems

MINIMUM_AGE = 16


def age_on(born: date, day: date) -> int:
    """Whole years lived on `day`: one more on each birthday, and on 1 March for a 29 February birthday in a
    year without one."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_problems(minor: bool, born: date | None, first_day: date) -> Problems:
    """A minor must be 16 on the first day, which needs their date of birth in their profile."""
    if not minor:
        return []
    if born is None:
        return [
            (
                "beneficiary_id",
                "Indiquez la date de naissance de ce mineur dans son profil : une PMSMP demande d'avoir au moins "
                f"{MINIMUM_AGE} ans le premier jour.",
            )
        ]
    age = age_on(born, first_day)
    if age < MINIMUM_AGE:
        return [
            (
                "start_date",
                f"La personne aura {age} ans le premier jour : une PMSMP demande au moins {MINIMUM_AGE} ans.",
            )
        ]
    return []
