"""Every secure link and console page a message may open, in one place: a link's purpose, how long it
stays valid and the console page it opens, agreed here so that the service acting on the link and the
service e-mailing it sign and check the same thing (signing itself is generic: `services.kit.links`), and
what the person holding the link reads when it is refused: `LinkKind.opened` says it for every service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.kit import links
from services.kit.domain import Forbidden, Gone

# what a person holding a refused link reads, whatever the link (French: they hold a phone, not an API)
LINK_INVALID = "Ce lien n'est pas valide (incomplet ou modifié)."
LINK_USED = "Ce lien est déjà utilisé : un lien ne sert qu'une fois."
LINK_REPLACED = "Ce lien a été remplacé par un plus récent : utilisez le dernier reçu."


@dataclass(frozen=True)
class LinkKind:
    purpose: str
    page: str  # the console page the link opens: `{token}` and the subject's own fields are filled in
    days_after: int = 0  # valid this long after the date the event gives
    expired: str = "Ce lien a expiré : demandez-en un nouveau à votre conseiller."  # what its holder reads

    def expires_at(self, from_date: datetime) -> datetime:
        return from_date + timedelta(days=self.days_after)

    def token(self, key: str, subject: str, expires_at: datetime) -> str:
        return links.sign(key, self.purpose, subject, expires_at)

    def subject(self, key: str, token: str, now: datetime | None = None) -> str:
        """The subject the link was signed for; `links.InvalidLink` (or `LinkExpired`) otherwise."""
        return links.verify(key, token, self.purpose, now)

    def opened(self, key: str, token: str, now: datetime | None = None) -> str:
        """The subject the link was signed for; a French refusal otherwise: `Gone` (410, `link_expired`)
        for an expired link, `Forbidden` (403, `link_invalid`) for one altered, cut or for something else."""
        try:
            return self.subject(key, token, now)
        except links.LinkExpired as error:
            raise Gone(self.expired, code="link_expired") from error
        except links.InvalidLink as error:
            raise Forbidden(LINK_INVALID, code="link_invalid") from error

    def url(self, public_url: str, token: str, **fields: str) -> str:
        return public_url.rstrip("/") + self.page.format(token=token, **fields)


# the peer answers an introduction, and later gives feedback: from `matching.introduction.proposed`,
# signed over the introduction id, valid until 120 days after the request's `expires_at`
PEER_INTRODUCTION = LinkKind(
    "introduction-peer",
    "/links/introductions/{token}",
    120,
    "Ce lien a expiré : la demande est close depuis longtemps. Votre conseiller peut vous en envoyer une autre.",
)


# the peer looks after their own profile (pause, capacity, testimony, their path): e-mailed with each
# introduction request, signed over the peer id, valid until 90 days after the request's `expires_at`
PEER_PROFILE = LinkKind(
    "peer-profile", "/links/peers/{token}", 90, "Ce lien a expiré : le prochain e-mail de Parcours en contient un neuf."
)


# a testimony shared with a beneficiary (signed over the share's id, valid the days the counsellor chose), and
# a counsellor's player (signed over the testimony's id, a few hours): a <video> sends no bearer token, so
# the media, subtitles and page are read with the link. Either stops working once the testimony is deleted.
TESTIMONY_SHARE = LinkKind(
    "testimony-share",
    "/links/testimonies/{token}",
    expired="Ce lien a expiré : demandez à votre conseiller de vous le renvoyer.",
)
TESTIMONY_WATCH = LinkKind(
    "testimony-watch", "/links/testimonies/{token}", expired="Ce lien a expiré : rouvrez le témoignage."
)


# a party acts on a PMSMP convention (confirm, sign, assess, agree): from `placements.convention.link_issued`,
# signed over `convention_link_subject(...)`, valid until the event's `expires_at`. Placements stores only
# the link's hash, and a link works once.
CONVENTION_PARTY = LinkKind(
    "convention-party",
    "/links/conventions/{convention_id}/{token}",
    expired="Ce lien a expiré : demandez au conseiller qui suit l'immersion de vous en renvoyer un.",
)


def convention_link_subject(convention_id: str, role: str, link_id: str) -> str:
    return f"{convention_id}:{role}:{link_id}"


def convention_link(key: str, convention_id: str, role: str, link_id: str, expires_at: datetime) -> str:
    """The token of a party's link to a convention, as `placements.convention.link_issued` describes it."""
    return CONVENTION_PARTY.token(key, convention_link_subject(convention_id, role, link_id), expires_at)


# the console page a staff notification about an aggregate opens
STAFF_PAGES: dict[str, str] = {
    "suggestion": "/console/suggestions/{id}",
    "introduction": "/console/introductions/{id}",
    "convention": "/console/conventions/{id}",
    "gathering": "/console/gatherings/{id}",
}


def staff_page(public_url: str, aggregate_type: str, aggregate_id: str) -> str:
    page = STAFF_PAGES.get(aggregate_type, "/console")
    return public_url.rstrip("/") + page.format(id=aggregate_id)
