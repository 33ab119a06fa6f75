"""Definite connection errors on PostgreSQL (issue 26, item 2), against the throw-away cluster the tests start.

A wrong password, a missing database, a port nobody listens on and a login without privileges each get their
own words and advice, answered as soon as the server answers (not after the connection timeout); a Unix-socket
URL, ``PGPASSFILE`` and ``PGSERVICE`` work as in psql; the password never appears in a message or an example.
"""

from __future__ import annotations

import os
import re
import time
import uuid

import psycopg
import pytest

from tests.e2e.driver import Cli, describe, error_line
from tests.pgserver import PASSWORD_GROUP, create_database, drop_database, free_port

pytestmark = pytest.mark.skipif(
    "postgresql" not in os.environ.get("GRANTLEDGER_TEST_ENGINES", "sqlite,postgresql"), reason="PostgreSQL only"
)

SLOW = {"GRANTLEDGER_DB_TIMEOUT": "30"}  # a refusal that waited for the timeout would take 30 s


def _admin(cluster) -> psycopg.Connection:
    return psycopg.connect(cluster.admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@pytest.fixture(scope="module")
def office(pg_cluster):
    """An initialised ledger, a login that must give a password (read grants), one with no grants, one denied."""
    from app.facade import Ledger

    name = f"c_{uuid.uuid4().hex[:10]}"
    url = create_database(pg_cluster.admin_url, name)
    with Ledger(url, create_tables=True) as ledger:
        ledger.init("admin")
    tag = uuid.uuid4().hex[:6]
    logins = {"reader": f"reader_{tag}", "bare": f"bare_{tag}", "locked": f"locked_{tag}"}
    closed = f"closed_{tag}"
    with _admin(pg_cluster) as conn:
        conn.execute(f"CREATE ROLE {logins['reader']} LOGIN PASSWORD 'right-one' IN ROLE {PASSWORD_GROUP}")
        conn.execute(f"CREATE ROLE {logins['bare']} LOGIN")
        conn.execute(f"CREATE ROLE {logins['locked']} LOGIN")
        conn.execute(f'CREATE DATABASE "{closed}"')
        conn.execute(f'REVOKE CONNECT ON DATABASE "{closed}" FROM PUBLIC')
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {logins['reader']}")
        conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {logins['bare']}")
    yield {"name": name, "url": url, "port": pg_cluster.port, "closed": closed, "dir": pg_cluster.directory, **logins}
    drop_database(pg_cluster.admin_url, name)
    drop_database(pg_cluster.admin_url, closed)
    with _admin(pg_cluster) as conn:
        for role in logins.values():
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def _refused(url: str, *args: str, env: dict | None = None) -> tuple[str, float]:
    started = time.monotonic()
    result = Cli(url)(*(args or ("report", "funds")), actor="auditor", fmt="table", env={**SLOW, **(env or {})})
    took = time.monotonic() - started
    code, message = error_line(result)
    assert (result.exit_code, code) == (5, "STORAGE"), describe(result)
    assert "Traceback" not in result.stderr
    return message, took


def test_a_wrong_password_is_an_authentication_failure_at_once_never_unreachable(office):
    message, took = _refused(f"postgresql+psycopg://{office['reader']}:wrong-one@127.0.0.1:{office['port']}/x")
    assert took < 5, took  # the server said no in milliseconds; nobody waits 30 s for a pool timeout
    assert "认证失败" in message and "密码不对" in message and office["reader"] in message
    assert ".pgpass" in message and "无法连接" not in message
    assert "wrong-one" not in message


def test_no_password_anywhere_says_so_and_points_at_pgpass(office, tmp_path):
    empty = tmp_path / "pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    url = f"postgresql+psycopg://{office['reader']}@127.0.0.1:{office['port']}/{office['name']}"
    message, took = _refused(url, env={"PGPASSFILE": str(empty)})
    assert took < 5 and "认证失败" in message and "没有找到密码" in message and "PGPASSFILE" in message


def test_a_password_from_pgpassfile_logs_in_with_no_password_in_the_url(office, tmp_path):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{office['port']}:{office['name']}:{office['reader']}:right-one\n")
    pgpass.chmod(0o600)
    url = f"postgresql+psycopg://{office['reader']}@127.0.0.1:{office['port']}/{office['name']}"
    result = Cli(url)("report", "funds", actor="admin", env={"PGPASSFILE": str(pgpass)})
    assert result.exit_code == 0, describe(result)
    _fast_reads(url, {"PGPASSFILE": str(pgpass)})


def _fast_reads(url: str, env: dict[str, str]) -> None:
    """The fast read path (psycopg alone) connects with the same URL as the full path: it answers."""
    from unittest import mock

    from projections import fastread

    with mock.patch.dict("os.environ", env):
        assert fastread.report(url, "admin", "funds") is not None


def test_a_missing_database_is_named_with_how_to_create_it(office):
    message, took = _refused(f"postgresql+psycopg://postgres@127.0.0.1:{office['port']}/no_such_city")
    assert took < 5
    assert "no_such_city" in message and "不存在" in message and "createdb" in message and "init" in message
    assert "认证失败" not in message and "无法连接" not in message


def test_a_port_nobody_listens_on_is_unreachable_with_host_and_port(office):
    port = free_port()
    message, took = _refused(f"postgresql+psycopg://postgres@127.0.0.1:{port}/{office['name']}")
    assert took < 5
    assert f"127.0.0.1:{port}" in message and "无法连接服务器" in message and "是否在运行" in message
    assert "认证失败" not in message


def test_a_login_without_connect_privilege_is_told_which_grant_it_needs(office):
    message, took = _refused(f"postgresql+psycopg://{office['locked']}@127.0.0.1:{office['port']}/{office['closed']}")
    assert took < 5
    assert "CONNECT" in message and f'TO "{office["locked"]}"' in message and office["closed"] in message


def test_a_login_without_table_privileges_is_told_permission_not_connection(office):
    message, _ = _refused(f"postgresql+psycopg://{office['bare']}@127.0.0.1:{office['port']}/{office['name']}")
    assert "权限" in message and "无法连接" not in message and "认证失败" not in message


def test_a_unix_socket_url_without_password_runs_the_ledger(office):
    url = f"postgresql+psycopg:///{office['name']}?host={office['dir']}&port={office['port']}&user=postgres"
    cli = Cli(url)
    assert cli("report", "funds", actor="admin").exit_code == 0
    result = cli("fund", "create", "KJ", "--name", "科技专项", actor="admin")
    assert result.exit_code == 0, describe(result)
    assert [f["fund"] for f in cli.ok("fund", "list", actor="admin")] == ["KJ"]
    _fast_reads(url, {})


def test_a_pgservice_names_the_whole_connection(office, tmp_path):
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[city]\nhost={office['dir']}\nport={office['port']}\ndbname={office['name']}\nuser=postgres\n"
    )
    env = {"PGSERVICEFILE": str(services)}
    result = Cli("postgresql+psycopg:///?service=city")("report", "funds", actor="admin", env=env)
    assert result.exit_code == 0, describe(result)
    result = Cli("postgresql+psycopg://")("report", "funds", actor="admin", env={**env, "PGSERVICE": "city"})
    assert result.exit_code == 0, describe(result)
    _fast_reads("postgresql+psycopg:///?service=city", env)
    _fast_reads("postgresql+psycopg://", {**env, "PGSERVICE": "city"})


def test_no_example_in_help_or_readme_puts_a_password_on_the_command_line():
    from cli.main import main
    from tests.e2e.driver import runner

    with_password = re.compile(r"postgres(?:ql)?(?:\+psycopg)?://[^\s/:@]+:[^\s/@]+@")
    for args in (["--help"], ["init", "--help"]):
        result = runner().invoke(main, args)
        assert result.exit_code == 0 and not with_password.search(result.output), result.output
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    assert not with_password.search(readme), with_password.search(readme).group(0)
