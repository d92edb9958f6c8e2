"""Serving under gunicorn with the portal's settings: the app loaded once in the master, workers forked from it."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import text

from portal import gunicorn_conf
from portal.cli import GUNICORN_CONFIG


def _connection_id(connection) -> object:  # type: ignore[no-untyped-def]
    """Which server connection this is: the backend's pid on PostgreSQL, the driver's object on SQLite."""
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()
    return id(connection.connection.driver_connection)


def test_a_forked_worker_opens_its_own_connections_and_leaves_the_parents_working(app):
    engine = app.extensions["db_engine"]
    with engine.connect() as connection:
        parent_connection = _connection_id(connection)
    assert engine.pool.checkedin() == 1

    child = os.fork()
    if child == 0:  # the worker: nothing from the parent's pool, and a connection of its own that works
        try:
            pooled = engine.pool.checkedin()
            with engine.connect() as connection:
                own = _connection_id(connection)
            os._exit(0 if pooled == 0 and own != parent_connection else 1)
        except BaseException:  # noqa: BLE001 - any failure is the child's answer
            os._exit(2)
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    with engine.connect() as connection:  # the child did not close the parent's connection under it
        assert _connection_id(connection) == parent_connection
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_what_the_master_loaded_is_frozen_out_of_the_collectors_walks():
    try:
        gunicorn_conf.when_ready(None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(database_url, app_config):
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
           "PORTAL_ENV": "test", "PORTAL_SECRET_KEY": app_config["secret_key"], "PORTAL_DATABASE_URL": database_url}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "portal.wsgi:app"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_gunicorn_with_the_portals_settings_serves_from_every_worker(gunicorn):
    process, base = gunicorn
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            status, _ = _get(base + "/healthz")
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
    answers = [_get(base + path) for path in ("/healthz", "/", "/api/v1/me") * 10]
    assert status == 200
    assert {code for code, _ in answers[0::3]} == {200}
    assert {code for code, _ in answers[1::3]} == {200}
    assert {code for code, _ in answers[2::3]} == {401}  # the API asks for a token, as it should
