"""The SIRET key check (14 digits, Luhn; La Poste's establishments follow their own key), shared by every
form that takes an establishment: a PMSMP's host in placements, an employer on a lived path in profiles."""

from __future__ import annotations

LA_POSTE_SIREN = "356000000"  # its establishments' SIRET follow another key (sum of digits divisible by 5)


def siret_problems(siret: str, field: str) -> list[tuple[str, str]]:
    if len(siret) != 14 or not siret.isdigit():
        return [(field, "Un SIRET a 14 chiffres.")]
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(d) for d in siret) % 5 == 0
    else:
        total = 0
        for position, digit in enumerate(int(d) for d in siret):
            doubled = digit * 2 if position % 2 == 0 else digit
            total += doubled - 9 if doubled > 9 else doubled
        valid = total % 10 == 0
    return [] if valid else [(field, "La clé du SIRET est fausse : vérifiez les 14 chiffres.")]
