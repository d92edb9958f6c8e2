"""The dev provider's OAuth 2.0 / OpenID Connect core, on authlib's authorization server.

Authorization codes live in process memory (one minute, single use): the dev provider runs in one process
(``make run`` uses Flask's threaded server), never behind several workers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, current_app
from joserfc.jwk import KeySet

from portal.config import LOA3
from portal.devidp import clients, keys
from portal.devidp.people import DevUser, user_by_sub

CODE_SECONDS = 60
ID_TOKEN_SECONDS = 300
ACCESS_TOKEN_SECONDS = 600


@dataclass
class CodeRecord:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user_sub: str
    sid: str
    auth_time: int
    created: float = field(default_factory=time.time)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return LOA3

    def get_amr(self) -> list[str] | None:
        return None


class CodeStore:
    def __init__(self) -> None:
        self._codes: dict[str, CodeRecord] = {}
        self._nonces: dict[str, float] = {}
        self._lock = threading.Lock()

    def put(self, record: CodeRecord) -> None:
        with self._lock:
            self._drop_old()
            self._codes[record.code] = record
            if record.nonce:
                self._nonces[f"{record.client_id}:{record.nonce}"] = record.created

    def get(self, code: str, client_id: str) -> CodeRecord | None:
        with self._lock:
            record = self._codes.get(code)
        fresh = record is not None and time.time() - record.created < CODE_SECONDS
        return record if fresh and record is not None and record.client_id == client_id else None

    def delete(self, code: str) -> None:
        with self._lock:
            self._codes.pop(code, None)

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return f"{client_id}:{nonce}" in self._nonces

    def _drop_old(self) -> None:
        cutoff = time.time() - 3600
        self._codes = {k: v for k, v in self._codes.items() if v.created > cutoff}
        self._nonces = {k: v for k, v in self._nonces.items() if v > cutoff}


def _store() -> CodeStore:
    return current_app.extensions["devidp"].codes


class RequiredCodeChallenge(CodeChallenge):
    """PKCE for every client: authlib's ``required`` only covers public clients."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        if not grant.request.payload.data.get("code_challenge"):
            from authlib.oauth2.rfc6749 import InvalidRequestError

            raise InvalidRequestError("Missing 'code_challenge'", redirect_uri=redirect_uri)
        if grant.request.payload.data.get("code_challenge_method") != "S256":
            from authlib.oauth2.rfc6749 import InvalidRequestError

            raise InvalidRequestError("code_challenge_method must be S256", redirect_uri=redirect_uri)
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):
    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        user: DevUser = request.user
        _store().put(CodeRecord(
            code=code, client_id=request.client.get_client_id(), redirect_uri=request.payload.redirect_uri,
            scope=request.payload.scope, nonce=data.get("nonce"), code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"), user_sub=user.sub, sid=user.sid,
            auth_time=user.auth_time,
        ))

    def query_authorization_code(self, code: str, client: Any) -> CodeRecord | None:
        return _store().get(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        _store().delete(authorization_code.code)

    def authenticate_user(self, authorization_code: CodeRecord) -> DevUser | None:
        return user_by_sub(authorization_code.user_sub, authorization_code.sid, authorization_code.auth_time)


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class DevOpenIDCode(OpenIDCode):
    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return _store().nonce_used(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: Any) -> KeySet:
        return keys.private_key_set()

    def get_client_algorithm(self, client: Any) -> str:
        return "RS256"

    def get_client_claims(self, client: Any) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": issuer(), "aud": [client.get_client_id()], "iat": now, "exp": now + ID_TOKEN_SECONDS}

    def get_encode_header(self, client: Any) -> dict[str, str]:
        return {"alg": "RS256", "kid": keys.signing_key().kid or ""}

    def generate_user_info(self, user: DevUser, scope: str) -> UserInfo:
        return UserInfo({**user.claims(scope), "sid": user.sid})


class AccessTokens(JWTBearerTokenGenerator):
    """RFC 9068 access tokens for the portal's API audience, signed with the provider's key."""

    def __init__(self) -> None:
        super().__init__(issuer="", expires_generator=lambda client, grant_type: ACCESS_TOKEN_SECONDS)

    @property  # type: ignore[override]
    def issuer(self) -> str:
        return issuer()

    @issuer.setter
    def issuer(self, _value: str) -> None:
        """Fixed per request, from the host; the constructor's value is ignored."""

    def get_jwks(self) -> KeySet:
        return keys.private_key_set()

    def get_audiences(self, client: Any, user: Any, scope: str) -> str:
        return str(current_app.config["SETTINGS"].api_audience)

    def get_auth_time(self, user: Any) -> int | None:
        return user.auth_time if user else None

    def get_acr(self, user: Any) -> str | None:
        return LOA3 if user else None

    def get_extra_claims(self, client: Any, grant_type: str, user: Any, scope: str) -> dict[str, Any]:
        return user.claims(scope) if user else {}


def issuer() -> str:
    from portal.devidp import issuer_for_request

    return issuer_for_request()


def create_server(app: Flask) -> AuthorizationServer:
    server = AuthorizationServer(app, query_client=clients.find, save_token=lambda token, request: None)
    server.register_grant(CodeGrant, [RequiredCodeChallenge(required=True), DevOpenIDCode(require_nonce=True)])
    server.register_grant(ClientCredentials)
    server.register_token_generator("default", AccessTokens())
    return server
