"""Browser tests: the real app with the embedded dev provider on a free 127.0.0.1 port, driven by Chromium."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app, db
from portal.demo.personas import PERSONAS
from portal.migrations import upgrade
from portal.readmodel.models import Person

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECRET = "e2e-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _add_personas() -> None:
    today = date.today()
    with db.transaction() as tx:
        for persona in PERSONAS:
            tx.add(Person(personnummer=persona.personnummer(today), given_name=persona.given_name,
                          family_name=persona.family_name, birth_date=persona.birth_date(today),
                          protected_identity=persona.protected_identity, deceased=persona.deceased))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'portal.db'}"
    upgrade(url)
    app = create_app({"env": "development", "secret_key": SECRET, "database_url": url, "dev_idp": True,
                      "oidc_issuer": ""})
    with app.app_context():
        _add_personas()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server
