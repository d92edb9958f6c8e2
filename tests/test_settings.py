from __future__ import annotations

import pytest

from portal.config import ConfigError, Settings


def test_bad_value_stops_startup_naming_the_variable():
    with pytest.raises(ConfigError, match="PORTAL_SELF_JOURNAL_AGE"):
        Settings.from_env({"PORTAL_ENV": "test", "PORTAL_SELF_JOURNAL_AGE": "sixteen"})


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        Settings.from_env({"PORTAL_ENV": "staging"})


def test_lists_and_delays_are_parsed_from_the_environment():
    settings = Settings.from_env(
        {
            "PORTAL_ENV": "test",
            "PORTAL_EXCLUDED_UNIT_KINDS": "barnahus, lss",
            "PORTAL_RELEASE_DELAY_DAYS": '{"pathology": 7}',
        }
    )
    assert settings.excluded_unit_kinds == ("barnahus", "lss")
    assert settings.release_delay_days == {"pathology": 7}


def test_malformed_delays_name_the_variable():
    with pytest.raises(ConfigError, match="PORTAL_RELEASE_DELAY_DAYS"):
        Settings.from_env({"PORTAL_ENV": "test", "PORTAL_RELEASE_DELAY_DAYS": "[14]"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": ""}, "PORTAL_SECRET_KEY"),
        ({"dev_idp": True}, "PORTAL_DEV_IDP"),
        ({"debug": True}, "PORTAL_DEBUG"),
        ({"oidc_issuer": "http://idp.example"}, "PORTAL_OIDC_ISSUER"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, message):
    safe = {"secret_key": "x" * 40, "oidc_issuer": "https://idp.example", "ratelimit_storage_url": "redis://r:6379"}
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"PORTAL_ENV": "production"}, **{**safe, **overrides})


def test_production_starts_with_safe_settings():
    settings = Settings.from_env({"PORTAL_ENV": "production"}, secret_key="x" * 40, oidc_issuer="https://idp.example",
                                 ratelimit_storage_url="redis://r:6379")
    assert settings.env == "production"
