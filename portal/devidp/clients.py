"""The dev provider's two registered clients: the portal itself and the source system ``region-ehr``.

Redirect, post-logout and back-channel URIs are on the same origin as the provider (the host the browser used).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import ClientMixin, list_to_scope, scope_to_list
from flask import current_app, request

from portal.config import PNR_SCOPE

EHR_CLIENT_ID = "region-ehr"
# A development-only secret, documented in docs/sign-in.md: the dev provider never runs in production.
EHR_CLIENT_SECRET = "region-ehr-dev-secret"  # noqa: S105  # nosec B105


def portal_client_secret() -> str:
    """The portal's secret: the configured one, else one derived from the secret key (dev only)."""
    settings = current_app.config["SETTINGS"]
    if settings.oidc_client_secret:
        return str(settings.oidc_client_secret)
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"devidp-portal-client", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class DevClient(ClientMixin):
    client_id: str
    secret: str
    grant_types: tuple[str, ...]
    scopes: tuple[str, ...]
    web: bool

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uri() if self.web else None

    def redirect_uri(self) -> str:
        return request.host_url + "auth/callback"

    def post_logout_redirect_uri(self) -> str:
        return request.host_url

    def backchannel_logout_uri(self) -> str:
        return request.host_url + "auth/backchannel-logout"

    def get_allowed_scope(self, scope: str) -> str:
        return list_to_scope([item for item in scope_to_list(scope or "") if item in self.scopes])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return self.web and redirect_uri == self.redirect_uri()

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return self.web and response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


def find(client_id: str) -> DevClient | None:
    settings = current_app.config["SETTINGS"]
    if client_id == settings.oidc_client_id:
        return DevClient(client_id, portal_client_secret(), ("authorization_code",),
                         ("openid", "profile", PNR_SCOPE, "portal"), web=True)
    if client_id == EHR_CLIENT_ID:
        return DevClient(EHR_CLIENT_ID, EHR_CLIENT_SECRET, ("client_credentials",), ("ingest",), web=False)
    return None
