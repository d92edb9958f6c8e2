"""PORTAL_ENV=production refuses to start with unsafe settings, through the app factory itself."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.auth.sessions import PROD_COOKIE
from portal.config import ConfigError

SAFE = {"env": "production", "secret_key": "s" * 40, "dev_idp": False, "debug": False,
        "oidc_issuer": "https://idp.region.se", "ratelimit_storage_url": "redis://127.0.0.1:1/0"}


@pytest.fixture
def production(app_config):
    return {**app_config, **SAFE}


@pytest.mark.parametrize(
    ("unsafe", "variable"),
    [
        ({"secret_key": ""}, "PORTAL_SECRET_KEY"),
        ({"secret_key": "short"}, "PORTAL_SECRET_KEY"),
        ({"dev_idp": True}, "PORTAL_DEV_IDP"),
        ({"debug": True}, "PORTAL_DEBUG"),
        ({"oidc_issuer": "http://idp.region.se"}, "PORTAL_OIDC_ISSUER"),
        ({"oidc_issuer": ""}, "PORTAL_OIDC_ISSUER"),
        ({"ratelimit_storage_url": ""}, "PORTAL_RATELIMIT_STORAGE_URL"),
        ({"ratelimit_storage_url": "memory://"}, "PORTAL_RATELIMIT_STORAGE_URL"),
        ({"cors_origins": ("http://app.region.se",)}, "PORTAL_CORS_ORIGINS"),
    ],
)
def test_production_refuses_to_start(production, unsafe, variable):
    with pytest.raises(ConfigError, match=variable):
        create_app({**production, **unsafe})


def test_production_refuses_the_dev_provider_even_when_settings_are_built_by_hand(production):
    from portal.config import Settings

    settings = Settings(**{**production, "dev_idp": True})
    with pytest.raises(ConfigError, match="PORTAL_DEV_IDP"):
        create_app(settings)


def test_production_starts_with_safe_settings_and_hardened_cookies(production):
    app = create_app(production)
    assert app.session_interface.cookie_name(app) == PROD_COOKIE == "__Host-portal_session"
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers
    assert app.config["DEBUG"] is False
