"""Browser tests: the real app with the embedded dev provider on a free 127.0.0.1 port, driven by Chromium."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import clock, create_app
from portal.demo.commands import run
from portal.identity.age import swedish_today
from portal.migrations import upgrade

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECRET = "e2e-secret-key-that-is-long-enough-0123456789"
DEMO_PERSONS = 20  # random persons besides the personas: enough for real pages, quick to load


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load_demo() -> None:
    """The personas with their full records, and a few random households, through the one ingestion path."""
    counts = run(DEMO_PERSONS, 1, swedish_today(clock.now()), None)
    assert counts["quarantined"] == 0, counts


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'portal.db'}"
    upgrade(url)
    app = create_app({"env": "development", "secret_key": SECRET, "database_url": url, "dev_idp": True,
                      "oidc_issuer": ""})
    with app.app_context():
        _load_demo()
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
