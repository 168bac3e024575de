"""What people read about a gathering (forum, fair, open day, information session), in French: the
invitation a beneficiary receives with its calendar file, the line their counsellor sees, the witness's
confirmation, the reminder the day before and the cancellation. Pure: the gathering's details (what, when,
where) come from matching as the e-mail is written; the inbox line names no place."""

from __future__ import annotations

from typing import Any

from services.notifications.domain.messages import Message, _by, _own_profile
from services.notifications.domain.routing import Kind

BENEFICIARY_WHY = "Vous recevez ce message parce que votre conseiller vous accompagne sur Parcours."
WITNESS_WHY = "Vous recevez ce message parce que vous venez témoigner de votre parcours à cet événement."


def _facts(gathering: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    jobs = ", ".join(gathering.get("job_labels", []))
    return (
        ("Quand", gathering["when"]),
        ("Où", f"{gathering['address']}, {gathering['town']}"),
        *((("Métiers", jobs),) if jobs else ()),
    )


def _what(gathering: dict[str, Any]) -> str:
    return f"« {gathering['title']} » ({gathering['kind_label'].lower()})"


def gathering_message(
    kind: Kind,
    gathering: dict[str, Any],
    *,
    witness: bool = False,
    console: str = "",
    own_profile: str = "",
    agency: str = "",
) -> Message:
    """`gathering`: matching's `/internal/gatherings/{id}`; `witness`: the recipient is a peer who witnesses."""
    what, facts = _what(gathering), _facts(gathering)
    why = WITNESS_WHY if witness else BENEFICIARY_WHY
    extra = _own_profile(own_profile) if witness else {}
    if kind is Kind.GATHERING_INVITED:
        return Message(
            f"Invitation envoyée : {gathering['title']}",
            f"Votre bénéficiaire est invité(e) à {what}, {gathering['when']}. L'invitation lui est envoyée par "
            "courriel ; inscrivez-le ou inscrivez-la depuis la page de l'événement.",
            console,
            action="Voir l'événement",
            why="Vous recevez ce message parce que vous accompagnez ce bénéficiaire sur Parcours.",
        )
    if kind is Kind.GATHERING_INVITATION:
        return Message(
            f"Vous êtes invité(e) : {gathering['title']}",
            f"Votre conseiller{_by(agency)} vous invite à {what}, qui concerne un métier que vous visez. Vous y "
            "rencontrerez des professionnels et des personnes qui ont fait ce choix. L'invitation jointe au courriel "
            "s'ajoute à votre agenda. Les places sont limitées : dites à votre conseiller si vous souhaitez venir.",
            why=why,
            facts=facts,
        )
    if kind is Kind.GATHERING_WITNESS:
        return Message(
            f"Merci de venir témoigner : {gathering['title']}",
            f"Vous venez témoigner de votre parcours à {what}. L'invitation jointe au courriel s'ajoute à votre "
            "agenda. Si vous ne pouvez plus venir, prévenez la structure qui l'organise.",
            why=why,
            facts=facts,
            **extra,
        )
    if kind is Kind.GATHERING_REMINDER:
        return Message(
            f"Rappel : {gathering['title']} demain",
            f"{what[0].upper()}{what[1:]} a lieu demain, {gathering['when']}. En cas d'empêchement, prévenez "
            + ("la structure qui l'organise." if witness else "votre conseiller."),
            why=why,
            facts=facts,
            **extra,
        )
    if kind is Kind.GATHERING_CANCELLED:
        return Message(
            f"Annulé : {gathering['title']}",
            f"{what[0].upper()}{what[1:]}, prévu {gathering['when']}, est annulé. L'invitation jointe au courriel "
            "le retire de votre agenda.",
            why=why,
            facts=facts[:1],
            **extra,
        )
    raise ValueError(f"no gathering message for {kind}")
