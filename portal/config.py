"""Settings, parsed strictly from ``PORTAL_*`` environment variables.

A bad value stops start-up with a message naming the variable. Rules that a region
changes as data (ages, delays, exclusion lists) live here as defaults that the
environment can override; see README for the full list.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

ENVIRONMENTS = ("development", "test", "production")
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
PNR_SCOPE = "https://id.oidc.se/scope/naturalPersonNumber"


class ConfigError(ValueError):
    """A setting has a value the portal cannot run with."""


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _parse_positive_int(raw: str) -> int:
    value = int(raw.strip())
    if value < 0:
        raise ValueError("expected a whole number of zero or more")
    return value


def _parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _parse_delays(raw: str) -> dict[str, int]:
    value = json.loads(raw)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in value.items()
    ):
        raise ValueError('expected a JSON object of category to days, e.g. {"pathology": 14}')
    return value


def _parse_env(raw: str) -> str:
    if raw not in ENVIRONMENTS:
        raise ValueError(f"expected one of {', '.join(ENVIRONMENTS)}")
    return raw


PARSERS: dict[type | str, Callable[[str], Any]] = {
    bool: _parse_bool,
    int: _parse_positive_int,
    str: str,
    "list": _parse_list,
    "delays": _parse_delays,
    "env": _parse_env,
}


def _setting(default: Any, kind: type | str | None = None) -> Any:
    metadata = {"kind": kind} if kind else {}
    if isinstance(default, (dict, list, tuple)):
        return field(default_factory=lambda: default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Every setting the portal reads; the field name in upper case after ``PORTAL_`` is its variable."""

    env: str = _setting("production", "env")
    secret_key: str = ""
    database_url: str = ""
    debug: bool = False
    # Sign-in
    oidc_issuer: str = ""
    oidc_client_id: str = "portal"
    oidc_client_secret: str = ""
    oidc_scopes: tuple[str, ...] = _setting(("openid", PNR_SCOPE), "list")
    oidc_min_acr: str = LOA3
    oidc_pnr_claim: str = PNR_CLAIM
    support_role_claim: str = "portal_roles"
    support_role_value: str = "support"
    support_organisation: str = "Invånarservice"
    api_audience: str = "portal-api"
    api_scope: str = "portal"
    dev_idp: bool = False
    # Sessions (minutes)
    session_idle_minutes: int = 15
    session_absolute_minutes: int = 720
    # Access rules (years, days, minutes)
    self_appointments_age: int = 13
    self_journal_age: int = 16
    guardian_until_age: int = 13
    representatives_enabled: bool = False
    release_delay_days: dict[str, int] = _setting({"pathology": 14}, "delays")
    hide_recent_days: int = 14
    excluded_unit_kinds: tuple[str, ...] = _setting(
        ("barnahus", "forensic_psychiatry", "lss"), "list"
    )
    # Appointments and care plans at these units are shown to the patient only (not to proxies or support).
    proxy_hidden_unit_kinds: tuple[str, ...] = _setting(("youth_clinic",), "list")
    excluded_keywords: tuple[str, ...] = _setting(
        ("Oro för att barn far illa", "Tredje person", "Våldsutsatt"), "list"
    )
    support_code_minutes: int = 10
    support_session_minutes: int = 30
    audit_retention_years: int = 5
    # Ingestion
    ingest_max_bytes: int = 10 * 1024 * 1024
    max_request_bytes: int = 1024 * 1024
    cors_origins: tuple[str, ...] = _setting((), "list")
    trusted_proxy_count: int = 0
    # Rate limits: a storage every worker shares (redis://, memcached://, ...); empty means memory:// outside
    # production, where each worker would count alone. See docs/production.md.
    ratelimit_storage_url: str = ""

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the environment; explicit overrides win. Raises ConfigError."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = f"PORTAL_{item.name.upper()}"
            if name not in environ:
                continue
            values[item.name] = _parse_one(name, environ[name], item)
        values.update(overrides)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse combinations that are unsafe, above all in production."""
        problems = [found for origin in self.cors_origins if (found := _origin_problem(origin, self.env))]
        if self.env == "production":
            problems.extend(self._production_problems())
        if problems:
            raise ConfigError("; ".join(problems))

    def _production_problems(self) -> list[str]:
        problems = []
        if len(self.secret_key) < 32:
            problems.append("PORTAL_SECRET_KEY must be set to at least 32 characters in production")
        if self.dev_idp:
            problems.append("PORTAL_DEV_IDP must be off in production")
        if self.debug:
            problems.append("PORTAL_DEBUG must be off in production")
        if not self.oidc_issuer.startswith("https://"):
            problems.append("PORTAL_OIDC_ISSUER must be an https:// URL in production")
        if not self.ratelimit_storage_url or self.ratelimit_storage_url.startswith("memory:"):
            problems.append("PORTAL_RATELIMIT_STORAGE_URL must name a storage every worker shares in production "
                            "(redis://, memcached://, ...)")
        return problems


# scheme://host[:port], nothing more: no path, no wildcard, no "null" (sandboxed frames and file: pages send it).
_ORIGIN = re.compile(r"^(https?)://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")


def _origin_problem(origin: str, env: str) -> str | None:
    """Why a PORTAL_CORS_ORIGINS entry is refused, or None."""
    match = _ORIGIN.match(origin)
    if match is None:
        return f"PORTAL_CORS_ORIGINS: {origin!r} is not an origin (scheme://host[:port]; no null, no wildcards)"
    if env == "production" and match.group(1) != "https":
        return f"PORTAL_CORS_ORIGINS: {origin!r} must be https:// in production"
    return None


def _parse_one(name: str, raw: str, item: Any) -> Any:
    kind = item.metadata.get("kind") or item.type
    parser = PARSERS.get(kind) or PARSERS.get({"bool": bool, "int": int, "str": str}.get(str(kind), str))
    try:
        return parser(raw) if parser else raw
    except (ValueError, json.JSONDecodeError) as error:
        raise ConfigError(f"{name}: {error}") from None
