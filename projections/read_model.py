"""The read models as a tracking recorder: through SQLAlchemy (``ReadModel``), or through ``sqlite3``
(``SqliteReadModel``, a command's catch-up on a SQLite file, issue 26).

Both give ``Projector`` the same few things: a writing connection, the position the projections share
(``_position``) and its guarded move (``_insert_tracking``), each a call into ``projections.tracking``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from eventsourcing.persistence import Tracking, TrackingRecorder

from . import tracking

if TYPE_CHECKING:  # SQLAlchemy is imported where used: a command's catch-up on a SQLite file runs without it
    from sqlalchemy import Connection, Engine


class ReadModel(TrackingRecorder):
    """The SQL read models as an eventsourcing tracking recorder: positions live beside the rows."""

    def __init__(self, engine: Engine, application_name: str):
        self.engine = engine
        self.application_name = application_name

    def write(self) -> Connection:
        return self.engine.connect().execution_options(write=True)

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.engine.connect() as conn:
            return self._position(conn)

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.write() as conn, conn.begin():
            self._insert_tracking(conn, self._position(conn, lock=True), tracking)

    def _position(self, conn: Connection, lock: bool = False) -> int:
        return tracking.position(conn, lock)

    def _insert_tracking(self, conn: Connection, previous: int, position: Tracking) -> None:
        """Move every projection from ``previous`` to the tracking position, or fail (exactly once)."""
        tracking.move(conn, previous, position.notification_id, position.application_name)

    def ensure_indexes(self, conn: Connection) -> None:
        """The read models' secondary indexes, made again if a replay dropped them (and was stopped).

        SQLite only: a replay drops them nowhere else."""
        from sqlalchemy.schema import CreateIndex

        from . import schema

        if conn.dialect.name != "sqlite":
            return
        for table in schema.REBUILT:
            for index in table.indexes:
                conn.execute(CreateIndex(index, if_not_exists=True))

    def ensure_tracking(self, conn: Connection) -> None:
        tracking.ensure(conn, self.application_name)


class _Writing(sqlite3.Connection):
    """A ``sqlite3`` connection (autocommit: we issue BEGIN ourselves) with SQLAlchemy's ``begin()`` shape."""

    @contextmanager
    def begin(self) -> Iterator[None]:
        self.execute("BEGIN IMMEDIATE")  # as ``make_engine``'s connections begin a write
        try:
            yield
        except BaseException:
            if self.in_transaction:
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")


class SqliteReadModel:
    """The read models of a SQLite file through the standard library's ``sqlite3``: what ``Projector.catch_up``
    needs (the position, its guarded move, a page's rows), so a command's catch-up imports no SQLAlchemy (issue
    26). The same SQL as ``ReadModel``, the same lock (``BEGIN IMMEDIATE``), timeout and pragmas as
    ``engines.make_engine``'s connections; one connection, opened when first used and kept until ``close``."""

    def __init__(self, path: str, application_name: str):
        self.path = path
        self.application_name = application_name
        self._conn: _Writing | None = None

    def _connect(self) -> _Writing:
        if self._conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, factory=_Writing)
            try:  # see make_engine: the log syncs itself; a projection commit need not wait for the disk
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                    conn.execute("PRAGMA synchronous=NORMAL")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @contextmanager
    def write(self) -> Iterator[_Writing]:
        try:
            yield self._connect()
        except sqlite3.Error as exc:  # worded as SQLAlchemy words it, so a refusal reads as before (storage.gist)
            raise type(exc)(f"({type(exc).__module__}.{type(exc).__name__}) {exc}") from exc

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.write() as conn:
            return self._position(conn)

    def _position(self, conn: sqlite3.Connection, lock: bool = False) -> int:
        """As ``ReadModel._position`` (``lock``: the writer's ``BEGIN IMMEDIATE`` holds SQLite's lock already)."""
        return tracking.raw_position(conn)

    def _insert_tracking(self, conn: sqlite3.Connection, previous: int, position: Tracking) -> None:
        tracking.raw_move(conn, previous, position.notification_id, position.application_name)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
