"""Fixtures: a ledger on SQLite and on PostgreSQL (a throw-away cluster the tests start themselves).

``GRANTLEDGER_TEST_PG`` may name a running server instead (an admin URL);
``GRANTLEDGER_TEST_ENGINES=sqlite`` limits a quick local run to SQLite. When
PostgreSQL is wanted and cannot be started, the tests error out loudly.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.helpers import World
from tests.pgserver import create_database, drop_database, start_cluster

ENGINES = [e.strip() for e in os.environ.get("GRANTLEDGER_TEST_ENGINES", "sqlite,postgresql").split(",") if e.strip()]


@pytest.fixture(scope="session", autouse=True)
def keyring_folder(tmp_path_factory):
    """Every test's keys live in a throw-away keyring (subprocesses inherit it), never in the user's own.

    One folder for the session, not one per test: module-scoped fixtures init ledgers and grant roles before
    any per-test fixture could run, and the tests then act as those people. A test that needs a keyring of
    its own (a stranger's account, a forgery) points GRANTLEDGER_KEYS elsewhere with monkeypatch.
    """
    home = tmp_path_factory.mktemp("home")
    folder = home / ".config" / "grantledger" / "keys"
    folder.mkdir(parents=True, mode=0o700)
    before = {name: os.environ.get(name) for name in ("GRANTLEDGER_KEYS", "GRANTLEDGER_PASSPHRASE", "HOME")}
    os.environ["GRANTLEDGER_KEYS"] = str(folder)
    os.environ["HOME"] = str(home)  # subprocesses that drop every GRANTLEDGER_* variable find the same default
    os.environ.pop("GRANTLEDGER_PASSPHRASE", None)
    yield folder
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def pg_cluster():
    """The throw-away cluster itself (its socket folder, its password-only logins); skipped on a given server."""
    if os.environ.get("GRANTLEDGER_TEST_PG"):
        pytest.skip("needs the throw-away cluster the tests start (GRANTLEDGER_TEST_PG names another server)")
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_admin_url(request):
    given = os.environ.get("GRANTLEDGER_TEST_PG")
    if given:
        return given
    return request.getfixturevalue("pg_cluster").admin_url


def _url(request, engine: str, tmp_path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db"
    admin = request.getfixturevalue("pg_admin_url")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = create_database(admin, name)
    request.addfinalizer(lambda: drop_database(admin, name))
    return url


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL, once per engine."""
    return _url(request, request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/ledger.db"


@pytest.fixture
def ledger(db_url):
    from app.facade import Ledger

    with Ledger(db_url, create_tables=True) as instance:
        instance.init("admin")
        yield instance


@pytest.fixture
def world(ledger) -> World:
    """A ledger with people in every role, two funds with 2024 budgets and three registered units."""
    return World.build(ledger)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (parallel processes, SIGKILL) are left out of a plain ``pytest`` run unless
    ``GRANTLEDGER_SLOW=1`` — which ``scripts/test``, and so CI, sets — or ``-m`` chooses by marker itself."""
    if os.environ.get("GRANTLEDGER_SLOW") == "1" or config.getoption("markexpr", ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
