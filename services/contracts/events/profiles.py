"""Payloads published by the profiles service."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AgencyKind(StrEnum):
    MISSION_LOCALE = "mission_locale"
    FRANCE_TRAVAIL = "france_travail"
    CAP_EMPLOI = "cap_emploi"
    CIO = "cio"
    CIDJ = "cidj"
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"
    CHAMBER_OF_TRADES = "chamber_of_trades"
    CHAMBER_OF_AGRICULTURE = "chamber_of_agriculture"
    OTHER = "other"


class AgencyRegisteredV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agency_id: str
    name: str = Field(min_length=1)
    kind: AgencyKind
    region_code: str = Field(description="INSEE region code, e.g. 52 for Pays de la Loire")


class AgencyRenamedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agency_id: str
    name: str = Field(min_length=1)


class StaffRole(StrEnum):
    COUNSELLOR = "counsellor"
    VALIDATOR = "validator"
    AGENCY_ADMIN = "agency_admin"
    REGIONAL_COORDINATOR = "regional_coordinator"


class StaffRegisteredV1(BaseModel):
    """Also the staff member's contact point for the notifications service."""

    model_config = ConfigDict(extra="ignore")

    staff_id: str
    agency_id: str
    name: str
    email: str
    roles: list[StaffRole]


class StaffDeactivatedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    staff_id: str
    agency_id: str
