"""Staff accounts: signing in (a short-lived access token and a refresh token), refreshing, signing out,
opening an account, listing an agency's accounts, closing one, and whether an account was closed (its
tokens stop working at once, its refresh tokens are revoked)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.contracts.events.profiles import StaffRole
from services.kit.outbox import TakenByAnother
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.passwords import hash_password, verify_password
from services.profiles.adapters.refresh_tokens import RefreshTokens, new_refresh_token
from services.profiles.adapters.staff import StaffAccounts
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.domain import staff as rules
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.domain.agency import Agency
from services.profiles.use_cases.errors import Clock, Conflict, Forbidden, NotFound, utc_now


@dataclass(frozen=True)
class Session:
    access_token: str
    expires_in: int  # seconds the access token lives
    refresh_token: str  # used once, for the next access token and the next refresh token
    refresh_expires_at: datetime  # the sign-in's end: every refresh token of the family ends then


class StaffService:
    def __init__(
        self,
        accounts: StaffAccounts,
        agencies: Agencies,
        issuer: TokenIssuer,
        refresh_tokens: RefreshTokens,
        session_lifetime: timedelta = timedelta(hours=8),
        clock: Clock = utc_now,
    ) -> None:
        self.accounts, self.agencies, self.issuer, self.clock = accounts, agencies, issuer, clock
        self.refresh_tokens, self.session_lifetime = refresh_tokens, session_lifetime

    async def sign_in(self, email: str, password: str) -> Session | None:
        """The tokens of a new session; None for a wrong e-mail or password or a closed account, in the
        same time whichever (the password is checked against a decoy for an unknown e-mail)."""
        found = await self.accounts.credentials(email)
        if not verify_password(found[1] if found else None, password) or found is None or not found[0].active:
            return None
        agency = await self.agencies.get(found[0].agency_id)
        if agency is not None and not agency.open:  # a closed agency's people no longer sign in
            return None
        ends = self.clock() + self.session_lifetime
        ends = ends.replace(microsecond=ends.microsecond // 1000 * 1000)  # as the database keeps it
        family = str(uuid.uuid4())
        return await self._session(found[0], agency, family, ends)

    async def refresh(self, refresh_token: str) -> Session | None:
        """The next tokens of the session; None for an unknown, expired or revoked refresh token, or one
        already used: a used one presented again means it was stolen (or copied), and the whole family
        (the thief's and the owner's tokens alike) is revoked."""
        used = await self.refresh_tokens.use(refresh_token, self.clock())
        if used is None:
            known = await self.refresh_tokens.find(refresh_token)
            if known is not None and known["used"]:
                await self.refresh_tokens.revoke_family(known["family"])
            return None
        member = await self.accounts.get(used["staff_id"])
        agency = await self.agencies.get(member.agency_id) if member is not None else None
        if member is None or not member.active or (agency is not None and not agency.open):
            await self.refresh_tokens.revoke_family(used["family"])
            return None
        return await self._session(member, agency, used["family"], used["expires_at"])

    async def sign_out(self, refresh_token: str) -> None:
        known = await self.refresh_tokens.find(refresh_token)
        if known is not None:
            await self.refresh_tokens.revoke_family(known["family"])

    async def _session(self, member: rules.StaffMember, agency: Agency | None, family: str, ends: datetime) -> Session:
        claims = {
            "agency_id": member.agency_id,
            "roles": [r.value for r in member.roles],
            "name": member.name,
            "region_code": agency.region_code if agency else "",
        }
        access_token, lifetime = self.issuer.issue(member.staff_id, claims)
        refresh_token = new_refresh_token()
        await self.refresh_tokens.add(refresh_token, family, member.staff_id, ends)
        return Session(access_token, lifetime, refresh_token, ends)

    async def open_account(
        self, agency_id: str, email: str, name: str, roles: list[StaffRole], password: str, by: OperatorOrStaff
    ) -> rules.StaffMember:
        agency = await self.agencies.get(agency_id) if by.administers(agency_id) else None
        if agency is None:
            raise NotFound("Cette agence n'existe pas ou vous ne l'administrez pas.", code="agency_not_found")
        if not agency.open:
            raise Conflict("Cette structure est fermée : on n'y ouvre plus de compte.", code="agency_closed")
        if not rules.may_appoint(roles, by.actor):
            raise Forbidden("Seul l'exploitant nomme les coordinateurs régionaux.", code="operator_only", field="roles")
        member, event = rules.register(agency_id, email, name, roles, password)
        try:
            await self.accounts.add(member, hash_password(password), [event])
        except TakenByAnother as error:
            raise Conflict("Cette adresse e-mail a déjà un compte.", code="email_taken", field="email") from error
        return member

    async def of_agency(self, agency_id: str, by: OperatorOrStaff) -> list[rules.StaffMember]:
        if not by.administers(agency_id):
            raise NotFound("Cette agence n'existe pas ou vous ne l'administrez pas.", code="agency_not_found")
        return await self.accounts.of_agency(agency_id)

    async def deactivate(self, agency_id: str, staff_id: str, by: OperatorOrStaff) -> rules.StaffMember:
        member = await self.accounts.get(staff_id)
        if member is None or member.agency_id != agency_id or not by.administers(agency_id):
            raise NotFound("Ce compte n'existe pas dans une agence que vous administrez.", code="staff_not_found")
        closed, events = rules.decide(member, rules.Deactivate(), by.actor, self.clock())
        if closed is not member:
            await self.accounts.save(closed, events)
        await self.refresh_tokens.revoke_staff(staff_id)  # again on a repeat: a crash may have come between
        return closed

    async def contact(self, staff_id: str) -> rules.StaffMember | None:
        """For the notifications service: the account, open or closed."""
        return await self.accounts.get(staff_id)

    async def is_closed(self, staff_id: str) -> bool:
        """Accounts of an external OpenID Connect issuer have no record here: left to that issuer."""
        return await self.accounts.closed(staff_id)
