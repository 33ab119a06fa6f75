"""The scratch rebuild every projection is compared with: a throw-away SQLite file folded from position zero,
with the chain's check reading each page as it goes."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.schema import CreateTable

from .. import schema, seals
from ..read_model import ReadModel
from ..runner import Projector
from .hash_chain import ChainCheck


def scratch_engine(directory: str | None = None, *, loose: bool = False) -> tuple[Engine, str]:
    """A throw-away SQLite file with the read-model tables but none of their secondary indexes (not needed to
    compare, and a sixth of the rebuild's time), written without disk syncs: nothing in it outlives the
    verify, so nothing needs to survive a crash. WAL, so the rebuild's writer process never waits for a read.

    ``loose`` (``verify --since-seal``): every column but the keys nullable and no foreign keys, because the
    events after the seal touch rows made before it, of which only the totals they add are written here."""
    prefix = "grantledger-verify-since-" if loose else "grantledger-verify-"
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=".db", dir=directory)
    os.close(handle)
    engine = create_engine(f"sqlite:///{path}")

    @sqlalchemy_event.listens_for(engine, "connect")
    def _scratch(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    copies = MetaData()
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if not loose:
                conn.execute(CreateTable(table))
                continue
            copy = table.to_metadata(copies)
            for column in copy.columns:
                if not column.primary_key:
                    column.nullable = True
            conn.execute(CreateTable(copy, include_foreign_key_constraints=[]))
    return engine, path


def discard(engine: Engine, path: str) -> None:
    """The scratch file gone, with the WAL and shared-memory files SQLite made beside it."""
    engine.dispose()
    for leftover in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(leftover):
            os.unlink(leftover)


def unrebuildable(report: Any, rules: Any, check: ChainCheck, recorder: Any, exc: Exception) -> Any:
    """The log holds an event the read models cannot fold: the chain and the re-decision name it first."""
    check.finish(recorder)
    report.findings.extend(rules.findings)
    report.findings.append(f"无法从日志重建读模型 ({type(exc).__name__}: {exc})")
    report.checks["projections"] = "TAMPERED"
    return report


def rebuild(
    app: Any, engine: Engine, stop: int, check: ChainCheck | None = None, marks: tuple[int, ...] = ()
) -> dict[int, tuple[str, str, seals.Holders | None]]:
    """Rebuild up to ``stop``, pausing at each marked position to note (head hash, state hash, who held which key
    and role) there."""
    read_model = ReadModel(engine, app.name)
    with engine.begin() as conn:
        read_model.ensure_tracking(conn)
    projector, page = Projector(app, read_model), check.page if check else None
    noted = {}
    for mark in sorted(m for m in set(marks) if m <= stop):
        projector.fill(stop=mark, check=page)
        holders = check.signatures.holders() if check and check.signatures else None
        with engine.connect() as conn:
            noted[mark] = (check.previous.hex() if check else "", seals.balances_state(conn), holders)
    projector.fill(stop=stop, check=page)
    return noted
