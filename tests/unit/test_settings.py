from __future__ import annotations

import pytest

from services.kit.settings import InvalidSettings, ServiceSettings, load_settings
from services.profiles.app import ProfilesSettings


def test_defaults_name_the_database_and_consumer_group_after_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCOURS_JWT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----")
    monkeypatch.setenv("PARCOURS_LINK_SIGNING_KEY", "k" * 32)
    settings = ProfilesSettings()
    assert settings.database_name == "parcours_profiles"
    assert settings.consumer_group == "parcours.profiles"
    assert settings.http_port == 8001


def test_a_bad_value_stops_start_up_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PARCOURS_HTTP_PORT", "eighty")
    monkeypatch.setenv("PARCOURS_CONSUMER_MAX_ATTEMPTS", "0")
    with pytest.raises(InvalidSettings):
        load_settings(ServiceSettings)
    message = capsys.readouterr().err
    assert "PARCOURS_HTTP_PORT" in message and "'eighty'" in message
    assert "PARCOURS_CONSUMER_MAX_ATTEMPTS" in message


def test_profiles_will_not_start_without_a_key_to_sign_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PARCOURS_JWT_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("PARCOURS_JWT_PRIVATE_KEY_FILE", raising=False)
    monkeypatch.setenv("PARCOURS_LINK_SIGNING_KEY", "k" * 32)
    with pytest.raises(InvalidSettings):
        load_settings(ProfilesSettings)
    assert "PARCOURS_JWT_PRIVATE_KEY_FILE" in capsys.readouterr().err


def test_services_acting_on_links_refuse_to_start_without_a_long_enough_key() -> None:
    from pydantic import ValidationError

    from services.placements.app import PlacementsSettings

    with pytest.raises(ValidationError, match="PARCOURS_LINK_SIGNING_KEY"):
        PlacementsSettings(link_signing_key="short")
    assert PlacementsSettings(link_signing_key="k" * 32).scheduler_seconds == 60


def test_the_operator_clock_can_be_turned_off_for_production() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from fastapi import HTTPException

    from services.kit.auth import operator_moment

    def request(clock: bool) -> object:
        return SimpleNamespace(
            app=SimpleNamespace(state=SimpleNamespace(settings=SimpleNamespace(operator_clock=clock)))
        )

    moment = datetime(2027, 3, 11, 9, 0)
    assert operator_moment(request(True), moment) == moment.replace(tzinfo=UTC)  # type: ignore[arg-type]
    with pytest.raises(HTTPException) as refused:
        operator_moment(request(False), moment)  # type: ignore[arg-type]
    assert refused.value.status_code == 403
    assert (datetime.now(UTC) - operator_moment(request(False), None)).total_seconds() < 5  # type: ignore[arg-type]
