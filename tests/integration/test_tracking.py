"""``projections.tracking`` is the one module that reads and writes the read models' positions (issue 28), and
its SQLAlchemy and plain ``sqlite3`` halves agree on the same table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError
from sqlalchemy import create_engine

from projections import schema, tables, tracking

ROOT = Path(__file__).resolve().parents[2]
# The table's definition (alembic's source) and, until its own split, the audit's rebuild comparison.
ALLOWED = {"projections/tracking.py", "projections/schema.py", "projections/audit/read_models.py"}


def test_no_module_but_tracking_names_the_tracking_table():
    wrong = [
        str(path.relative_to(ROOT))
        for room in ("ledger", "projections", "app", "presentation", "cli", "web")
        for path in (ROOT / room).rglob("*.py")
        if str(path.relative_to(ROOT)) not in ALLOWED
        and any(
            name in line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith(("#", '"', "`")) and "``" not in line
            for name in ("projection_tracking", "schema.tracking", "s.tracking")
        )
    ]
    assert wrong == []


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/read.db")
    schema.tracking.create(engine)
    with engine.begin() as conn:
        tracking.ensure(conn, "grantledger")
        tracking.ensure(conn, "grantledger")  # a second time adds nothing
    yield engine
    engine.dispose()


def test_both_halves_read_and_move_the_same_positions(engine):
    with engine.begin() as conn:
        assert tracking.count(conn) == len(tables.PROJECTIONS)
        assert tracking.position(conn) == 0
        tracking.move(conn, 0, 5, "grantledger")
    raw = sqlite3.connect(engine.url.database, isolation_level=None)
    try:
        assert tracking.raw_position(raw) == 5
        tracking.raw_move(raw, 5, 9, "grantledger")
        with pytest.raises(IntegrityError, match="already moved on"):
            tracking.raw_move(raw, 5, 12, "grantledger")  # a stale position moves nothing
    finally:
        raw.close()
    with engine.begin() as conn:
        assert tracking.position(conn) == tracking.lowest(conn) == 9
        with pytest.raises(IntegrityError, match="already moved on"):
            tracking.move(conn, 9, 9, "grantledger")  # never backwards, never in place


def test_positions_that_disagree_are_refused_and_the_lowest_is_how_far_reads_have_got(engine):
    with engine.begin() as conn:
        tracking.set_all(conn, 4)
        conn.exec_driver_sql("UPDATE projection_tracking SET notification_id = 7 WHERE projection = 'journal'")
        with pytest.raises(IntegrityError, match="disagree"):
            tracking.position(conn)
        assert tracking.lowest(conn) == 4
        assert tracking.raw_positions(lambda sql, params: conn.exec_driver_sql(sql, tuple(params))) == {4, 7}
