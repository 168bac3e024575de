"""The composition root of the profiles service."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, model_validator

from services.kit.http import create_app
from services.kit.identity import TokenVerifier
from services.kit.messaging import EventRouter
from services.kit.runtime import ServiceRuntime
from services.kit.settings import LinkSigningSettings, ServiceSettings
from services.profiles import (
    api,
    beneficiaries_api,
    peer_links_api,
    peers_api,
    reference_api,
    rights_api,
    staff_api,
)
from services.profiles.adapters.agencies import COLLECTION as AGENCIES
from services.profiles.adapters.agencies import AgencyRepository
from services.profiles.adapters.beneficiaries import COLLECTION as BENEFICIARIES
from services.profiles.adapters.beneficiaries import BeneficiaryRepository
from services.profiles.adapters.indexes import INDEXES
from services.profiles.adapters.peers import COLLECTION as PEERS
from services.profiles.adapters.peers import PeerRepository
from services.profiles.adapters.staff import COLLECTION as STAFF
from services.profiles.adapters.staff import StaffRepository
from services.profiles.adapters.tokens import TokenIssuer
from services.profiles.lived_paths import LivedPaths


class ProfilesSettings(LinkSigningSettings):
    service_name: str = "profiles"
    http_port: int = Field(default=8001, ge=1, le=65535)
    jwt_private_key: str = Field(default="", description="PEM of the RSA key that signs staff tokens")
    jwt_private_key_file: Path | None = Field(default=None, description="or the file that holds it")
    token_minutes: int = Field(default=480, ge=5, le=24 * 60)
    consent_check_seconds: float = Field(default=3600, gt=0, description="how often expired consents are withdrawn")

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
    runtime = ServiceRuntime(
        settings,
        aggregate_collections=[AGENCIES, STAFF, BENEFICIARIES, PEERS],
        indexes=INDEXES,
        router=router,
    )
    app = create_app(
        runtime,
        title="Parcours · profiles",
        description="Agencies, staff, beneficiaries and their project, peers and their lived paths.",
        routers=[
            staff_api.router,
            api.router,
            beneficiaries_api.router,
            peers_api.router,
            peer_links_api.router,
            rights_api.router,
            reference_api.router,
        ],
    )
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
    app.state.agencies = AgencyRepository(runtime.db, runtime.outbox)
    app.state.staff = StaffRepository(runtime.db, runtime.outbox)
    app.state.beneficiaries = BeneficiaryRepository(runtime.db, runtime.outbox)
    LivedPaths(app.state.beneficiaries).subscribe(router)
    app.state.peers = PeerRepository(runtime.db, runtime.outbox)
    app.state.db = runtime.db
    app.state.link_key = settings.link_signing_key
    runtime.every(
        "consent-expiry",
        settings.consent_check_seconds,
        lambda: rights_api.expire_consents(app.state.peers, app.state.beneficiaries, datetime.now(UTC)),
    )
    app.state.outbox = runtime.outbox
    return app
