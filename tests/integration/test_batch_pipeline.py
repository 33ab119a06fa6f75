"""A large SQLite batch folds its groups into the read models in a second process: the read models it leaves are
the ones a batch that catches up itself leaves, current when it returns, and a worker that fails changes nothing
but who does the folding."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app import pipeline
from app.facade import Ledger
from bench.generate import programme

# The log and what proves it, not read models: two ledgers hold different keys, so their signatures differ, and
# so do the verify snapshots a batch's close seals (each names the keys bound in its own ledger).
SKIP = {
    "stored_events",
    "stored_snapshots",
    "event_hashes",
    "event_signatures",
    "snapshot_signatures",
    "verify_snapshots",
}


def numbered(events: int) -> list[tuple[int, str]]:
    rows = programme(events, seed=11)
    return [(n, json.dumps(r, ensure_ascii=False)) for n, r in enumerate(rows, start=1)]


def read_models(path: str) -> dict[str, list[str]]:
    """Every read-model row, in a stable order (the time an event was recorded differs between two runs)."""
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {}
        for table in tables:
            if table in SKIP or table.startswith("alembic"):
                continue
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "recorded_at"]
            found[table] = sorted(map(repr, db.execute(f"SELECT {', '.join(columns)} FROM {table}")))
        return found
    finally:
        db.close()


def ingest(path: str, lines: list[tuple[int, str]], group_size: int = 40):
    with Ledger(f"sqlite:///{path}", create_tables=True) as ledger:
        ledger.init("bench")
        summary = ledger.batch(lines, "bench", group_size=group_size)
        assert ledger.catch_up() == 0  # current when the batch returns
        return summary


@pytest.fixture
def spied(monkeypatch):
    handed = []
    original = pipeline.Background.hand

    def hand(self, rows):
        took = original(self, rows)
        handed.append(took)
        return took

    monkeypatch.setattr(pipeline.Background, "hand", hand)
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)  # an earlier test may have left a thread behind
    return handed


def test_a_batch_folded_by_a_worker_leaves_the_read_models_a_batch_folding_itself_leaves(tmp_path, monkeypatch, spied):
    lines = numbered(1500)
    piped = ingest(str(tmp_path / "piped.db"), lines)
    assert sum(spied) >= 5  # most groups were folded by the worker
    spied.clear()
    monkeypatch.setattr(pipeline, "START_AFTER", 10**9)
    inline = ingest(str(tmp_path / "inline.db"), lines)
    assert not any(spied)
    assert (piped.applied, piped.skipped, piped.failed, piped.events) == (
        inline.applied,
        inline.skipped,
        inline.failed,
        inline.events,
    )
    assert piped.failed == 0
    assert read_models(str(tmp_path / "piped.db")) == read_models(str(tmp_path / "inline.db"))


def test_a_worker_that_fails_leaves_the_batch_to_catch_up_itself(tmp_path, monkeypatch, spied):
    lines = numbered(800)

    def broken(url, conn):  # takes every group, folds none of them, and says it failed: the batch folds them
        import os

        while conn.recv() is not None:
            pass
        conn.send("OperationalError: disk I/O error")
        os._exit(1)

    monkeypatch.setattr(pipeline, "_work", broken)
    summary = ingest(str(tmp_path / "broken.db"), lines, group_size=30)
    assert summary.failed == 0 and summary.applied > 0
    assert sum(spied) >= 5  # the worker took most groups
    monkeypatch.undo()
    ingest(str(tmp_path / "inline.db"), lines, group_size=30)
    assert read_models(str(tmp_path / "broken.db")) == read_models(str(tmp_path / "inline.db"))
