"""What people read, in French: the inbox line (title, body) and the e-mail (subject, text), per kind of
notification, from the event's payload. Pure; the names come only from the recipient's own contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.email import Attachment
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
    attachments: tuple[Attachment, ...] = ()
    # for the e-mail only, never the inbox (whose entries are pushed through Kafka): where a meeting is held
    email_only: str = ""

    def email(self, greeting_name: str) -> tuple[str, str]:
        hello = f"Bonjour {greeting_name}," if greeting_name else "Bonjour,"
        link = f"\n\n{self.url}" if self.url else ""
        footer = f"\n\n{self.footer}" if self.footer else ""
        extra = f"\n\n{self.email_only}" if self.email_only else ""
        return f"[Parcours] {self.title}", f"{hello}\n\n{self.body}{extra}{link}{footer}{SIGNATURE}"


def _own_profile(link: str) -> str:
    """For a peer: where they look after their profile themselves."""
    if not link:
        return ""
    what = "faire une pause, dire combien de rencontres vous pouvez donner par mois ou relire votre parcours"
    return f"Pour {what} : {link}"


def _dates(payload: dict[str, Any]) -> str:
    start, end = date.fromisoformat(payload["start_date"]), date.fromisoformat(payload["end_date"])
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


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
            "Le pair a accepté la rencontre. Ouvrez la mise en relation pour savoir comment le joindre."
            if accepted
            else "Le pair a décliné la demande de rencontre.",
            console,
        )
    if kind is Kind.INTRODUCTION_CONTACT:
        return Message(
            "Le pair a changé sa façon d'être joint",
            "Le pair a choisi une autre façon d'être joint. Ouvrez la mise en relation pour la lire.",
            console,
        )
    if kind is Kind.CONCERN_REPORTED:
        who = "le pair" if payload.get("by_side") == "peer" else "le conseiller du bénéficiaire"
        return Message(
            "Signalement sur une rencontre",
            f"Un signalement a été fait par {who} sur une mise en relation de votre agence. Le pair est en pause "
            "jusqu'à votre examen. Le lire et l'examiner :",
            console,
        )
    if kind is Kind.INTRODUCTION_MESSAGE:
        if payload.get("by_side") == "peer":
            return Message("Nouveau message du pair", "Le pair vous a écrit. Lire et répondre :", console)
        return Message(
            "Nouveau message du conseiller",
            "Le conseiller de la personne que vous allez rencontrer vous a écrit. Lire et répondre (votre adresse "
            "reste privée) :",
            link,
        )
    if kind in MEETING_KINDS:
        return _meeting_message(kind, payload, link or console)
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


MEETING_KINDS = frozenset({Kind.MEETING_SLOTS, Kind.MEETING_SCHEDULED, Kind.MEETING_CANCELLED, Kind.MEETING_REMINDER})
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_day(moment: datetime) -> str:
    """« jeudi 10 décembre 2026 à 14 h 00 », in France."""
    local = moment.astimezone(FRANCE)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{WEEKDAYS[local.weekday()]} {day} {MONTHS[local.month - 1]} {local.year} à {local:%H} h {local:%M}"


def where(meeting: dict[str, Any]) -> str:
    """Where the meeting is held, as the invitation says it."""
    if meeting.get("venue") == "video":
        return f"en visio : {meeting['place']}"
    if meeting.get("at_agency") and not meeting.get("place"):
        return "à l'agence de la personne accompagnée (le conseiller vous en donne l'adresse)"
    return f"à l'adresse : {meeting['place']}" + (" (à l'agence)" if meeting.get("at_agency") else "")


def _meeting_message(kind: Kind, payload: dict[str, Any], url: str) -> Message:
    purpose = PURPOSES.get(payload["purpose"], "la rencontre")
    if kind is Kind.MEETING_SLOTS:
        count = payload.get("slots", 1)
        dates = f"{count} créneau{'x' if count > 1 else ''}"
        if payload.get("by_side") == "peer":
            return Message(
                "Le pair propose des dates de rencontre",
                f"Le pair propose {dates} pour {purpose}. Choisissez celui qui convient à la personne :",
                url,
            )
        return Message(
            "Des dates vous sont proposées pour la rencontre",
            f"Le conseiller propose {dates} pour {purpose}. Choisissez celui qui vous convient, ou proposez-en "
            "d'autres :",
            url,
        )
    meeting = payload.get("meeting") or {}
    when = long_day(datetime.fromisoformat(str(payload["starts_at"])))
    place = f"Lieu : {where(meeting)[0].upper()}{where(meeting)[1:]}." if meeting else ""
    present = " Le conseiller de la personne, mineure, est présent." if meeting.get("counsellor_present") else ""
    if kind is Kind.MEETING_SCHEDULED:
        moved = payload.get("rescheduled")
        agenda = "met à jour votre agenda" if moved else "s'ajoute à votre agenda"
        return Message(
            f"Rencontre {'déplacée au' if moved else 'fixée le'} {when}",
            f"La rencontre pour {purpose} aura lieu le {when}.{present} L'invitation jointe au courriel {agenda}. "
            + ("Pour la suivre, la déplacer ou l'annuler :" if url else "Pour toute question, écrivez au conseiller."),
            url,
            email_only=place,
        )
    if kind is Kind.MEETING_CANCELLED:
        return Message(
            "Rencontre annulée",
            f"La rencontre pour {purpose} prévue le {when} est annulée. L'invitation jointe au courriel la retire "
            "de votre agenda. D'autres dates peuvent être proposées ici :",
            url,
        )
    return Message(
        "Rappel : rencontre demain",
        f"La rencontre pour {purpose} a lieu demain, le {when}.{present} En cas d'empêchement, prévenez ici :",
        url,
        email_only=place,
    )


def _day(moment: str) -> str:
    """The day and hour in France of an instant."""
    return datetime.fromisoformat(moment).astimezone(FRANCE).strftime("%d/%m/%Y à %H h %M")
