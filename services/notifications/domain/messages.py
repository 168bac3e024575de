"""What people read, in French: the inbox line (title, body) and the e-mail (subject, text), per kind of
notification, from the event's payload. Pure; the names come only from the recipient's own contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.routing import Kind

PURPOSES = {
    "job_inquiry": "une enquête métier",
    "testimony": "un témoignage",
    "company_visit": "une visite d'entreprise",
    "mentoring": "un parrainage",
}
LINK_PURPOSES = {
    "confirm": ("Confirmez l'accueil d'une immersion (PMSMP)", "confirmer ou refuser l'accueil"),
    "sign": ("Signez la convention d'immersion (PMSMP)", "relire et signer la convention"),
    "assess": ("Le bilan de l'immersion (PMSMP)", "remplir le bilan de l'immersion (5 minutes)"),
    "agree": ("Votre bilan d'immersion", "lire le bilan et dire si vous êtes d'accord"),
}
REMINDERS = {
    "signatures_missing": "des signatures manquent encore, l'immersion commence bientôt",
    "validation_pending": "la convention attend encore sa validation, l'immersion commence bientôt",
    "assessment_request": "l'immersion se termine : le bilan est à remplir",
    "assessment_overdue": "le bilan de l'immersion n'est pas encore fait",
}
FRANCE = ZoneInfo("Europe/Paris")
SIGNATURE = "\n\n-- \nParcours, la plateforme des structures d'accompagnement des Pays de la Loire"


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str = ""
    footer: str = ""

    def email(self, greeting_name: str) -> tuple[str, str]:
        hello = f"Bonjour {greeting_name}," if greeting_name else "Bonjour,"
        link = f"\n\n{self.url}" if self.url else ""
        footer = f"\n\n{self.footer}" if self.footer else ""
        return f"[Parcours] {self.title}", f"{hello}\n\n{self.body}{link}{footer}{SIGNATURE}"


def _own_profile(link: str) -> str:
    """For a peer: where they look after their profile themselves."""
    if not link:
        return ""
    what = "faire une pause, dire combien de rencontres vous pouvez donner par mois ou relire votre parcours"
    return f"Pour {what} : {link}"


def _dates(payload: dict[str, Any]) -> str:
    start, end = date.fromisoformat(payload["start_date"]), date.fromisoformat(payload["end_date"])
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


SIGNATORIES = {
    "employer": "L'entreprise d'accueil",
    "tutor": "Le tuteur",
    "beneficiary": "Le bénéficiaire",
    "legal_representative": "Le représentant légal",
}


def message(kind: Kind, payload: dict[str, Any], link: str = "", console: str = "", own_profile: str = "") -> Message:
    """`link`: the secure link a person outside the agencies acts from; `console`: where staff see it;
    `own_profile`: a peer's link to their own profile."""
    if kind is Kind.SUGGESTION:
        return Message(
            "Nouvelle suggestion de pair",
            f"Un pair entre dans les suggestions d'un de vos bénéficiaires (rang {payload['rank']})."
            + "".join(f" {reason}." for reason in payload.get("reasons", [])[:3]),
            console,
        )
    if kind is Kind.INTRODUCTION_REQUEST:
        return Message(
            "Une personne aimerait échanger avec vous",
            f"Un conseiller vous propose {PURPOSES.get(payload['purpose'], 'une rencontre')} avec une personne qui "
            f"construit son projet. Vous pouvez accepter ou refuser jusqu'au {_day(payload['expires_at'])} :",
            link,
            _own_profile(own_profile),
        )
    if kind is Kind.INTRODUCTION_REMINDER:
        return Message(
            "Rappel : une demande de rencontre attend votre réponse",
            f"Sans réponse, la demande expirera le {_day(payload['expires_at'])}. Répondre :",
            link,
            _own_profile(own_profile),
        )
    if kind is Kind.INTRODUCTION_ANSWERED:
        accepted = payload.get("accepted")
        return Message(
            "Mise en relation acceptée" if accepted else "Mise en relation déclinée",
            "Le pair a accepté la rencontre." if accepted else "Le pair a décliné la demande de rencontre.",
            console,
        )
    if kind is Kind.CONVENTION_LINK:
        title, what = LINK_PURPOSES[payload["purpose"]]
        again = " (ce lien remplace le précédent)" if payload.get("reissued") else ""
        return Message(title, f"Voici votre lien personnel pour {what}{again} :", link)
    if kind is Kind.CONVENTION_CONFIRMED:
        return Message(
            "Convention confirmée par l'entreprise",
            f"L'entreprise a confirmé l'accueil prévu {_dates(payload)}. Les signatures sont demandées.",
            console,
        )
    if kind is Kind.CONVENTION_DECLINED:
        return Message(
            "Convention refusée par l'entreprise",
            f"L'entreprise a décliné l'accueil prévu {_dates(payload)}. Son motif est dans la convention.",
            console,
        )
    if kind is Kind.CONVENTION_SIGNED:
        who = SIGNATORIES.get(str(payload.get("signed_by", "")), "Une partie")
        if payload.get("all_signed"):
            return Message(
                "Convention signée par toutes les parties",
                f"{who} a signé en dernier la convention d'immersion {_dates(payload)} : elle attend la validation.",
                console,
            )
        return Message("Signature reçue", f"{who} a signé la convention d'immersion {_dates(payload)}.", console)
    if kind is Kind.CONVENTION_TO_VALIDATE:
        return Message(
            "Convention à valider",
            f"Une convention d'immersion {_dates(payload)} est signée et attend votre validation.",
            console,
        )
    if kind is Kind.CONVENTION_REMINDER:
        what = REMINDERS.get(payload["kind"], "une étape de la convention attend")
        return Message(f"Rappel : {what}", f"Immersion prévue {_dates(payload)} : {what}.", link or console)
    raise ValueError(f"no message for {kind}")


def _day(moment: str) -> str:
    """The day and hour in France of an instant."""
    return datetime.fromisoformat(moment).astimezone(FRANCE).strftime("%d/%m/%Y à %H h %M")
