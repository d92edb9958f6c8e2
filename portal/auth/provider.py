"""The OpenID Provider the portal trusts: an external one by issuer, or the embedded dev provider.

An external issuer (``PORTAL_OIDC_ISSUER``) always wins. Without one, and only when the dev provider is enabled,
the issuer is ``<this host>/dev-idp`` and calls to it go in-process through ``portal.devidp.transport``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, current_app, request
from requests.adapters import BaseAdapter

from portal.auth.tokens import Expectations

NAME = "oidc"


class ProviderUnavailable(Exception):
    """No provider is configured, or its discovery document is unusable."""


class OidcClient(FlaskOAuth2App):
    """authlib's Flask client, able to route its HTTP calls for one issuer through a custom adapter."""

    adapter: BaseAdapter | None = None
    adapter_prefix = ""

    def _mount(self, http: Any) -> Any:
        if self.adapter is not None:
            http.mount(self.adapter_prefix, self.adapter)
        return http

    def _get_session(self) -> Any:
        return self._mount(super()._get_session())

    def _get_oauth_client(self, **metadata: Any) -> Any:
        return self._mount(super()._get_oauth_client(**metadata))


def issuer() -> str:
    """The issuer this request trusts."""
    settings = current_app.config["SETTINGS"]
    if settings.oidc_issuer:
        return str(settings.oidc_issuer).rstrip("/")
    if current_app.extensions.get("devidp"):
        from portal.devidp import issuer_for_request

        return issuer_for_request()
    raise ProviderUnavailable("no OpenID Provider configured")


def client() -> OidcClient:
    """authlib's client for the trusted issuer, its discovery document loaded and checked."""
    clients: dict[str, OidcClient] = current_app.extensions["portal_oidc_clients"]
    iss = issuer()
    if iss not in clients:
        clients[iss] = _register(f"{NAME}{len(clients)}", iss)
    _check_metadata(clients[iss], iss)
    return clients[iss]


def _register(name: str, iss: str) -> OidcClient:
    settings = current_app.config["SETTINGS"]
    oauth: OAuth = current_app.extensions["portal_oauth"]
    secret = settings.oidc_client_secret
    if not settings.oidc_issuer:
        from portal.devidp.clients import portal_client_secret

        secret = portal_client_secret()
    created = oauth.register(
        name,
        client_cls=OidcClient,
        client_id=settings.oidc_client_id,
        client_secret=secret,
        server_metadata_url=f"{iss}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(settings.oidc_scopes), "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic"},  # nosec B105 - a method name
    )
    if not settings.oidc_issuer:
        from portal.devidp.transport import WsgiAdapter

        created.adapter = WsgiAdapter(current_app._get_current_object())  # type: ignore[attr-defined]
        created.adapter_prefix = iss + "/"
    return created


def _check_metadata(found: OidcClient, iss: str) -> None:
    try:
        metadata = found.load_server_metadata()
    except Exception as error:  # noqa: BLE001 - any transport or JSON failure means the same to the user
        raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from None
    # OpenID Connect Discovery 4.3: the document must name exactly the issuer we asked.
    if metadata.get("issuer") != iss:
        found.server_metadata.pop("_loaded_at", None)
        raise ProviderUnavailable("discovery issuer mismatch")


def jwks_fetcher(found: OidcClient) -> Any:
    def fetch(force: bool) -> Mapping[str, Any]:
        return found.fetch_jwk_set(force=force)

    return fetch


def expectations() -> Expectations:
    settings = current_app.config["SETTINGS"]
    return Expectations(issuer=issuer(), client_id=settings.oidc_client_id, min_acr=settings.oidc_min_acr)


def callback_url() -> str:
    return request.url_root.rstrip("/") + "/auth/callback"


def init_app(app: Flask) -> None:
    app.extensions["portal_oauth"] = OAuth(app)
    app.extensions["portal_oidc_clients"] = {}
