"""Settings from environment variables (prefix PARCOURS_), validated at start-up with a clear message."""

from __future__ import annotations

import sys
from typing import TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit.links import MINIMUM_KEY_LENGTH as MINIMUM_LINK_KEY_LENGTH


class ServiceSettings(BaseSettings):
    """Shared by every service; a service subclasses it to add its own settings and defaults."""

    model_config = SettingsConfigDict(env_prefix="PARCOURS_", extra="ignore")

    service_name: str = Field(default="parcours", description="name in logs, metrics and events")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_partitions: int = Field(default=3, ge=1, description="partitions of topics created at start-up")
    topic_replication_factor: int = Field(default=1, ge=1)
    topic_retention_days: float = Field(
        default=7.0,
        gt=0,
        description="how long every topic keeps its records (set at start-up on each topic, those that existed too)",
    )

    mongodb_uri: str = "mongodb://127.0.0.1:27017"
    mongodb_database: str = Field(default="", description="defaults to parcours_<service_name>")
    mongodb_timeout_ms: int = Field(default=3000, ge=100)

    relay_sweep_seconds: float = Field(
        default=0.5, gt=0, description="how often the relay looks for what other processes wrote (an indexed query)"
    )
    relay_lease_seconds: float = Field(default=15.0, gt=0, description="how long the leading relay's lease lasts")
    relay_batch_size: int = Field(default=1000, ge=1, le=5000)

    consumer_max_attempts: int = Field(default=3, ge=1, description="attempts before the dead-letter topic")
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_batch_size: int = Field(default=200, ge=1)
    consumer_parallel_keys: int = Field(
        default=1,
        ge=1,
        le=64,
        description="events of this many record keys (aggregates) applied at once within a batch, each key's "
        "in order; 1: one event after another",
    )
    inbox_retention_days: float = Field(
        default=8.0, gt=0, description="how long applied events are remembered: longer than the topics' retention"
    )

    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="the largest request body accepted (413 beyond it, refused while it arrives)",
    )

    max_media_bytes: int = Field(
        default=200 * 1_048_576,
        ge=1024,
        description="the largest testimony file (video or audio) an upload may stream (413 beyond it)",
    )

    startup_backoff_max_seconds: float = Field(default=10.0, gt=0, description="ceiling of the reconnect backoff")

    auth_issuer: str = Field(default="parcours-profiles", description="the `iss` every token must carry")
    auth_audience: str = Field(default="parcours", description="the `aud` every token must carry")
    auth_jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="where the signing keys are published: profiles, or an external OpenID Connect issuer",
    )
    auth_jwks_refetch_seconds: float = Field(
        default=30.0, gt=0, description="a token naming an unknown key fetches the JWKS again at most this often"
    )
    closed_account_check_seconds: float = Field(
        default=1.0, ge=0, le=5, description="an account found open is not read again for this long"
    )
    auth_agency_claim: str = "agency_id"
    auth_roles_claim: str = "roles"
    auth_region_claim: str = "region_code"

    operator_token: str = Field(default="", description="bearer token for operator endpoints; empty disables them")
    operator_clock: bool = Field(
        default=True,
        description="operators may run the schedulers as of another moment (as_of), for tests and demos: "
        "what it does is real, so turn it off in production",
    )
    link_signing_key: str = Field(
        default="", description="shared secret signing the links e-mailed to peers and employers (32+ characters)"
    )
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=3600, description="the rate limits' window")
    rate_limit_login_per_address: int = Field(
        default=300, ge=0, description="sign-ins per client address and window (0: no limit)"
    )
    rate_limit_links_per_address: int = Field(
        default=600, ge=0, description="secure-link requests per client address and window (0: no limit)"
    )
    rate_limit_links_per_link: int = Field(
        default=120, ge=0, description="requests on one secure link per window (0: no limit)"
    )
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    log_json: bool = True

    @model_validator(mode="after")
    def _inbox_outlives_the_topics(self) -> ServiceSettings:
        if self.inbox_retention_days <= self.topic_retention_days:
            raise ValueError(
                "PARCOURS_INBOX_RETENTION_DAYS must be longer than PARCOURS_TOPIC_RETENTION_DAYS: an event still on "
                "a topic must still be known as applied"
            )
        return self

    @property
    def database_name(self) -> str:
        return self.mongodb_database or f"parcours_{self.service_name}"

    @property
    def consumer_group(self) -> str:
        return f"parcours.{self.service_name}"


class LinkSigningSettings(ServiceSettings):
    """The settings of a service that acts on secure links or signs them: the key is required."""

    @field_validator("link_signing_key")
    @classmethod
    def _link_key(cls, value: str) -> str:
        if len(value) < MINIMUM_LINK_KEY_LENGTH:
            raise ValueError(
                f"set PARCOURS_LINK_SIGNING_KEY to a secret of {MINIMUM_LINK_KEY_LENGTH}+ characters shared by "
                "profiles, matching, placements and notifications (make run makes one)"
            )
        return value


S = TypeVar("S", bound=ServiceSettings)


class InvalidSettings(SystemExit):
    pass


def load_settings(cls: type[S]) -> S:
    """Read the environment; on a bad value, exit with one line per problem naming the variable."""
    try:
        return cls()
    except ValidationError as error:
        prefix = cls.model_config.get("env_prefix", "")
        lines = [f"invalid settings for {cls.__name__}:"]
        for problem in error.errors():
            variable = prefix + "_".join(str(part) for part in problem["loc"]).upper()
            lines.append(f"  {variable}: {problem['msg']} (got {problem.get('input')!r})")
        print("\n".join(lines), file=sys.stderr)
        raise InvalidSettings(2) from None
