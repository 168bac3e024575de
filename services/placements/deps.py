"""Request -> component getters for the routes, as `Annotated[..., Depends(...)]` aliases, and the staff
caller as the life cycle's actors."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.kit.identity import Caller, Role
from services.placements.domain.convention import Party
from services.placements.domain.lifecycle import Actor
from services.placements.use_cases.agency_settings import AgencySettings
from services.placements.use_cases.conventions import ConventionService
from services.placements.use_cases.documents import Documents
from services.placements.use_cases.party_links import PartyLinks
from services.placements.use_cases.scheduler import Scheduler


def conventions(request: Request) -> ConventionService:
    service: ConventionService = request.app.state.conventions
    return service


def party_links(request: Request) -> PartyLinks:
    links: PartyLinks = request.app.state.party_links
    return links


def documents(request: Request) -> Documents:
    found: Documents = request.app.state.documents
    return found


def agency_settings(request: Request) -> AgencySettings:
    settings: AgencySettings = request.app.state.agency_settings
    return settings


def scheduler(request: Request) -> Scheduler:
    found: Scheduler = request.app.state.scheduler
    return found


ConventionsDep = Annotated[ConventionService, Depends(conventions)]
PartyLinksDep = Annotated[PartyLinks, Depends(party_links)]
DocumentsDep = Annotated[Documents, Depends(documents)]
AgencySettingsDep = Annotated[AgencySettings, Depends(agency_settings)]
SchedulerDep = Annotated[Scheduler, Depends(scheduler)]


def actors_of(caller: Caller) -> frozenset[Actor]:
    """The life cycle's actors a staff member acts as."""
    actors = set()
    if caller.has(Role.COUNSELLOR):
        actors.add(Actor.COUNSELLOR)
    if caller.has(Role.VALIDATOR):
        actors.add(Actor.VALIDATOR)
    return frozenset(actors)


def party_of(caller: Caller) -> Party:
    return Party(actors_of(caller), caller.staff_id)
