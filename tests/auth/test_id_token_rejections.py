"""Every id token defect ends on an error page in the user's language, with no session."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from joserfc.jwk import RSAKey

from portal.auth.provider import OidcClient
from tests.auth.conftest import Minter, has_session

FAILED_SV = "Vi kunde inte bekräfta din inloggning"


def _callback(client, start_login, provider_returns, make_token: Callable[[str], str], **userinfo: Any):
    params = start_login()
    provider_returns(make_token(params["nonce"]), userinfo or None)
    return client.get("/auth/callback", query_string={"code": "c", "state": params["state"]})


def _refused(client, response, text: str = FAILED_SV, status: int = 401) -> None:
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert not has_session(client)
    assert client.get("/start").status_code == 302


def test_a_well_formed_token_signs_in(client, start_login, provider_returns, minter: Minter):
    response = _callback(client, start_login, provider_returns, lambda nonce: minter.sign(minter.claims(nonce)))
    assert response.status_code == 302
    assert client.get("/start").status_code == 200


LATER = 3600
CASES: dict[str, Callable[[Minter, str], str]] = {
    "wrong issuer": lambda m, n: m.sign(m.claims(n, iss="http://localhost/other-idp")),
    "issuer with trailing slash": lambda m, n: m.sign(m.claims(n, iss="http://localhost/dev-idp/")),
    "aud missing": lambda m, n: m.sign(m.claims(n, aud=None)),
    "aud other": lambda m, n: m.sign(m.claims(n, aud="someone-else")),
    "aud with an extra untrusted audience": lambda m, n: m.sign(m.claims(n, aud=["portal", "evil"], azp="portal")),
    "azp mismatch": lambda m, n: m.sign(m.claims(n, azp="someone-else")),
    "bad signature": lambda m, n: m.sign(m.claims(n), key=_foreign_key(kid=m.key.kid)),
    "alg none": lambda m, n: m.unsigned(m.claims(n)),
    "HS256 keyed with the provider's public key": lambda m, n: m.hs256_with_public_key(m.claims(n)),
    "unknown kid": lambda m, n: m.sign(m.claims(n), key=_foreign_key(kid="rotated-away")),
    "expired beyond the skew": lambda m, n: m.sign(m.claims(n, exp=int(time.time()) - 61, iat=int(time.time()) - 400)),
    "iat in the future": lambda m, n: m.sign(m.claims(n, iat=int(time.time()) + 120, exp=int(time.time()) + LATER)),
    "no exp": lambda m, n: m.sign(m.claims(n, exp=None)),
    "nonce mismatched": lambda m, n: m.sign(m.claims("another-nonce")),
    "nonce missing": lambda m, n: m.sign({k: v for k, v in m.claims(n).items() if k != "nonce"}),
}


def _foreign_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"})


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_id_token_defect_refuses_sign_in(case, client, start_login, provider_returns, minter):
    response = _callback(client, start_login, provider_returns, lambda nonce: CASES[case](minter, nonce))
    _refused(client, response)


def test_unknown_kid_refetches_the_key_set_once_then_fails(client, start_login, provider_returns, minter,
                                                           monkeypatch):
    calls: list[bool] = []
    original = OidcClient.fetch_jwk_set

    def counting(self, force=False):
        calls.append(force)
        return original(self, force=force)

    monkeypatch.setattr(OidcClient, "fetch_jwk_set", counting)
    response = _callback(client, start_login, provider_returns,
                         lambda n: minter.sign(minter.claims(n), key=_foreign_key(kid="new")))
    _refused(client, response)
    assert calls == [False, True]


def test_a_token_within_the_skew_is_accepted(client, start_login, provider_returns, minter):
    now = int(time.time())
    response = _callback(client, start_login, provider_returns,
                         lambda n: minter.sign(minter.claims(n, exp=now - 30, iat=now + 30)))
    assert response.status_code == 302


def test_acr_below_loa3_refuses_with_its_own_message(client, start_login, provider_returns, minter):
    response = _callback(client, start_login, provider_returns,
                         lambda n: minter.sign(minter.claims(n, acr="http://id.elegnamnden.se/loa/1.0/loa2")))
    _refused(client, response, "tillitsnivå 3")


def test_acr_missing_refuses(client, start_login, provider_returns, minter):
    response = _callback(client, start_login, provider_returns, lambda n: minter.sign(minter.claims(n, acr=None)))
    _refused(client, response, "tillitsnivå 3")


def test_replayed_id_token_from_an_earlier_sign_in_is_refused(client, start_login, provider_returns, minter):
    earlier = start_login()
    old_token = minter.sign(minter.claims(earlier["nonce"]))
    response = _callback(client, start_login, provider_returns, lambda _nonce: old_token)
    _refused(client, response)


def test_personnummer_missing_everywhere_refuses(client, start_login, provider_returns, minter):
    claims = lambda n: minter.sign(minter.claims(n, **{"https://id.oidc.se/claim/personalIdentityNumber": None}))  # noqa: E731
    response = _callback(client, start_login, provider_returns, claims, sub="devidp-anna")
    _refused(client, response, "inget personnummer", 403)


@pytest.mark.parametrize("value", ["197001011234", "19700101", "not a number", 197001011239])
def test_invalid_personnummer_refuses(value, client, start_login, provider_returns, minter):
    claims = lambda n: minter.sign(minter.claims(n, **{"https://id.oidc.se/claim/personalIdentityNumber": value}))  # noqa: E731
    response = _callback(client, start_login, provider_returns, claims)
    _refused(client, response, "inte giltigt", 403)


def test_personnummer_only_in_userinfo_is_used(client, start_login, provider_returns, minter):
    pnr = minter.claims("x")["https://id.oidc.se/claim/personalIdentityNumber"]
    claims = lambda n: minter.sign(minter.claims(n, **{"https://id.oidc.se/claim/personalIdentityNumber": None}))  # noqa: E731
    response = _callback(client, start_login, provider_returns, claims,
                         sub="devidp-anna", **{"https://id.oidc.se/claim/personalIdentityNumber": pnr})
    assert response.status_code == 302
    assert client.get("/start").status_code == 200


def test_userinfo_for_another_subject_is_not_used(client, start_login, provider_returns, minter):
    pnr = minter.claims("x")["https://id.oidc.se/claim/personalIdentityNumber"]
    claims = lambda n: minter.sign(minter.claims(n, **{"https://id.oidc.se/claim/personalIdentityNumber": None}))  # noqa: E731
    response = _callback(client, start_login, provider_returns, claims,
                         sub="someone-else", **{"https://id.oidc.se/claim/personalIdentityNumber": pnr})
    _refused(client, response, status=403)


def test_error_page_is_english_when_asked(client, start_login, provider_returns, minter):
    params = start_login()
    provider_returns(minter.sign(minter.claims(params["nonce"], iss="http://evil")))
    response = client.get("/auth/callback", query_string={"code": "c", "state": params["state"], "lang": "en"})
    _refused(client, response, "We could not confirm your sign-in")
