"""Tamper evidence: any edit to a stored event, hash, snapshot or projection row is found and named by verify."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ledger.fund import FundYear
from ledger.service import GrantLedger
from tests.helpers import run


def events_table(ledger) -> tuple[str, str]:
    recorder = ledger.app.recorder
    return recorder.events_table_name, "rowid" if ledger.app.store.engine == "sqlite" else "notification_id"


def raw(ledger, sql: str, **params):
    with ledger.engine.begin() as conn:
        return conn.execute(text(sql), params)


def disarm(ledger) -> None:
    """What a forger with database rights does first: drop the append-only triggers (migrations 0003 and 0013)."""
    import importlib

    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    # Run only the trigger migrations' downgrades: `alembic downgrade 0002` would also undo every later migration.
    for name in ("0013_who_acted", "0003_append_only"):
        migration = importlib.import_module(f"migrations.versions.{name}")
        with ledger.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            migration.downgrade()


def test_the_database_itself_refuses_to_update_or_delete_events(world):
    some_history(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    for statement in (
        f"UPDATE {table} SET topic = topic WHERE {seq_column} = 3",
        f"DELETE FROM {table} WHERE {seq_column} = 3",
        "UPDATE event_hashes SET hash = hash",
        "DELETE FROM event_hashes",
    ):
        with pytest.raises(Exception, match="append-only"):
            raw(ledger, statement)
    assert ledger.verify("auditor").ok


def some_history(world) -> None:
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(world.ledger, "disburse", ref="QD-1", amount="50万", voucher="PZ-1", date="2024-09-02")
    run(world.ledger, "spend", ref="QD-1", amount="10万", category="rd", voucher="ZC-1", date="2024-09-03")


def seq_of(ledger, topic_suffix: str) -> int:
    table, seq = events_table(ledger)
    return raw(
        ledger, f"SELECT {seq} FROM {table} WHERE topic LIKE :t ORDER BY {seq} LIMIT 1", t=f"%{topic_suffix}"
    ).scalar()


def test_an_untouched_ledger_verifies(world):
    some_history(world)
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.events == world.ledger.app.recorder.max_notification_id()
    checks = {
        "hash chain",
        "signatures",
        "invariants",
        "snapshots",
        "projections",
        "trial balance",
        "triggers",
        "policies",
        "规则复核",
    }
    if world.ledger.app.store.engine == "postgresql":
        checks.add("database logins")
    assert set(report.checks) == checks


def test_editing_one_byte_of_a_stored_event_is_found_and_named(world):
    some_history(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    seq = seq_of(ledger, "Grant.Disbursed")
    state = bytes(raw(ledger, f"SELECT state FROM {table} WHERE {seq_column} = :s", s=seq).scalar())
    forged = state.replace(b'"amount":50000000', b'"amount":90000000')
    disarm(ledger)
    assert forged != state and len(forged) == len(state)  # one byte changed: 5 → 9
    raw(ledger, f"UPDATE {table} SET state = :v WHERE {seq_column} = :s", v=forged, s=seq)
    report = ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "TAMPERED"
    assert report.findings[0].startswith(f"第 {seq} 条事件「拨付」(Grant.Disbursed")


def test_deleting_an_event_is_found(world):
    some_history(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    seq = seq_of(ledger, "Grant.Spent")
    disarm(ledger)
    raw(ledger, f"DELETE FROM {table} WHERE {seq_column} = :s", s=seq)
    report = ledger.verify("auditor")
    assert not report.ok
    assert f"第 {seq + 1} 条" in report.findings[0] or f"第 {seq} 条事件不见了" in report.findings[0]


def test_rewriting_a_stored_hash_is_found(world):
    some_history(world)
    disarm(world.ledger)
    raw(world.ledger, "UPDATE event_hashes SET hash = :h WHERE notification_id = 3", h=bytes(32))
    report = world.ledger.verify("auditor")
    assert not report.ok and report.findings[0].startswith("第 3 条事件")


def test_an_event_written_around_the_ledger_has_no_hash_and_is_found(world):
    some_history(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    last = ledger.app.recorder.max_notification_id()
    columns = "originator_id, originator_version, topic, state"
    raw(
        ledger,
        f"INSERT INTO {table} ({columns}) SELECT originator_id, originator_version + 100, topic, state "
        f"FROM {table} WHERE {seq_column} = :s",
        s=last,
    )
    ledger.catch_up()
    report = ledger.verify("auditor")
    assert not report.ok and "没有哈希" in report.findings[0]


def test_editing_a_projection_row_is_found_and_named(world):
    some_history(world)
    raw(world.ledger, "UPDATE awards SET disbursed = disbursed + 1 WHERE application = 'QD-1'")
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "ok"
    assert report.checks["projections"] == "TAMPERED"
    assert report.findings[0].startswith("读模型「批复」(表 awards) 的行 (QD-1)")


def test_a_deleted_projection_row_is_named_itself_not_the_row_after_it(world):
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    world.awarded("QD-2", "qd2024-01-common-tech", "100万")
    raw(world.ledger, "DELETE FROM awards WHERE application = 'QD-1'")
    report = world.ledger.verify("auditor")
    assert report.checks["projections"] == "TAMPERED"
    assert report.findings[0].startswith("读模型「批复」(表 awards) 的行 (QD-1) 在现存的读模型中不见了"), (
        report.findings
    )


def test_a_stored_event_rewritten_as_text_is_tampered_and_named_not_a_crash(world):
    some_history(world)
    ledger = world.ledger
    if ledger.app.store.engine != "sqlite":
        pytest.skip("a bytea column cannot hold text; SQLite's dynamic typing can")
    table, seq_column = events_table(ledger)
    seq = seq_of(ledger, "Grant.Disbursed")
    disarm(ledger)
    raw(ledger, f"UPDATE {table} SET state = CAST(state AS TEXT) WHERE {seq_column} = :s", s=seq)
    report = ledger.verify("auditor")
    assert report.checks["hash chain"] == "TAMPERED"
    assert report.findings[0].startswith(f"第 {seq} 条事件「拨付」(Grant.Disbursed"), report.findings
    assert "被改写" in report.findings[0]


def test_an_unbalanced_journal_line_is_found(world):
    some_history(world)
    raw(world.ledger, "UPDATE balances SET debit = debit + 100 WHERE account = 'earmarked'")
    report = world.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["trial balance"] == "TAMPERED"


def test_a_tampered_snapshot_is_found(db_url, monkeypatch):
    from app.facade import Ledger

    monkeypatch.setattr(GrantLedger, "snapshotting_intervals", {FundYear: 2})
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        run(ledger, "fund create", fund="KJ", name_="科技")
        for n in range(5):
            run(ledger, "fund appropriate", fund="KJ", year="2024", amount="100万", doc=f"D{n}", date="2024-01-02")
        assert ledger.verify("admin").checks["snapshots"] == "ok (3)"  # versions 2, 4 and 6 of the fund year
        table = ledger.app.snapshots.recorder.events_table_name
        state = bytes(raw(ledger, f"SELECT state FROM {table} WHERE originator_version = 6").scalar())
        forged = state.replace(b'"appropriated":500000000', b'"appropriated":900000000')
        assert forged != state
        disarm(ledger)
        raw(ledger, f"UPDATE {table} SET state = :v WHERE originator_version = 6", v=forged)
        report = ledger.verify("admin")
        assert not report.ok and report.checks["snapshots"] == "TAMPERED"


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver"])
def test_every_role_may_verify_but_a_person_without_a_role_may_not(world, role):
    """cli.md "The office's daily work": every role may read, verify included (it was auditors and admins)."""
    from ledger.errors import LedgerError

    assert world.ledger.verify(role).ok
    with pytest.raises(LedgerError) as refused:
        world.ledger.verify("stranger")
    assert refused.value.code == "FORBIDDEN"


def test_a_doubled_row_in_a_projection_stripped_of_its_key_is_found(world):
    """verify compares row counts and the rebuild's rows: a live table that lost its primary key, doubled
    one row and dropped another still differs (a set comparison alone would call them equal)."""
    if world.ledger.app.store.engine != "sqlite":
        pytest.skip("rebuilding a table without its key is shown on SQLite")
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    world.awarded("QD-2", "qd2024-01-common-tech", "100万")
    for sql in (
        "CREATE TABLE awards_copy AS SELECT * FROM awards",
        "DROP TABLE awards",
        "ALTER TABLE awards_copy RENAME TO awards",
        "DELETE FROM awards WHERE application = 'QD-2'",
        "INSERT INTO awards SELECT * FROM awards WHERE application = 'QD-1'",
    ):
        raw(world.ledger, sql)
    report = world.ledger.verify("auditor")
    assert report.checks["projections"] == "TAMPERED", report.findings
    assert any(f.startswith("读模型「批复」(表 awards) 的行 (QD-") for f in report.findings), report.findings
