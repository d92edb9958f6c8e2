"""Rate limits by endpoint name (flask-limiter), answered 429 with ``Retry-After`` in the asker's terms.

The table names endpoints, not view functions, so a view registered later (by another blueprint) is limited
as soon as it exists. Counts live in ``PORTAL_RATELIMIT_STORAGE_URL``: ``memory://`` in development and test;
production refuses to start without a storage every worker shares (redis://, memcached://; see
docs/production.md). flask-limiter cannot use the portal's own database, and a tiny storage of our own would put
a write on every limited request into the database that already carries the audit chain.

Clients are counted by address (``request.remote_addr``: the peer, or with ``trusted_proxy_count`` the address the
trusted proxies saw, see portal/security/proxy.py), signed-in people by who they are.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial

from flask import Flask, Response, current_app, request, session
from flask_limiter import Limit, Limiter, RateLimitExceeded
from limits.errors import ConfigurationError

from portal.config import ConfigError
from portal.security.answers import refuse


@dataclass(frozen=True)
class Rule:
    limit: str  # flask-limiter notation; several separated by ";"
    per_user: bool = False  # count a signed-in person (a support agent, a citizen) rather than an address
    failures_only: bool = False  # count only refused requests (4xx), so a busy good client is never slowed


LIMITS: dict[str, Rule] = {
    "auth.callback": Rule("20/minute;200/hour"),
    # One provider address sends every logout; only refused tokens count, so mass logouts still go through.
    "auth.backchannel_logout": Rule("30/minute", failures_only=True),
    "ingest.ingest_fhir": Rule("600/minute"),
    "support.help_code": Rule("5/10 minutes;20/day", per_user=True),
    "support.console_start": Rule("10/10 minutes;60/day", per_user=True),
}


def client_key() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"


def user_key() -> str:
    # From the session itself: this hook runs before flask-login's per-request reset of its cached user.
    user = session.get("_user_id") if session.get("auth") else None
    return f"user:{user}" if user else client_key()


def storage_url(settings) -> str:  # type: ignore[no-untyped-def]
    if settings.ratelimit_storage_url:
        return str(settings.ratelimit_storage_url)
    if settings.env == "production":
        raise ConfigError("PORTAL_RATELIMIT_STORAGE_URL must name a storage every worker shares in production")
    return "memory://"


def _limit(endpoint: str) -> Limit:
    rule = LIMITS[endpoint]
    return Limit(
        limit_provider=lambda: LIMITS[endpoint].limit,  # looked up per request: tests and regions may change it
        key_function=user_key if rule.per_user else client_key,
        exempt_when=partial(_other_endpoint, endpoint),
        deduct_when=_refused if rule.failures_only else None,
    )


def _other_endpoint(endpoint: str) -> bool:
    return request.endpoint != endpoint


def _unlimited() -> bool:
    """Endpoints with no rule skip the limiter at once, instead of having every rule in the table decline them."""
    return request.endpoint not in LIMITS


def _refused(response: Response) -> bool:
    return 400 <= response.status_code < 500


def too_many(error: RateLimitExceeded) -> Response:
    response = refuse(error)
    limiter: Limiter = current_app.extensions["portal_limiter"]
    current = limiter.current_limit
    if current is None:
        wait = 60
    else:  # the window's own reset time: flask-limiter's reset_at adds a second, which could say 61 of a minute
        wait = min(math.ceil(current.window.reset_time - time.time()), current.limit.get_expiry())
    response.headers["Retry-After"] = str(max(1, wait))
    return response


def init_app(app: Flask) -> None:
    url = storage_url(app.config["SETTINGS"])
    if app.config["SETTINGS"].env == "production" and url.startswith("memory:"):
        raise ConfigError("PORTAL_RATELIMIT_STORAGE_URL: memory:// counts per worker; production needs a shared one")
    limiter = Limiter(
        client_key, default_limits=[_limit(endpoint) for endpoint in LIMITS], storage_uri=url,
        strategy="sliding-window-counter", headers_enabled=False, swallow_errors=True, key_prefix="portal",
    )
    limiter.request_filter(_unlimited)
    try:
        limiter.init_app(app)
    except ConfigurationError as error:
        raise ConfigError(f"PORTAL_RATELIMIT_STORAGE_URL: {error}") from None
    app.extensions["portal_limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, too_many)
