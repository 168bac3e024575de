"""What a beneficiary prepares before meeting a peer, and what they take from it afterwards (the debrief):
one sheet per purpose, and the debrief's words and rules, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kit.domain import InvalidInput
from services.matching.domain.introduction_rules import JOB_INQUIRY_GUIDE, Purpose


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    """The preparation sheet the counsellor goes through with the beneficiary, and prints or sends."""

    title: str
    why: str
    sections: tuple[Section, ...]


REMINDER = Section(
    "À garder en tête",
    (
        "Cette personne raconte son parcours : c'est une expérience parmi d'autres, pas la vérité du métier.",
        "Elle témoigne bénévolement : elle ne recrute pas et ne vend rien.",
        "Ce qui se dit pendant la rencontre reste entre vous.",
        "Un souci pendant ou après la rencontre ? Parlez-en à votre conseiller : il peut faire un signalement.",
    ),
)

SHEETS: dict[Purpose, Sheet] = {
    Purpose.JOB_INQUIRY: Sheet(
        "Préparer son enquête métier",
        "Interroger quelqu'un qui exerce le métier, pour vérifier que ce projet vous ressemble.",
        (
            Section(
                "Avant la rencontre",
                (
                    "Relisez la fiche du métier et notez ce que vous en savez déjà.",
                    "Choisissez les trois questions qui comptent le plus pour vous.",
                    "Préparez une présentation de vous en deux minutes : votre parcours, votre projet.",
                ),
            ),
            Section("Questions à poser", JOB_INQUIRY_GUIDE),
            REMINDER,
        ),
    ),
    Purpose.COMPANY_VISIT: Sheet(
        "Préparer sa visite d'entreprise",
        "Voir le métier là où il s'exerce : les lieux, les gestes, l'ambiance.",
        (
            Section(
                "Ce qu'il faut observer",
                (
                    "Les lieux : espace, bruit, température, station debout ou assise.",
                    "Les gestes et les outils du métier, et leur rythme.",
                    "Le travail en équipe : qui fait quoi, comment on se parle.",
                    "La sécurité : équipements de protection, consignes affichées.",
                    "Les horaires réels, les pauses, les déplacements.",
                ),
            ),
            Section(
                "Questions à poser",
                (
                    "Comment se passe une journée ici ?",
                    "Quelles difficultés rencontre-t-on au début ?",
                    "Comment l'entreprise forme-t-elle les nouveaux venus ?",
                ),
            ),
            Section(
                "Le jour de la visite",
                (
                    "Prévoyez une tenue adaptée (chaussures fermées dans un atelier ou sur un chantier).",
                    "Notez l'adresse exacte et le nom de la personne qui vous accueille.",
                    "Arrivez quelques minutes en avance.",
                ),
            ),
            REMINDER,
        ),
    ),
    Purpose.TESTIMONY: Sheet(
        "Préparer l'écoute d'un témoignage",
        "Entendre comment quelqu'un a vécu ce parcours, ses choix et ses détours.",
        (
            Section(
                "Questions à poser",
                (
                    "Qu'est-ce qui vous a décidé(e) à changer, ou à choisir cette voie ?",
                    "Qu'est-ce qui a été le plus difficile, et qu'est-ce qui vous a aidé(e) ?",
                    "Que referiez-vous autrement ?",
                    "Qu'auriez-vous aimé savoir avant de commencer ?",
                ),
            ),
            REMINDER,
        ),
    ),
    Purpose.MENTORING: Sheet(
        "Préparer un parrainage",
        "Être accompagné(e) pendant plusieurs mois par quelqu'un qui connaît le chemin.",
        (
            Section(
                "Avant le premier rendez-vous",
                (
                    "Écrivez ce que vous attendez du parrainage : conseils, réseau, motivation.",
                    "Convenez du rythme des rencontres et de la façon de se joindre.",
                    "Fixez un premier objectif concret pour le mois qui vient.",
                ),
            ),
            REMINDER,
        ),
    ),
}


class ProjectEffect(StrEnum):
    """What the meeting does to the beneficiary's project."""

    CONFIRMS = "confirms"
    ADJUSTS = "adjusts"
    QUESTIONS = "questions"
    NO_CHANGE = "no_change"


PROJECT_EFFECT_LABELS = {
    ProjectEffect.CONFIRMS: "La rencontre confirme le projet",
    ProjectEffect.ADJUSTS: "Le projet s'ajuste",
    ProjectEffect.QUESTIONS: "La rencontre remet le projet en question",
    ProjectEffect.NO_CHANGE: "Rien ne change pour le projet",
}


def check_debrief(beneficiary_side: bool, took_place: bool, effect: ProjectEffect | None) -> None:
    """What a meeting changes to the project is the beneficiary's to say, once it took place."""
    if effect is None:
        return
    if not beneficiary_side:
        raise InvalidInput([("project_effect", "Seul le bénéficiaire dit ce que la rencontre change à son projet.")])
    if not took_place:
        raise InvalidInput([("project_effect", "Une rencontre qui n'a pas eu lieu ne change pas le projet.")])
