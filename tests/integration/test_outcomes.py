"""Definite outcomes under storage faults: a command that fails at the commit finds out whether it was written.

Faults are injected where the store commits: the recorder's ``insert_events`` either fails before it writes
(not written), or writes, commits and then reports a failure (the disk filled up, the connection dropped
after COMMIT). The answer must be "committed" (with a note), "not written" (``STORAGE``) or, when the store
cannot even be asked, ``OUTCOME_UNKNOWN`` telling the clerk to rerun the identical command — and a rerun
is always a repeat, never a second payment. Both engines.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import pytest
from eventsourcing.persistence import OperationalError

from ledger.errors import exit_code
from tests.helpers import event_count, refused, run

COMMON_TECH = "qd2024-01-common-tech"


def inject(monkeypatch, ledger, *, write: bool, times: int = 1) -> list[int]:
    """The next ``times`` commits fail; ``write=True``: after the events were committed (a lie about the outcome)."""
    recorder = ledger.app.recorder
    original = recorder.insert_events
    calls: list[int] = []

    def failing(stored_events, **kwargs):
        if len(calls) >= times:
            return original(stored_events, **kwargs)
        calls.append(len(stored_events))
        if write:
            original(stored_events, **kwargs)
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(recorder, "insert_events", failing)
    return calls


def paid(world, ref: str = "QD-1") -> int:
    rows = world.ledger.report("awards", "admin")
    return next(r["disbursed"] for r in rows if r["application"] == ref)


def test_a_commit_that_fails_after_writing_answers_committed_and_a_rerun_is_a_repeat(world, monkeypatch):
    world.awarded("QD-1", COMMON_TECH, "300万")
    before = event_count(world.ledger)
    calls = inject(monkeypatch, world.ledger, write=True)

    result = run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")

    assert calls, "the fault was not injected"
    assert result.changed and result.note and "已经写入" in result.note
    assert event_count(world.ledger) > before
    again = run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")
    assert again.changed is False  # the identical command is recognised: nothing is paid twice
    assert paid(world) == 50_000_000


def test_a_commit_that_fails_before_writing_is_storage_not_written_and_a_rerun_applies_it(world, monkeypatch):
    world.awarded("QD-1", COMMON_TECH, "300万")
    before = event_count(world.ledger)
    inject(monkeypatch, world.ledger, write=False)

    error = refused(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")

    assert (error.code, exit_code(error.code)) == ("STORAGE", 5)
    assert "未写入" in error.message and "磁盘" in error.message
    assert event_count(world.ledger) == before
    assert run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02").changed
    assert paid(world) == 50_000_000


def test_when_the_store_cannot_be_asked_the_outcome_is_unknown_and_rerunning_the_same_command_is_safe(
    world, monkeypatch
):
    from ledger import service

    world.awarded("QD-1", COMMON_TECH, "300万")
    inject(monkeypatch, world.ledger, write=True)

    def unreachable(url):
        raise OperationalError("connection refused")

    monkeypatch.setattr(service, "parse_url", unreachable)  # reopening the store for the look-up fails
    error = refused(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")
    monkeypatch.undo()

    assert (error.code, exit_code(error.code)) == ("OUTCOME_UNKNOWN", 5)
    assert "原样重新执行" in error.message and "不会重复记账" in error.message
    again = run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")
    assert again.changed is False
    assert paid(world) == 50_000_000


def test_a_new_aggregate_created_by_a_commit_that_lied_is_committed_once(world, monkeypatch):
    inject(monkeypatch, world.ledger, write=True)
    result = run(world.ledger, "fund create", fund="NEW", name_="新资金")
    assert result.note
    assert run(world.ledger, "fund create", fund="NEW", name_="新资金").changed is False


def test_a_failure_updating_the_reports_after_the_commit_still_answers_written(world, monkeypatch):
    from sqlalchemy.exc import OperationalError as SQLError

    world.awarded("QD-1", COMMON_TECH, "300万")

    def broken(*args, **kwargs):
        raise SQLError("UPDATE awards SET disbursed = ?", (50_000_000,), sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(world.ledger.catching_up, "catch_up", broken)  # the projector a command's catch-up uses
    result = run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-56", date="2024-09-02")
    monkeypatch.undo()
    assert result.changed and "已写入" in result.note
    assert "UPDATE" not in result.note and "50000000" not in result.note  # never SQL or bound values
    assert paid(world) == 50_000_000


def test_a_sqlite_error_in_the_catch_up_without_sqlalchemy_still_answers_written(world, monkeypatch):
    """On a SQLite file the catch-up after a command runs on ``sqlite3`` (issue 26): its errors are storage too."""
    world.awarded("QD-1", COMMON_TECH, "300万")

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(world.ledger.catching_up.read_model, "_insert_tracking", broken)
    result = run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="AMB-57", date="2024-09-02")
    monkeypatch.undo()
    assert result.changed and "已写入" in result.note and "报表会在下一条命令时补上" in result.note
    if world.ledger.app.store.engine == "sqlite":  # worded as SQLAlchemy's error was, before issue 26
        assert "(sqlite3.OperationalError) disk I/O error" in result.note
    assert paid(world) == 50_000_000  # the next read catches up


# -- batch groups ------------------------------------------------------------------------------------------


def lines(*raw: str) -> list[tuple[int, str]]:
    return list(enumerate(raw, start=1))


PAYMENTS = lines(
    '{"cmd": "disburse", "ref": "QD-1", "amount": "10万", "voucher": "B-1", "date": "2024-09-02"}',
    '{"cmd": "disburse", "ref": "QD-1", "amount": "20万", "voucher": "B-2", "date": "2024-09-02"}',
    '{"cmd": "disburse", "ref": "QD-1", "amount": "30万", "voucher": "B-3", "date": "2024-09-02"}',
)


def test_a_batch_group_whose_commit_lied_goes_on_and_a_rerun_skips_every_line(world, monkeypatch):
    world.awarded("QD-1", COMMON_TECH, "300万")
    inject(monkeypatch, world.ledger, write=True)
    summary = world.ledger.batch(PAYMENTS, "admin")
    assert (summary.applied, summary.failed) == (3, 0)
    assert summary.notes and summary.notes[0].startswith("第 1-3 行:")
    again = world.ledger.batch(PAYMENTS, "admin")
    assert (again.applied, again.skipped) == (0, 3)
    assert paid(world) == 60 * 1_000_000


def test_a_batch_group_that_was_not_written_stops_the_batch_naming_the_lines_and_a_rerun_applies_them(
    world, monkeypatch
):
    from ledger.errors import LedgerError

    world.awarded("QD-1", COMMON_TECH, "300万")
    inject(monkeypatch, world.ledger, write=False)
    with pytest.raises(LedgerError) as caught:
        world.ledger.batch(PAYMENTS, "admin", group_size=2)
    assert caught.value.code == "STORAGE"
    assert "第 1-2 行" in caught.value.message and "未写入" in caught.value.message
    summary = world.ledger.batch(PAYMENTS, "admin", group_size=2)
    assert (summary.applied, summary.skipped, summary.failed) == (3, 0, 0)
    assert paid(world) == 60 * 1_000_000


# -- a PostgreSQL outage: an answer in seconds, then business as usual --------------------------------------


def test_a_postgresql_server_that_is_down_is_reported_within_seconds_naming_the_server_not_the_password():
    from tests.e2e.driver import Cli, error_line
    from tests.pgserver import free_port

    port = free_port()  # nothing listens here
    cli = Cli(f"postgresql+psycopg://clerk:s3cret@127.0.0.1:{port}/ledger")
    for args in (["report", "funds"], ["fund", "create", "KJ", "--name", "科技"]):
        started = time.monotonic()
        result = cli(*args, fmt="table", env={"GRANTLEDGER_DB_TIMEOUT": "2"})
        assert time.monotonic() - started < 8, args
        code, message = error_line(result)
        assert (result.exit_code, code) == (5, "STORAGE")
        assert f"127.0.0.1:{port}" in message and "s3cret" not in message


@pytest.mark.skipif("postgresql" not in os.environ.get("GRANTLEDGER_TEST_ENGINES", "sqlite,postgresql"), reason="pg")
def test_postgresql_stopped_and_started_again(tmp_path):
    """Stop the server between commands: refused in seconds with STORAGE, and after the restart it goes on."""
    from app.facade import Ledger
    from tests.e2e.driver import Cli, describe, one_json_document
    from tests.pgserver import create_database, find_bin, start_cluster

    cluster = start_cluster()
    data = os.path.join(cluster.directory, "data")
    try:
        url = create_database(cluster.admin_url, "outage")
        with Ledger(url, create_tables=True) as ledger:
            ledger.init("admin")
        subprocess.run(
            cluster._cmd(find_bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"), check=True, capture_output=True
        )
        cli = Cli(url)
        for args in (["report", "funds"], ["fund", "create", "KJ", "--name", "科技"]):
            started = time.monotonic()
            result = cli(*args, fmt="json", env={"GRANTLEDGER_DB_TIMEOUT": "2"})
            assert time.monotonic() - started < 10, args
            assert result.exit_code == 5, describe(result)
            error = one_json_document(result)["error"]
            assert error["code"] == "STORAGE" and f"127.0.0.1:{cluster.port}" in error["message"]
        subprocess.run(
            cluster._cmd(
                find_bin("pg_ctl"),
                "-D",
                data,
                "-l",
                os.path.join(cluster.directory, "server.log"),
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.directory}",
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )
        assert cli.ok("fund", "create", "KJ", "--name", "科技")["changed"] is True
    finally:
        cluster.stop()


# -- through the command line -------------------------------------------------------------------------------


def test_through_the_command_line_a_commit_that_lied_exits_0_with_a_note_and_a_rerun_is_a_repeat(db_url, monkeypatch):
    from ledger.eventstore import ChainedSQLiteRecorder
    from ledger.eventstore_pg import ChainedPostgresRecorder
    from tests.e2e.driver import Cli, awarded, describe, one_json_document, standard_world

    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    lies = []
    for cls in (ChainedSQLiteRecorder, ChainedPostgresRecorder):
        original = cls.insert_events

        def failing(self, stored_events, _original=original, **kwargs):
            ids = _original(self, stored_events, **kwargs)
            if not lies:
                lies.append(len(stored_events))
                raise OperationalError("database or disk is full")
            return ids

        monkeypatch.setattr(cls, "insert_events", failing)
    args = ("disburse", "QD-1", "--amount", "50万", "--voucher", "AMB-56", "--date", "2024-09-02")

    result = cli(*args, fmt="json")
    assert result.exit_code == 0 and lies, describe(result)
    document = one_json_document(result)
    assert document["changed"] is True and "已经写入" in document["note"]

    again = cli(*args, fmt="table")
    assert again.exit_code == 0 and "完全相同" in again.stderr, describe(again)
    payments = [e for e in cli.events() if e["type"].endswith("Disbursed")]
    assert len(payments) == 1


def test_a_store_failing_mid_group_stops_the_batch_at_that_line_and_writes_none_of_the_group(world, monkeypatch):
    from ledger.errors import LedgerError

    world.awarded("QD-1", COMMON_TECH, "300万")
    before = event_count(world.ledger)
    app = world.ledger.app
    original, loads = app.load, []

    def flaky(cls, aggregate_id):
        loads.append(cls)
        if len(loads) > 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(cls, aggregate_id)

    monkeypatch.setattr(app, "load", flaky)
    with pytest.raises(LedgerError) as caught:
        world.ledger.batch(PAYMENTS, "admin")
    monkeypatch.undo()
    assert caught.value.code == "STORAGE"
    assert "批量命令停在第" in caught.value.message
    assert "第 1 行之前的各行已写入" in caught.value.message
    assert event_count(world.ledger) == before
    assert world.ledger.batch(PAYMENTS, "admin").applied == 3
