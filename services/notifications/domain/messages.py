"""What people read, in French: the inbox line (title, body) and the e-mail, per kind of notification, from
the event's payload. Pure; the names come only from the recipient's own contact and the agency's name.

A `Message` says what happened (`body`), the facts that matter (`facts`: when, which job, until when), the
one thing to do (`action` on `url`: the e-mail's button), an optional second link (`footer`), and why the
person receives it (`why`). `layout.render` turns it into the e-mail's text and HTML parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from services.notifications.domain.email import Attachment
from services.notifications.domain.layout import render
from services.notifications.domain.naming import SOMEONE_FOLLOWED
from services.notifications.domain.routing import Kind
from services.reference import french, labels

PURPOSES = {
    "job_inquiry": "une enquête métier",
    "testimony": "un témoignage",
    "company_visit": "une visite d'entreprise",
    "mentoring": "un parrainage",
}
# purpose -> (title, what the link is for, the button)
LINK_PURPOSES = {
    "confirm": (
        "Confirmez l'accueil d'une immersion (PMSMP)",
        "confirmer ou refuser l'accueil",
        "Confirmer ou refuser",
    ),
    "sign": ("Signez la convention d'immersion (PMSMP)", "relire et signer la convention", "Relire et signer"),
    "assess": ("Le bilan de l'immersion (PMSMP)", "remplir le bilan de l'immersion (5 minutes)", "Remplir le bilan"),
    "agree": ("Votre bilan d'immersion", "lire le bilan et dire si vous êtes d'accord", "Lire le bilan"),
}
# a convention's party -> why they hear of it
PARTY_ROLES = {
    "employer": "vous représentez l'entreprise d'accueil",
    "tutor": "vous êtes le tuteur ou la tutrice",
    "beneficiary": "vous êtes la personne accueillie",
    "legal_representative": "vous êtes le représentant légal de la personne accueillie",
}
REMINDERS = {
    "signatures_missing": "des signatures manquent encore, l'immersion commence bientôt",
    "validation_pending": "la convention attend encore sa validation, l'immersion commence bientôt",
    "assessment_request": "l'immersion se termine : le bilan est à remplir",
    "assessment_overdue": "le bilan de l'immersion n'est pas encore fait",
}
UNNAMED_AGENCY = "une structure d'accompagnement"
OWN_PROFILE = (
    "Pour faire une pause, dire combien de rencontres vous pouvez donner par mois ou relire votre parcours, "
    "ouvrez votre profil de pair."
)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str = ""
    footer: str = ""  # a second, optional thing the person may do, with its own link
    action: str = ""  # the words of the one button (on `url`)
    why: str = ""  # why this person receives it
    facts: tuple[tuple[str, str], ...] = ()  # (label, value): when, which job, until when
    footer_url: str = ""
    footer_action: str = ""
    attachments: tuple[Attachment, ...] = ()
    # for the e-mail only, never the inbox (whose entries are pushed through Kafka): where a meeting is held
    email_only: str = ""

    def email(self, greeting_name: str, agency: str = "") -> tuple[str, str]:
        """The subject and the plain-text part (see `layout.render` for the HTML part)."""
        rendered = render(self, greeting_name, agency)
        return rendered.subject, rendered.text


class OwnProfile(TypedDict, total=False):
    footer: str
    footer_url: str
    footer_action: str


def _own_profile(link: str) -> OwnProfile:
    """For a peer: where they look after their profile themselves."""
    return OwnProfile(footer=OWN_PROFILE, footer_url=link, footer_action="Mon profil de pair") if link else {}


def _period(payload: dict[str, Any]) -> tuple[str, str]:
    return ("Quand", french.period(payload["start_date"], payload["end_date"]))


def _by(agency: str) -> str:
    return f" de {agency}" if agency else ""


SIGNATORIES = {
    "employer": "L'entreprise d'accueil",
    "tutor": "Le tuteur",
    "beneficiary": "Le bénéficiaire",
    "legal_representative": "Le représentant légal",
}


def message(
    kind: Kind, payload: dict[str, Any], link: str = "", console: str = "", own_profile: str = "", agency: str = ""
) -> Message:
    """`link`: the secure link a person outside the agencies acts from; `console`: where staff see it;
    `own_profile`: a peer's link to their own profile; `agency`: the name of the agency the event belongs to."""
    if kind is Kind.SUGGESTION:
        return Message(
            # e-mailed once a day per beneficiary (the first peer's reasons); the inbox's group counts and names
            f"De nouveaux pairs pour {SOMEONE_FOLLOWED}",
            f"Un pair entre dans les suggestions d'un de vos bénéficiaires (rang {payload['rank']})."
            + "".join(f" {reason}." for reason in payload.get("reasons", [])[:3]),
            console,
            action="Voir les pairs suggérés",
            why="Vous recevez ce message parce que vous accompagnez ce bénéficiaire sur Parcours.",
        )
    if kind is Kind.CHARTER_REQUEST:
        return Message(
            "Avant de partager votre parcours : la charte du pair",
            f"Une structure{_by(agency)} vous a inscrit pour partager votre parcours avec des personnes qui "
            "construisent leur projet professionnel. Avant qu'on vous propose des rencontres, lisez et acceptez "
            "la charte du pair : ce qu'est un témoignage, la confidentialité, ni recrutement ni vente, comment "
            "signaler un problème.",
            link,
            action="Lire et accepter la charte",
            why="Vous recevez ce message parce qu'une structure de Parcours vous a inscrit comme pair, ou parce que "
            "la charte a changé.",
            facts=(("Version de la charte", str(payload["charter_version"])),)
            if payload.get("charter_version")
            else (),
        )
    if kind is Kind.INTRODUCTION_REQUEST:
        job = labels.job(payload.get("target_job"))
        return Message(
            "Une personne aimerait échanger avec vous",
            f"Un conseiller{_by(agency)} vous propose {PURPOSES.get(payload['purpose'], 'une rencontre')} avec une "
            "personne qui construit son projet professionnel et aimerait profiter de votre parcours. Vous pouvez "
            "accepter ou refuser.",
            link,
            action="Répondre à la demande",
            why="Vous recevez ce message parce que vous avez accepté de partager votre parcours avec les personnes "
            "qu'accompagnent les structures de Parcours.",
            facts=(
                *((("Métier", job),) if job else ()),
                ("Répondre avant le", french.moment(payload["expires_at"])),
            ),
            **_own_profile(own_profile),
        )
    if kind is Kind.INTRODUCTION_REMINDER:
        return Message(
            "Rappel : une demande de rencontre attend votre réponse",
            "Une personne attend votre réponse à sa demande de rencontre. Sans réponse, la demande expirera.",
            link,
            action="Répondre à la demande",
            why="Vous recevez ce rappel parce qu'une demande de rencontre vous a été adressée et reste sans réponse.",
            facts=(("Expire le", french.moment(payload["expires_at"])),),
            **_own_profile(own_profile),
        )
    if kind is Kind.INTRODUCTION_ANSWERED:
        accepted = payload.get("accepted")
        return Message(
            "Mise en relation acceptée" if accepted else "Mise en relation déclinée",
            "Le pair a accepté la rencontre. Ouvrez la mise en relation pour savoir comment le joindre."
            if accepted
            else "Le pair a décliné la demande de rencontre.",
            console,
            action="Voir la mise en relation",
            why="Vous recevez ce message parce que vous avez proposé cette mise en relation.",
            facts=(("Réponse le", french.moment(payload["answered_at"])),) if payload.get("answered_at") else (),
        )
    if kind is Kind.INTRODUCTION_CONTACT:
        return Message(
            "Le pair a changé sa façon d'être joint",
            "Le pair a choisi une autre façon d'être joint.",
            console,
            action="Voir comment le joindre",
        )
    if kind is Kind.CONCERN_REPORTED:
        who = "le pair" if payload.get("by_side") == "peer" else "le conseiller du bénéficiaire"
        return Message(
            "Signalement sur une rencontre",
            f"Un signalement a été fait par {who} sur une mise en relation de votre agence. Le pair est en pause "
            "jusqu'à votre examen.",
            console,
            action="Lire et examiner le signalement",
        )
    if kind is Kind.INTRODUCTION_MESSAGE:
        if payload.get("by_side") == "peer":
            return Message("Nouveau message du pair", "Le pair vous a écrit.", console, action="Lire et répondre")
        return Message(
            "Nouveau message du conseiller",
            "Le conseiller de la personne que vous allez rencontrer vous a écrit. Votre adresse reste privée.",
            link,
            action="Lire et répondre",
        )
    if kind in MEETING_KINDS:
        return _meeting_message(kind, payload, link or console)
    if kind is Kind.CONVENTION_LINK:
        title, what, button = LINK_PURPOSES[payload["purpose"]]
        again = " Ce lien remplace le précédent, qui ne fonctionne plus." if payload.get("reissued") else ""
        role = PARTY_ROLES.get(payload.get("role", ""), "vous êtes partie à cette convention")
        return Message(
            title,
            f"Voici votre lien personnel pour {what}. Il vous est réservé : ne le transférez pas.{again}",
            link,
            action=button,
            why=f"Vous recevez ce message parce que {role} dans une convention d'immersion professionnelle (PMSMP) "
            f"préparée par {agency or UNNAMED_AGENCY}.",
            facts=(("Lien valable jusqu'au", french.moment(payload["expires_at"])),) if "expires_at" in payload else (),
        )
    if kind is Kind.CONVENTION_CONFIRMED:
        return Message(
            "Convention confirmée par l'entreprise",
            "L'entreprise a confirmé l'accueil prévu. Les signatures sont demandées.",
            console,
            action="Voir la convention",
            why="Vous recevez ce message parce que vous suivez cette convention.",
            facts=(_period(payload),),
        )
    if kind is Kind.CONVENTION_DECLINED:
        return Message(
            "Convention refusée par l'entreprise",
            "L'entreprise a décliné l'accueil prévu. Son motif est dans la convention.",
            console,
            action="Voir la convention",
            why="Vous recevez ce message parce que vous suivez cette convention.",
            facts=(_period(payload),),
        )
    if kind is Kind.CONVENTION_SIGNED:
        who = SIGNATORIES.get(str(payload.get("signed_by", "")), "Une partie")
        if payload.get("all_signed"):
            return Message(
                "Convention signée par toutes les parties",
                f"{who} a signé en dernier la convention d'immersion : elle attend la validation.",
                console,
                action="Ouvrir la convention",
                why="Vous recevez ce message parce que vous suivez ce bénéficiaire.",
                facts=(_period(payload),),
            )
        return Message(
            "Signature reçue",
            f"{who} a signé la convention d'immersion.",
            console,
            action="Ouvrir la convention",
            why="Vous recevez ce message parce que vous suivez ce bénéficiaire.",
            facts=(_period(payload),),
        )
    if kind is Kind.CONVENTION_TO_VALIDATE:
        return Message(
            "Convention à valider",
            "Une convention d'immersion est signée et attend votre validation.",
            console,
            action="Valider la convention",
            why="Vous recevez ce message parce que vous validez les conventions de votre structure.",
            facts=(_period(payload),),
        )
    if kind is Kind.CONVENTION_REMINDER:
        what = REMINDERS.get(payload["kind"], "une étape de la convention attend")
        return Message(
            f"Rappel : {what}",
            f"Immersion prévue : {what}.",
            link or console,
            action="Ouvrir la convention" if console and not link else "Agir maintenant",
            why="Vous recevez ce rappel parce que la convention attend encore une action de votre part.",
            facts=(_period(payload),),
        )
    raise ValueError(f"no message for {kind}")


MEETING_KINDS = frozenset({Kind.MEETING_SLOTS, Kind.MEETING_SCHEDULED, Kind.MEETING_CANCELLED, Kind.MEETING_REMINDER})


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
                f"Le pair propose {dates} pour {purpose}. Choisissez celui qui convient à la personne.",
                url,
                action="Choisir un créneau",
            )
        return Message(
            "Des dates vous sont proposées pour la rencontre",
            f"Le conseiller propose {dates} pour {purpose}. Choisissez celui qui vous convient, ou proposez-en "
            "d'autres.",
            url,
            action="Choisir un créneau",
        )
    meeting = payload.get("meeting") or {}
    when = french.moment(str(payload["starts_at"]))
    place = f"Lieu : {where(meeting)[0].upper()}{where(meeting)[1:]}." if meeting else ""
    present = " Le conseiller de la personne, mineure, est présent." if meeting.get("counsellor_present") else ""
    if kind is Kind.MEETING_SCHEDULED:
        moved = payload.get("rescheduled")
        agenda = "met à jour votre agenda" if moved else "s'ajoute à votre agenda"
        return Message(
            f"Rencontre {'déplacée au' if moved else 'fixée le'} {when}",
            f"La rencontre pour {purpose} aura lieu le {when}.{present} L'invitation jointe au courriel {agenda}. "
            + (
                "Vous pouvez la suivre, la déplacer ou l'annuler."
                if url
                else "Pour toute question, écrivez au conseiller."
            ),
            url,
            action="Voir la rencontre",
            email_only=place,
        )
    if kind is Kind.MEETING_CANCELLED:
        return Message(
            "Rencontre annulée",
            f"La rencontre pour {purpose} prévue le {when} est annulée. L'invitation jointe au courriel la retire "
            "de votre agenda. D'autres dates peuvent être proposées.",
            url,
            action="Proposer d'autres dates",
        )
    return Message(
        "Rappel : rencontre demain",
        f"La rencontre pour {purpose} a lieu demain, le {when}.{present} En cas d'empêchement, prévenez l'autre "
        "personne.",
        url,
        action="Voir la rencontre",
        email_only=place,
    )
