"""A read replica (issue 26, item 3): a real streaming standby started by the test (pg_basebackup -R into a
second throw-away cluster on loopback). Reports, history and verify read it with --read-db; once it has caught
up they agree with the primary to the 分, and while it is behind (replay paused) the output says by how much."""

from __future__ import annotations

import json
import re
import time

import psycopg
import pytest

from tests.conftest import ENGINES
from tests.e2e.driver import Cli, describe
from tests.helpers import World, run
from tests.pgserver import create_database, start_cluster, start_standby

pytestmark = pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL is not among this run's engines")


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _wait_for_replay(primary_url: str, standby_url: str) -> None:
    with psycopg.connect(_plain(primary_url), autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + 30
    with psycopg.connect(_plain(standby_url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            done = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]
            if done:
                return
            time.sleep(0.1)
    raise AssertionError("the standby did not catch up in 30 s")


@pytest.fixture(scope="module")
def pair():
    from app.facade import Ledger

    primary = start_cluster()
    standby = None
    try:
        url = create_database(primary.admin_url, "city")
        with Ledger(url, create_tables=True) as ledger:
            ledger.init("admin")
            world = World.build(ledger)
            world.awarded("QD-1", "qd2024-01-common-tech", "300万")
            run(ledger, "disburse", "clerk", ref="QD-1", amount="150万", voucher="P-1", date="2024-09-02")
            run(ledger, "approve", "approver", voucher="P-1", date="2024-09-03")
        standby = start_standby(primary)
        replica_url = f"postgresql+psycopg://postgres@127.0.0.1:{standby.port}/city"
        _wait_for_replay(url, replica_url)
        yield url, replica_url
    finally:
        if standby is not None:
            standby.stop()
        primary.stop()


def _json(result) -> object:
    assert result.exit_code == 0, describe(result)
    return json.loads(result.stdout)


def test_reports_history_and_verify_from_a_caught_up_standby_agree_with_the_primary(pair):
    url, replica_url = pair
    from cli.main import main

    primary = Cli(url, actor="auditor")
    for args in (["report", "funds"], ["report", "awards"], ["history", "QD-1"]):
        direct = _json(primary(*args))
        through = primary.runner.invoke(
            main, ["--db", url, "--read-db", replica_url, "--actor", "auditor", "--format", "json", *args]
        )
        assert _json(through) == direct, args
        assert "已追上主库" in through.stderr, through.stderr
    awards = _json(primary("report", "awards"))
    assert [(r["application"], r["disbursed"]) for r in awards] == [("QD-1", "1500000.00")]
    result = primary.runner.invoke(
        main, ["--db", url, "--read-db", replica_url, "--actor", "auditor", "--format", "json", "verify"]
    )
    assert result.exit_code == 0, describe(result)
    assert json.loads(result.stdout)["ok"] is True
    assert "已追上主库" in result.stderr


def test_the_fast_read_path_reads_the_standby_as_the_full_path_does(pair):
    """--read-db on PostgreSQL takes the fast read path (libpq alone), with the same output and the same note."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from cli.main import main
    from projections import fastread

    url, replica_url = pair
    runner = Cli(url).runner
    assert fastread.report(replica_url, "auditor", "awards") is not None  # the standby's read models are current
    assert fastread.replica_note(replica_url, url).startswith("数据来自只读副本, 已追上主库")
    assert fastread.replica_note(f"postgresql+psycopg://u@127.0.0.1:{_closed_port()}/x", url) is None  # full path
    assert fastread.replica_note("sqlite:///elsewhere.db", url) == ""  # a SQLite --read-db: no note, as before
    for fmt in ("json", "table", "csv"):
        for args in (["report", "funds"], ["report", "awards"], ["history", "QD-1"], ["history", "NOTHING-1"]):
            head = ["--db", url, "--read-db", replica_url, "--actor", "auditor", "--format", fmt]
            fast = runner.invoke(main, [*head, *args])
            full = runner.invoke(main, [*head, *args], env={"GRANTLEDGER_FAST_READ": "0"})
            assert (fast.exit_code, fast.stdout, fast.stderr) == (full.exit_code, full.stdout, full.stderr), args
            assert "已追上主库" in fast.stderr
    probe = (
        "import sys\nfrom cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'eventsourcing', 'alembic', 'psycopg') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    done = subprocess.run(
        [sys.executable, "-c", probe, "--db", url, "--read-db", replica_url, "--actor", "auditor", "report", "awards"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0 and b"HEAVY []" in done.stderr, done.stderr.decode()[-2000:]
    assert "已追上主库" in done.stderr.decode()


def test_a_standby_that_is_behind_says_by_how_much_and_agrees_again_after_catching_up(pair, monkeypatch):
    from app.facade import Ledger
    from cli.main import main

    url, replica_url = pair
    monkeypatch.setenv("GRANTLEDGER_READ_DB", replica_url)  # the environment variable, this time
    runner = Cli(url).runner

    def read(*args: str):
        return runner.invoke(main, ["--db", url, "--actor", "auditor", "--format", "json", *args])

    before = _json(read("report", "awards"))
    with psycopg.connect(_plain(replica_url), autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            with Ledger(url) as ledger:
                run(ledger, "disburse", "clerk", ref="QD-1", amount="50万", voucher="P-2", date="2024-09-04")
            behind = read("report", "awards")
            assert _json(behind) == before  # the report as the replica stood
            full = runner.invoke(
                main,
                ["--db", url, "--actor", "auditor", "--format", "json", "report", "awards"],
                env={"GRANTLEDGER_FAST_READ": "0"},
            )
            assert full.stdout == behind.stdout and re.search(r"落后主库 [1-9]\d* 个事件", full.stderr)
            assert re.sub(r"\d+ 秒前", "", full.stderr) == re.sub(r"\d+ 秒前", "", behind.stderr)
            assert re.search(r"落后主库 [1-9]\d* 个事件", behind.stderr), behind.stderr
            assert "WAL 相差" in behind.stderr
            assert "最后回放的事务提交于" in behind.stderr or "尚未回放过主库的事务" in behind.stderr
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")
    _wait_for_replay(url, replica_url)
    caught_up = read("report", "awards")
    assert [(r["application"], r["disbursed"]) for r in _json(caught_up)] == [("QD-1", "2000000.00")]
    monkeypatch.delenv("GRANTLEDGER_READ_DB")
    assert _json(caught_up) == _json(Cli(url, actor="auditor")("report", "awards"))
    assert "已追上主库" in caught_up.stderr


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
