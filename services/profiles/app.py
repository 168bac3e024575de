"""The composition root of the profiles service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import Field, model_validator

from services.contracts.media import media_upload
from services.kit.errors import answer_errors
from services.kit.http import create_app
from services.kit.identity import TokenVerifier
from services.kit.messaging import EventRouter
from services.kit.runtime import ServiceRuntime
from services.kit.settings import LinkSigningSettings, ServiceSettings
from services.profiles import handlers
from services.profiles.adapters.agencies import COLLECTION as AGENCIES
from services.profiles.adapters.agencies import Agencies
from services.profiles.adapters.beneficiaries import COLLECTION as BENEFICIARIES
from services.profiles.adapters.beneficiaries import Beneficiaries
from services.profiles.adapters.indexes import INDEXES
from services.profiles.adapters.media import MediaStore
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import Peers
from services.profiles.adapters.refresh_tokens import RefreshTokens
from services.profiles.adapters.staff import COLLECTION as STAFF
from services.profiles.adapters.staff import StaffAccounts
from services.profiles.adapters.testimonies import Testimonies
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.api import REFUSALS, ROUTERS
from services.profiles.use_cases.agencies import AgencyService
from services.profiles.use_cases.beneficiaries import BeneficiaryService
from services.profiles.use_cases.lived_paths import LivedPathService
from services.profiles.use_cases.names import NameService
from services.profiles.use_cases.peers import PeerService
from services.profiles.use_cases.rights import RightsService
from services.profiles.use_cases.staff import StaffService
from services.profiles.use_cases.testimonies import TestimonyService


class ProfilesSettings(LinkSigningSettings):
    service_name: str = "profiles"
    http_port: int = Field(default=8001, ge=1, le=65535)
    jwt_private_key: str = Field(default="", description="PEM of the RSA key that signs staff tokens")
    jwt_private_key_file: Path | None = Field(default=None, description="or the file that holds it")
    token_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="access tokens' lifetime: the console refreshes them silently"
    )
    session_hours: float = Field(
        default=8, gt=0, le=24 * 30, description="a sign-in's refresh tokens last this long (then sign in again)"
    )
    consent_check_seconds: float = Field(default=3600, gt=0, description="how often expired consents are withdrawn")
    testimony_sweep_seconds: float = Field(
        default=3, gt=0, description="how often testimonies of withdrawn or erased peers are looked for (and deleted)"
    )

    @model_validator(mode="after")
    def _a_signing_key(self) -> ProfilesSettings:
        if not self.jwt_private_key and self.jwt_private_key_file is None:
            raise ValueError("set PARCOURS_JWT_PRIVATE_KEY or PARCOURS_JWT_PRIVATE_KEY_FILE (an RSA key, PEM)")
        if self.jwt_private_key_file is not None and not self.jwt_private_key_file.is_file():
            raise ValueError(f"PARCOURS_JWT_PRIVATE_KEY_FILE: no file {self.jwt_private_key_file}")
        return self

    def private_key_pem(self) -> bytes:
        if self.jwt_private_key:
            return self.jwt_private_key.encode()
        assert self.jwt_private_key_file is not None
        return self.jwt_private_key_file.read_bytes()


def build_app(settings: ServiceSettings) -> FastAPI:
    assert isinstance(settings, ProfilesSettings)
    router = EventRouter()

    async def setup_database(database: Any) -> None:
        await Agencies(database, runtime.outbox).fill_name_keys()

    runtime = ServiceRuntime(
        settings,
        aggregate_collections=[AGENCIES, STAFF, BENEFICIARIES, PEERS],
        indexes=INDEXES,
        router=router,
        setup_database=setup_database,
    )
    app = create_app(
        runtime,
        title="Parcours · profiles",
        description="Agencies, staff, beneficiaries and their project, peers and their lived paths.",
        routers=ROUTERS,
        larger_bodies=[media_upload(settings.max_media_bytes)],
    )
    answer_errors(app, REFUSALS)
    issuer = TokenIssuer(
        settings.private_key_pem(),
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        minutes=settings.token_minutes,
    )
    app.state.token_issuer = issuer
    # profiles verifies its own tokens with its own key: no HTTP round trip to itself
    app.state.token_verifier = TokenVerifier(
        issuer=settings.auth_issuer, audience=settings.auth_audience, public_key=issuer.public_key
    )
    app.state.link_key = settings.link_signing_key

    agencies = Agencies(runtime.db, runtime.outbox)
    accounts = StaffAccounts(runtime.db, runtime.outbox)
    beneficiaries = Beneficiaries(runtime.db, runtime.outbox)
    peers = Peers(runtime.db, runtime.outbox)
    app.state.staff = staff = StaffService(
        accounts, agencies, issuer, RefreshTokens(runtime.db), timedelta(hours=settings.session_hours)
    )
    app.state.agencies = AgencyService(agencies, staff)
    app.state.closed_accounts = staff  # read by `identity.current_caller` on every request
    app.state.beneficiaries = BeneficiaryService(beneficiaries, accounts, agencies)
    app.state.peers = PeerService(peers, beneficiaries)
    app.state.rights = rights = RightsService(peers, beneficiaries)
    app.state.names = NameService(accounts, agencies, beneficiaries, peers)
    app.state.testimonies = testimonies = TestimonyService(
        Testimonies(runtime.db),
        MediaStore(runtime.db),
        peers,
        beneficiaries,
        settings.link_signing_key,
        settings.max_media_bytes,
    )
    handlers.subscribe(router, LivedPathService(beneficiaries), app.state.peers, testimonies)
    runtime.every("testimony-sweep", settings.testimony_sweep_seconds, testimonies.sweep)
    runtime.every("consent-expiry", settings.consent_check_seconds, rights.expire_consents)
    return app
