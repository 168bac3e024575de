"""The peers' charter (charte du pair): what a peer accepts before counsellors may suggest them, read on the
peer's own page. Reference data every service reads: profiles records who accepted which version, matching
suggests only peers who accepted the current one. Publishing a new text means a new `version` (and date):
every peer is asked again, from their next visit, before they are suggested again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Charter:
    version: str
    published_on: date
    title: str
    sections: tuple[Section, ...]


CURRENT = Charter(
    version="2026-12",
    published_on=date(2026, 12, 2),
    title="Charte du pair",
    sections=(
        Section(
            "Ce qu'est un témoignage",
            "Vous racontez votre parcours tel que vous l'avez vécu : vos choix, vos doutes, ce qui vous a aidé. "
            "C'est une expérience parmi d'autres, pas un conseil d'orientation ni une vérité sur le métier.",
        ),
        Section(
            "Ce qu'il n'est pas",
            "Vous ne recrutez pas, ne vendez rien et ne proposez aucune formation ou service payant. Vous ne "
            "demandez ni argent ni service en échange, et ne cherchez pas à convaincre la personne de suivre votre "
            "voie.",
        ),
        Section(
            "Confidentialité",
            "Ce que la personne vous confie reste entre vous. Vous ne partagez ni son nom, ni son histoire, ni ses "
            "coordonnées, pas plus que vous ne publiez quoi que ce soit sur la rencontre.",
        ),
        Section(
            "Liberté de chacun",
            "Personne n'est obligé : vous pouvez refuser une demande sans vous justifier, faire une pause ou "
            "arrêter. La personne accompagnée le peut aussi.",
        ),
        Section(
            "Signaler un problème",
            "Si une rencontre vous met mal à l'aise, signalez-le depuis le lien de la demande ou à l'agence qui "
            "vous a inscrit : un responsable examine chaque signalement.",
        ),
    ),
)


def accepted_current(version: str | None) -> bool:
    """Whether a peer who accepted `version` (None: never) may be suggested today."""
    return version == CURRENT.version
