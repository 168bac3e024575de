"""The rules of the parties' secure links: which link each party step is taken with, who may take it, and
what a link can do now. The refusals are in French: the person holding the phone reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.contracts.events.placements import LinkPurpose, PartyRole
from services.contracts.links import CONVENTION_PARTY, LINK_REPLACED, LINK_USED
from services.kit.domain import Forbidden, Refusal
from services.placements.domain.convention import Convention, token_hash
from services.placements.domain.lifecycle import STATUS_LABELS, TRANSITIONS, Action, Actor, Status
from services.placements.domain.terms import ROLE_LABELS

# which link each party step is taken with; who may take it is the TRANSITIONS table's to say
LINK_PURPOSE: dict[Action, LinkPurpose] = {
    Action.CONFIRM: LinkPurpose.CONFIRM,
    Action.DECLINE: LinkPurpose.CONFIRM,
    Action.SIGN: LinkPurpose.SIGN,
    Action.SUBMIT_ASSESSMENT: LinkPurpose.ASSESS,
    Action.AGREE_ASSESSMENT: LinkPurpose.AGREE,
    Action.CONTEST_ASSESSMENT: LinkPurpose.AGREE,
}


class LinkRefused(Refusal):
    """403: altered, another convention's or another role's; 409: the convention has moved on; 410: used,
    replaced or expired (an altered or expired token is refused by `CONVENTION_PARTY.opened`)."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.status = self.status_code = status_code


@dataclass(frozen=True)
class Opened:
    """A convention as a link opens it: whose link, for what, and what it can do now."""

    convention: Convention
    role: PartyRole
    purpose: LinkPurpose | None  # None: a used link, opened to read what became of the convention
    can: tuple[Action, ...]


def roles_for(action: Action) -> frozenset[PartyRole]:
    """The parties the table lets take `action`, from any status."""
    actors = {actor for (_, step), rule in TRANSITIONS.items() if step is action for actor in rule.actors}
    return frozenset(PartyRole(a.value) for a in actors if a.value in PartyRole._value2member_map_)


def possible(convention: Convention, role: PartyRole, purpose: LinkPurpose) -> tuple[Action, ...]:
    """What a link of this role and purpose can do now. The tutor's link comes on the last day of the
    immersion (the scheduler issues it), so it may act while the convention is still in progress."""
    status, actor = convention.status, Actor(role.value)
    can = []
    for action, needed in LINK_PURPOSE.items():
        if needed is not purpose or role not in roles_for(action):
            continue
        rule = TRANSITIONS.get((status, action))
        last_day = action is Action.SUBMIT_ASSESSMENT and status is Status.IN_PROGRESS
        if (rule is not None and actor in rule.actors) or last_day:
            can.append(action)
    return tuple(can)


def link_subject(key: str, convention_id: str, token: str, now: datetime) -> tuple[str, str]:
    """The role and link id a token was signed for, if it is this convention's; LinkRefused otherwise."""
    subject = CONVENTION_PARTY.opened(key, token, now)
    linked_id, role_name, link_id = [*subject.split(":"), "", ""][:3]
    if linked_id != convention_id:
        raise Forbidden("Ce lien concerne une autre convention.", code="link_other_convention")
    return role_name, link_id


def opened(convention: Convention, role: PartyRole, link_id: str, token: str, *, reading: bool = False) -> Opened:
    """What the link may do, or LinkRefused saying why. A used link still opens to read (`reading`), so that
    its holder sees what became of the convention."""
    if convention.erased:
        raise LinkRefused(410, "convention_closed", "Cette convention est close : ce lien ne sert plus.")
    if token_hash(token) in convention.used_links:
        if reading:
            return Opened(convention, role, None, ())
        raise LinkRefused(410, "link_used", LINK_USED)
    record = convention.links.get(role)
    if record is None or record.link_id != link_id or record.hash != token_hash(token):
        raise LinkRefused(410, "link_replaced", LINK_REPLACED)
    return Opened(convention, role, record.purpose, possible(convention, role, record.purpose))


def check_step(opened: Opened, action: Action) -> None:
    """LinkRefused unless this link may take `action` now."""
    role = opened.role
    if role not in roles_for(action):
        raise LinkRefused(
            403, "link_wrong_role", f"Ce lien ne permet pas cette action : c'est un lien « {ROLE_LABELS[role]} »."
        )
    if opened.purpose is not LINK_PURPOSE[action]:
        raise LinkRefused(403, "link_wrong_step", "Ce lien sert à une autre étape de la convention.")
    if action not in opened.can:
        label = STATUS_LABELS[opened.convention.status].lower()
        raise LinkRefused(
            409, "step_no_longer_possible", f"Cette étape n'est plus possible : la convention est « {label} »."
        )
