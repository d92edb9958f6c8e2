"""Deny by default: every endpoint declares who may reach it, and an endpoint missing here answers 404.

The declaration is checked twice: at run time by ``refuse_undeclared`` and in the suite, which walks the URL map
(tests/security/test_access_rules.py) and checks each kind's refusal without credentials. A new view is
unreachable until it is listed here, with its kind.
"""

from __future__ import annotations

from enum import StrEnum

from flask import Flask, abort, current_app, request


class Access(StrEnum):
    PUBLIC = "public"  # anyone; no personal data
    SIGN_IN = "sign-in"  # the OpenID Connect relying party: guarded by state, PKCE, nonce or a signed token
    PAGE = "page"  # a signed-in person; anyone else is sent to sign in
    SUPPORT = "support"  # a signed-in person with the support role
    API = "api"  # a bearer access token with scope portal, or the page's own session for safe methods
    INGEST = "ingest"  # a client-credentials access token with scope ingest
    DEV_IDP = "dev-idp"  # the embedded dev provider: development and test only, another party
    STATIC = "static"  # style sheets and images


RULES: dict[str, Access] = {
    "static": Access.STATIC,
    "public.index": Access.PUBLIC,
    "public.healthz": Access.PUBLIC,
    "api_docs.docs": Access.PUBLIC,
    "api-docs.openapi_json": Access.PUBLIC,
    "auth.login": Access.SIGN_IN,
    "auth.callback": Access.SIGN_IN,
    "auth.logout": Access.SIGN_IN,
    "auth.backchannel_logout": Access.SIGN_IN,
    "home.start": Access.PAGE,
    "home.hide_recent": Access.PAGE,
    "journal.index": Access.PAGE,
    "journal.entry": Access.PAGE,
    "appointments.index": Access.PAGE,
    "appointments.detail": Access.PAGE,
    "appointments.calendar": Access.PAGE,
    "appointments.calendar_one": Access.PAGE,
    "appointments.cancel": Access.PAGE,
    "careplans.index": Access.PAGE,
    "careplans.detail": Access.PAGE,
    "accesslog.index": Access.PAGE,
    "actfor.switch": Access.PAGE,
    "support.help_page": Access.PAGE,
    "support.help_code": Access.PAGE,
    "support.help_end": Access.PAGE,
    "support.console_end": Access.PAGE,
    "support.console": Access.SUPPORT,
    "support.console_start": Access.SUPPORT,
    "api.Me": Access.API,
    "api.Journal": Access.API,
    "api.JournalEntry": Access.API,
    "api.Appointments": Access.API,
    "api.AppointmentsCalendar": Access.API,
    "api.AppointmentDetail": Access.API,
    "api.CancelRequest": Access.API,
    "api.CarePlans": Access.API,
    "api.CarePlanDetail": Access.API,
    "api.AccessLog": Access.API,
    "ingest.ingest_fhir": Access.INGEST,
    "devidp.discovery": Access.DEV_IDP,
    "devidp.jwks": Access.DEV_IDP,
    "devidp.authorize": Access.DEV_IDP,
    "devidp.token": Access.DEV_IDP,
    "devidp.userinfo": Access.DEV_IDP,
    "devidp.end_session": Access.DEV_IDP,
}


def access_of(endpoint: str | None) -> Access | None:
    return RULES.get(endpoint or "")


def refuse_undeclared() -> None:
    """404 for an endpoint with no declared rule (no route at all is left to routing's own 404)."""
    endpoint = request.endpoint
    if endpoint is not None and endpoint not in RULES:
        current_app.logger.error("refused: endpoint %s has no access rule in portal/security/routes.py", endpoint)
        abort(404)


def init_app(app: Flask) -> None:
    app.before_request(refuse_undeclared)
