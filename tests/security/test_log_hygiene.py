"""Log hygiene: a representative run through a real HTTP server with every logger at DEBUG, then every log line is
searched for personnummer, tokens, session ids, PKCE verifiers, OAuth state and codes, support codes and journal
text. None may appear (DESIGN.md section 4)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import date
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from portal import db
from portal.auth.models import WebSession
from portal.auth.sessions import DEV_COOKIE, hash_token
from portal.demo.personas import by_key
from portal.devidp.clients import EHR_CLIENT_ID, EHR_CLIENT_SECRET
from tests.ingestion import fhir_factories as fhir
from tests.security.conftest import mint

JOURNAL_TEXT = "Patienten berättar om sömnsvårigheter sedan våren"
REASON_TEXT = "Ihållande hosta och trötthet"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}")
ACTION = re.compile(r'action="([^"]+)"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Capture(logging.Handler):
    """Every record the portal's threads log; the test's own HTTP client (urllib3, on this thread) is the browser."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.browser_thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.browser_thread and record.name.startswith("urllib3"):
            return
        self.lines.extend(self.format(record).splitlines())


# As an operator chasing a problem would turn them on. authlib stays where the portal puts it (INFO: it logs the
# PKCE verifier at DEBUG), which is one of the protections under test.
VERBOSE = ("", "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "werkzeug", "urllib3", "portal", "flask_limiter")


@pytest.fixture
def capture():
    handler = Capture()
    loggers = [logging.getLogger(name) for name in VERBOSE]
    previous = [logger.level for logger in loggers]
    logging.getLogger().addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield handler
    logging.getLogger().removeHandler(handler)
    for logger, level in zip(loggers, previous, strict=True):
        logger.setLevel(level)


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


class Secrets:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def add(self, what: str, value: object) -> None:
        if value:
            self.values[f"{what} {len(self.values)}"] = str(value)

    def session(self, what: str, browser: requests.Session) -> dict:
        cookie = browser.cookies.get(DEV_COOKIE)
        self.add(f"{what} session cookie", cookie)
        tx = db.session()
        tx.rollback()
        row = tx.get(WebSession, hash_token(cookie or ""), populate_existing=True)
        data = dict(row.data or {}) if row else {}
        tx.rollback()  # SQLite: the server's threads wait for a writer, and a read here begins as one
        return data


def _sign_in(base: str, browser: requests.Session, key: str, secrets: Secrets) -> None:
    to_idp = browser.get(f"{base}/auth/login", allow_redirects=False)
    query = {name: values[0] for name, values in parse_qs(urlsplit(to_idp.headers["Location"]).query).items()}
    for name in ("state", "nonce", "code_challenge"):
        secrets.add(f"{key} {name}", query.get(name))
    for pending in (secrets.session(key, browser).get("oidc_pending") or {}).values():
        secrets.add(f"{key} code_verifier", pending.get("code_verifier"))
    picker = browser.get(to_idp.headers["Location"], allow_redirects=False)
    action = ACTION.search(picker.text).group(1).replace("&amp;", "&")
    to_portal = browser.post(urljoin(picker.url, action), data={"persona": key}, allow_redirects=False)
    back = parse_qs(urlsplit(to_portal.headers["Location"]).query)
    secrets.add(f"{key} code", back["code"][0])
    landed = browser.get(to_portal.headers["Location"], allow_redirects=False)
    assert landed.status_code == 302, landed.text[:300]
    auth = secrets.session(key, browser).get("auth") or {}
    secrets.add(f"{key} id token", auth.get("id_token"))


def _ingest(base: str, secrets: Secrets, pnr: str) -> None:
    http = requests.Session()
    token = http.post(f"{base}/dev-idp/token", auth=(EHR_CLIENT_ID, EHR_CLIENT_SECRET),
                      data={"grant_type": "client_credentials", "scope": "ingest"}).json()["access_token"]
    secrets.add("ingest token", token)
    patient = fhir.patient("anna", pnr=pnr, name=[{"family": "Lindqvist", "given": ["Anna"]}],
                           birthDate=f"{pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}")
    visit = fhir.encounter("visit1", subject={"reference": "Patient/anna"}, reasonCode=[{"text": REASON_TEXT}])
    note = fhir.observation("obs1", subject={"reference": "Patient/anna"}, note=[{"text": JOURNAL_TEXT}])
    bundle = fhir.bundle("transaction", fhir.organization(), patient, visit, note)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    assert http.post(f"{base}/ingest/fhir", data=json.dumps(bundle), headers=headers).status_code == 200
    bad = dict(patient, birthDate="1980-02-30")  # refused: quarantined, and logged only as a reason
    assert http.post(f"{base}/ingest/fhir", data=json.dumps(bad), headers=headers).status_code == 422


def _support(base: str, citizen: requests.Session, agent: requests.Session, pnr: str, secrets: Secrets) -> None:
    help_page = citizen.get(f"{base}/help").text
    page = citizen.post(f"{base}/help/code", data={"csrf_token": TOKEN.search(help_page).group(1)}).text
    code = re.search(r"<strong>(\d{4}) (\d{4})</strong>", page)
    secrets.add("support code", "".join(code.groups()))
    console = agent.get(f"{base}/support").text
    started = agent.post(f"{base}/support/start", allow_redirects=False, data={
        "personnummer": pnr, "code": "".join(code.groups()), "reason": "Hjälper med att hitta provsvar",
        "ticket": "INC-42", "csrf_token": TOKEN.search(console).group(1)})
    assert started.status_code == 302, started.text[:300]
    assert agent.get(f"{base}/journal").status_code == 200


def test_no_secret_or_personal_data_reaches_any_log_line(app, server, capture):
    secrets = Secrets()
    anna_pnr, stina_pnr = by_key("anna").personnummer(date.today()), by_key("stina").personnummer(date.today())
    for pnr in (anna_pnr, stina_pnr):
        secrets.add("personnummer", pnr)
        secrets.add("short personnummer", f"{pnr[2:8]}-{pnr[8:]}")
    secrets.add("journal text", JOURNAL_TEXT)
    secrets.add("journal text", REASON_TEXT)

    _ingest(server, secrets, anna_pnr)
    citizen, agent = requests.Session(), requests.Session()
    _sign_in(server, citizen, "anna", secrets)
    for path in ("/start", "/journal", "/appointments", "/care-plans", "/access-log", "/api/v1/me"):
        assert citizen.get(f"{server}{path}").status_code == 200, path
    me = citizen.get(f"{server}/api/v1/me").json()
    journal = citizen.get(f"{server}/api/v1/subjects/{me['id']}/journal").json()
    assert JOURNAL_TEXT in json.dumps(journal, ensure_ascii=False) or journal["entries"]

    token = _bearer_for_anna(app, server)
    secrets.add("access token", token)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get(f"{server}/api/v1/subjects/{me['id']}/journal").status_code == 200
    assert api.get(f"{server}/api/v1/subjects/{me['id']}/appointments").status_code == 200
    refused = requests.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token[:-4]}AAAA"})
    assert refused.status_code == 401
    assert requests.get(f"{server}/auth/callback?state=forged&code=forged-code-123").status_code == 400

    _sign_in(server, agent, "stina", secrets)
    if "support.console_start" in app.view_functions:
        _support(server, citizen, agent, anna_pnr, secrets)

    time.sleep(0.2)  # the server thread logs each request after answering it
    lines = capture.lines
    found = [(what, line) for line in lines for what, value in secrets.values.items() if value in line]
    found += [("a JWT", line) for line in lines if JWT.search(line)]
    assert not found, "\n".join(f"{what}: {line[:300]}" for what, line in found[:10])
    print(f"\nlog lines scanned: {len(lines)}, secrets looked for: {len(secrets.values)}")
    assert len(lines) > 100


def _bearer_for_anna(app, base: str) -> str:
    from portal.demo.personas import by_key as persona

    class Anna:
        personnummer = persona("anna").personnummer(date.today())

    return mint(app, Anna, iss=f"{base}/dev-idp", exp=int(time.time()) + 600)
