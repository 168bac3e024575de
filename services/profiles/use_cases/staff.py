"""Staff accounts: signing in, opening an account, listing an agency's accounts, closing one, and whether
an account was closed (its tokens stop working at once)."""

from __future__ import annotations

from services.contracts.events.profiles import StaffRole
from services.kit.outbox import TakenByAnother
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.passwords import hash_password, verify_password
from services.profiles.adapters.staff import StaffAccounts
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.domain import staff as rules
from services.profiles.domain.access import OperatorOrStaff
from services.profiles.use_cases.errors import Clock, Conflict, Forbidden, NotFound, utc_now


class StaffService:
    def __init__(
        self, accounts: StaffAccounts, agencies: Agencies, issuer: TokenIssuer, clock: Clock = utc_now
    ) -> None:
        self.accounts, self.agencies, self.issuer, self.clock = accounts, agencies, issuer, clock

    async def sign_in(self, email: str, password: str) -> tuple[str, int] | None:
        """A token and its lifetime in seconds; None for a wrong e-mail or password or a closed account,
        in the same time whichever (the password is checked against a decoy for an unknown e-mail)."""
        found = await self.accounts.credentials(email)
        if not verify_password(found[1] if found else None, password) or found is None or not found[0].active:
            return None
        member = found[0]
        agency = await self.agencies.get(member.agency_id)
        claims = {
            "agency_id": member.agency_id,
            "roles": [r.value for r in member.roles],
            "name": member.name,
            "region_code": agency.region_code if agency else "",
        }
        return self.issuer.issue(member.staff_id, claims)

    async def open_account(
        self, agency_id: str, email: str, name: str, roles: list[StaffRole], password: str, by: OperatorOrStaff
    ) -> rules.StaffMember:
        if not by.administers(agency_id) or await self.agencies.get(agency_id) is None:
            raise NotFound(f"no agency {agency_id} that you administer")
        if not rules.may_appoint(roles, by.actor):
            raise Forbidden("only an operator appoints regional coordinators")
        member, event = rules.register(agency_id, email, name, roles, password)
        try:
            await self.accounts.add(member, hash_password(password), [event])
        except TakenByAnother as error:
            raise Conflict(f"{member.email} already has an account") from error
        return member

    async def of_agency(self, agency_id: str, by: OperatorOrStaff) -> list[rules.StaffMember]:
        if not by.administers(agency_id):
            raise NotFound(f"no agency {agency_id} that you administer")
        return await self.accounts.of_agency(agency_id)

    async def deactivate(self, agency_id: str, staff_id: str, by: OperatorOrStaff) -> rules.StaffMember:
        member = await self.accounts.get(staff_id)
        if member is None or member.agency_id != agency_id or not by.administers(agency_id):
            raise NotFound(f"no staff member {staff_id} in an agency you administer")
        closed, events = rules.decide(member, rules.Deactivate(), by.actor, self.clock())
        if closed is not member:
            await self.accounts.save(closed, events)
        return closed

    async def contact(self, staff_id: str) -> rules.StaffMember | None:
        """For the notifications service: the account, open or closed."""
        return await self.accounts.get(staff_id)

    async def is_closed(self, staff_id: str) -> bool:
        """Accounts of an external OpenID Connect issuer have no record here: left to that issuer."""
        member = await self.accounts.get(staff_id)
        return member is not None and not member.active
