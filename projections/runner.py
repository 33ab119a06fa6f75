"""Keeping the read models current: a catch-up loop with tracking, and replay.

eventsourcing's ``ProjectionRunner`` needs the recorder's ``subscribe()``,
which its SQLite recorder does not have; so, as its docs suggest for polling,
the projector pulls pages with ``select_notifications`` after the position
recorded in ``projection_tracking`` and writes each page's rows and the new
position in one transaction. A crash between an event's write and its
projection leaves the position behind; the next command catches up, and the
guarded position update means no page is ever applied twice.

Projectors are serialised per database (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: ``SELECT … FOR UPDATE`` on the tracking rows).
"""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from ledger.eventstore import StoreURL

from . import (
    corrections,  # noqa: F401 - registers the corrections' folds
    held,  # noqa: F401 - registers the held acts' folds
    journal,  # noqa: F401 - registers the journal folds
    projects,  # noqa: F401 - registers the projects' folds (issue 24)
    tables,
)
from .decoding import loads as _loads
from .folds import FOLDS, ORIGINATE, UNSTORED, history_details, history_keys, origin_of, originate
from .page import Event, Origins, Page

if TYPE_CHECKING:  # SQLAlchemy is imported where used: a command's catch-up on a SQLite file runs without it
    from sqlalchemy import Connection, Engine

PAGE_SIZE = 2000
WRITER_FROM = 20_000  # events to go before a bulk catch-up forks a writer process (fewer: not worth a fork)
IN_FLIGHT = 2  # pages folded but not yet committed by the writer process: the memory bound
Progress = Callable[[int, int], None]


def make_engine(store: StoreURL) -> Engine:
    from sqlalchemy import create_engine, event

    if store.engine == "sqlite":
        engine = create_engine(store.sqlalchemy_url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _autocommit(dbapi_connection, _record):  # let us issue BEGIN ourselves
            dbapi_connection.isolation_level = None
            # The read models are rebuilt from the log, which its own writes sync (WAL, synchronous=FULL): a
            # projection commit need not wait for the disk. A power cut can lose only the newest projection
            # commits (never an event), leaving the tracking position behind, and the next command catches up.
            if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

        @event.listens_for(engine, "begin")
        def _begin(conn):
            immediate = conn.get_execution_options().get("write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    timeout = int(store.settings.get("POSTGRES_CONNECT_TIMEOUT", "5"))
    return pg_engine(store, pool_pre_ping=True, pool_timeout=timeout)


def pg_engine(store: StoreURL, *, options: str | None = None, **kwargs: Any) -> Engine:
    """A SQLAlchemy engine that connects with the ``--db`` URL as libpq reads it (Unix sockets, ~/.pgpass,
    PGPASSFILE, PGSERVICE and the PG* variables work as in psql), exactly as the event store's pool does."""
    import psycopg
    from sqlalchemy import create_engine

    from ledger.pgconnect import conninfo

    info = conninfo(store.url)
    timeout = int(store.settings.get("POSTGRES_CONNECT_TIMEOUT", "5"))
    extra = {"options": options} if options else {}

    def connect() -> Any:
        return psycopg.connect(info, connect_timeout=timeout, **extra)

    return create_engine("postgresql+psycopg://", creator=connect, **kwargs)


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
        from sqlalchemy import select

        from . import schema

        t = schema.tracking
        query = select(t.c.notification_id).where(t.c.projection.in_(schema.PROJECTIONS))
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        positions = set(conn.execute(query).scalars())
        if len(positions) != 1:
            if not positions:
                return 0
            raise IntegrityError(f"projections disagree on their position: {sorted(positions)}")
        return positions.pop()

    def _insert_tracking(self, conn: Connection, previous: int, tracking: Tracking) -> None:
        """Move every projection from ``previous`` to the tracking position, or fail (exactly once)."""
        from sqlalchemy import update

        from . import schema

        t = schema.tracking
        result = conn.execute(
            update(t)
            .where(
                t.c.projection.in_(schema.PROJECTIONS),
                t.c.notification_id == previous,
                t.c.notification_id < tracking.notification_id,
            )
            .values(notification_id=tracking.notification_id, application_name=tracking.application_name)
        )
        if result.rowcount != len(schema.PROJECTIONS):
            raise IntegrityError(f"tracking position {previous} was already moved on (another projector?)")

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
        from sqlalchemy.dialects import postgresql, sqlite

        from . import schema

        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(schema.tracking).on_conflict_do_nothing(index_elements=["projection"])
        conn.execute(
            stmt,
            [
                {"projection": p, "application_name": self.application_name, "notification_id": 0}
                for p in schema.PROJECTIONS
            ],
        )


# The tracking position's SQL, as ``ReadModel`` builds it, for the connections that write with ``sqlite3``.
POSITION_SQL = (
    f"SELECT {tables.TRACKING}.notification_id FROM {tables.TRACKING} "
    f"WHERE {tables.TRACKING}.projection IN ({', '.join('?' * len(tables.PROJECTIONS))})"
)
MOVE_SQL = (
    f"UPDATE {tables.TRACKING} SET notification_id = ?, application_name = ? "
    f"WHERE projection IN ({', '.join('?' * len(tables.PROJECTIONS))}) "
    "AND notification_id = ? AND notification_id < ?"
)


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
    ``make_engine``'s connections; one connection, opened when first used and kept until ``close``."""

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
        positions = {row[0] for row in conn.execute(POSITION_SQL, tables.PROJECTIONS)}
        if len(positions) != 1:
            if not positions:
                return 0
            raise IntegrityError(f"projections disagree on their position: {sorted(positions)}")
        return positions.pop()

    def _insert_tracking(self, conn: sqlite3.Connection, previous: int, tracking: Tracking) -> None:
        last = tracking.notification_id
        moved = conn.execute(MOVE_SQL, (last, tracking.application_name, *tables.PROJECTIONS, previous, last)).rowcount
        if moved != len(tables.PROJECTIONS):
            raise IntegrityError(f"tracking position {previous} was already moved on (another projector?)")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def contiguous(rows: Sequence[tuple] | None) -> bool:
    """Rows at consecutive positions (so the log holds nothing else between the first and the last)."""
    return bool(rows) and rows[-1][0] - rows[0][0] + 1 == len(rows)


class Projector:
    """Folds the application's event log into the read models."""

    def __init__(self, app, read_model: ReadModel | SqliteReadModel, origins: Origins | None = None):
        self.app = app
        self.read_model = read_model
        self.origins = Origins() if origins is None else origins
        self.transcoder = app.mapper.transcoder
        self.cipher = app.mapper.cipher
        self.compressor = app.mapper.compressor
        self.writer_from = WRITER_FROM

    def catch_up(
        self,
        progress: Progress | None = None,
        page_size: int = PAGE_SIZE,
        stop: int | None = None,
        check: Callable[[list[tuple]], None] | None = None,
        written: Sequence[tuple] | None = None,
    ) -> int:
        """Apply every event after the recorded position (up to ``stop``), a page per transaction.

        ``check`` sees each page first, with the stored hashes (``verify`` checks the chain in the same read).
        ``written``: the rows (as ``select_raw`` gives them) of events this process has just committed
        (``GrantLedger.written``); when they are exactly the next positions after the recorded one they are
        folded as they are, not read back from the store. Anything else (a gap, another writer's events first,
        rows already applied) falls back to reading the log: the rows are a shortcut, never the source of truth.
        """
        latest = self.app.recorder.max_notification_id() or 0
        if (
            stop is None
            and check is None
            and (self.read_model.max_tracking_id(self.read_model.application_name) or 0) >= latest
        ):
            return 0  # already current: no lock taken, so readers neither wait for writers nor need to write
        done, target = 0, stop or latest
        ahead = list(written or ()) if stop is None and check is None and contiguous(written) else []
        shortcut = False
        while True:
            with self.read_model.write() as conn, conn.begin():
                position = self.read_model._position(conn, lock=True)
                if ahead and ahead[0][0] == position + 1:  # committed by us, and next in the log
                    rows, ahead, shortcut = ahead[:page_size], ahead[page_size:], True
                else:
                    ahead = []
                    rows = self.app.recorder.select_raw(position, page_size, stop, with_hashes=check is not None)
                if not rows:
                    return done
                last = self._step(conn, rows, position, check)
            done += len(rows)
            if progress:
                progress(last, max(target, last))
            if shortcut and not ahead and last >= latest:
                return done  # the log held nothing beyond what we wrote when we looked: no need to read it again

    def _step(self, conn: Connection, rows: Sequence[tuple], position: int, check: Callable | None) -> int:
        """One page in the caller's transaction: checked, applied, and the position moved from ``position``."""
        if check is not None:
            check(rows)
        self.apply(conn, rows)
        last = rows[-1][0]
        self.read_model._insert_tracking(conn, position, Tracking(self.read_model.application_name, last))
        return last

    def decode(self, seq: int, originator_id: bytes, topic: str, state: bytes) -> Event:
        """A stored event as the projections need it: its fields as plain JSON values (dates are ISO text)."""
        if self.cipher or self.compressor:  # the library's own path, when the store is encrypted or compressed
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            data = self.transcoder.decode(state)
            recorded = data["timestamp"].isoformat()
        else:
            data = _loads(state)
            recorded = data["timestamp"]["_data_"]
        return Event(seq, topic.rpartition(":")[2], data, originator_id, recorded, {})

    def apply(self, conn: Connection, rows: Sequence[tuple]) -> None:
        page = self.fold(conn, rows)
        page.flush(conn)
        self.origins.written()
        self.origins.trim()

    def fold(self, conn: Connection, rows: Sequence[tuple]) -> Page:
        """A page of stored events folded into table changes, not yet written (``conn`` reads origins)."""
        events = [self.decode(*row[:4]) for row in rows]
        self.origins.load(conn, (e.originator_id for e in events if e.name not in ORIGINATE))
        page = Page(self.origins)
        history = page.rows_of("event_keys")
        for e in events:
            make = ORIGINATE.get(e.name)
            if make is None:
                e.origin = self.origins.get(e.originator_id)
            elif e.name in UNSTORED:
                e.origin = origin_of(**make(e))
            else:
                originate(e, page, **make(e))
                e.origin = self.origins.get(e.originator_id)
            for fold in FOLDS.get(e.name, ()):
                fold(e, page)
            amount, voucher, detail = history_details(e)
            seq, name, on, recorded_at, actor = e.seq, e.name, e.on, e.recorded_at, e.actor
            for key in history_keys(e):  # in event_keys' column order
                history.append((key, seq, name, on, recorded_at, actor, amount, voucher, detail))
        return page

    def fill(
        self,
        progress: Progress | None = None,
        stop: int | None = None,
        check: Callable[[list[tuple]], None] | None = None,
        page_size: int = PAGE_SIZE,
    ) -> int:
        """``catch_up`` in bulk (a replay, a scratch rebuild), writing without disk syncs.

        Each page still commits with its tracking position in one guarded transaction, so a crash leaves a
        position ``catch_up`` or ``replay`` continues from. On SQLite the writing connection runs with
        ``synchronous=OFF`` (restored after): a power cut may lose the last pages committed, never the event
        log (another connection writes it), and their tracking position goes back with them. On a SQLite
        file with at least ``writer_from`` events to go, a writer process does the writing (``_fill_forked``).
        """
        done, target = 0, stop or self.app.recorder.max_notification_id() or 0
        path = _sqlite_file(self.read_model.engine)
        if path is not None and hasattr(os, "fork"):
            with self.read_model.engine.connect() as conn:
                position = self.read_model._position(conn)
            if target - position >= self.writer_from:
                return self._fill_forked(path, position, target, progress, stop, check, page_size)
        with self.read_model.write() as conn, _unsynced(conn):
            while True:
                with conn.begin():
                    position = self.read_model._position(conn, lock=True)
                    rows = self.app.recorder.select_raw(position, page_size, stop, with_hashes=check is not None)
                    if not rows:
                        return done
                    last = self._step(conn, rows, position, check)
                done += len(rows)
                if progress:
                    progress(last, max(target, last))

    def _fill_forked(
        self,
        path: str,
        position: int,
        target: int,
        progress: Progress | None,
        stop: int | None,
        check: Callable[[list[tuple]], None] | None,
        page_size: int,
    ) -> int:
        """``fill`` with a second process that commits each page (and its position) while this one folds the
        next: SQLite's own work runs beside Python's. At most ``IN_FLIGHT`` pages wait; origins of pages not
        yet committed stay in the cache (``Origins.unwritten``), and each page's origins are read afresh, so
        nothing is looked up in the table before it is there."""
        import multiprocessing  # only a bulk catch-up pays for it

        engine = self.read_model.engine
        mine, theirs = multiprocessing.get_context("fork").Pipe()
        writer = multiprocessing.get_context("fork").Process(
            target=_write_pages, args=(path, theirs, self.read_model.application_name), daemon=True
        )
        writer.start()
        theirs.close()
        waiting: deque[int] = deque()
        done = 0
        try:
            while True:
                rows = self.app.recorder.select_raw(position, page_size, stop, with_hashes=check is not None)
                if not rows:
                    break
                if check is not None:
                    check(rows)
                while len(waiting) >= IN_FLIGHT or (waiting and mine.poll()):
                    self._committed(mine, waiting)
                self.origins.trim()
                self.origins.page_number += 1
                with engine.connect() as conn:  # a fresh read: sees every page the writer has committed
                    page = self.fold(conn, rows)
                last = rows[-1][0]
                mine.send((self.origins.page_number, page.statements(), position, last))
                waiting.append(self.origins.page_number)
                position, done = last, done + len(rows)
                if progress:
                    progress(last, max(target, last))
            while waiting:
                self._committed(mine, waiting)
        finally:
            try:
                mine.send(None)  # the writer commits what it has, then stops
            except OSError:  # it has stopped already
                pass
            writer.join()
            mine.close()
            self.origins.written()  # whatever was not committed is still true of the log: catch_up redoes it
        self.origins.trim()
        return done

    def _committed(self, pipe, waiting: deque[int]) -> None:
        try:
            status, detail = pipe.recv()
        except EOFError:
            raise IntegrityError("the projection writer stopped before committing its pages") from None
        if status != "done":
            raise IntegrityError(f"the projection writer failed: {detail}")
        assert detail == waiting.popleft()
        self.origins.written(detail)

    def reset(self, drop_indexes: bool = False) -> None:
        """Empty every read model and move its position back to zero, in one transaction (``drop_indexes``:
        without their secondary indexes too, until ``ReadModel.ensure_indexes``)."""
        from sqlalchemy import delete, update
        from sqlalchemy.schema import DropIndex

        from . import schema

        with self.read_model.write() as conn, conn.begin():
            for table in schema.REBUILT:
                for index in table.indexes if drop_indexes else ():
                    conn.execute(DropIndex(index, if_exists=True))
                conn.execute(delete(table))
            conn.execute(update(schema.tracking).values(notification_id=0))
            self.read_model.ensure_tracking(conn)
        self.origins.clear()

    def replay(self, progress: Progress | None = None) -> int:
        """Every read model from position zero. On SQLite the secondary indexes are dropped while the rows go
        in and made again at the end in one go (faster than keeping them current row by row); a replay that is
        stopped half-way leaves them to the next ``replay`` or ``init``, and the reports right meanwhile."""
        bulk = self.read_model.engine.dialect.name == "sqlite"
        self.reset(drop_indexes=bulk)
        try:
            return self.fill(progress)
        finally:
            if bulk:
                with self.read_model.write() as conn, conn.begin():
                    self.read_model.ensure_indexes(conn)


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _write_pages(path: str, pipe, application_name: str) -> None:
    """The writer process: each page's rows and its guarded position move in one transaction, unsynced."""
    tracking = MOVE_SQL
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")  # this connection only; it ends with the process
        while (item := pipe.recv()) is not None:
            number, statements, previous, last = item
            db.execute("BEGIN IMMEDIATE")
            try:
                moved = db.execute(tracking, (last, application_name, *tables.PROJECTIONS, previous, last)).rowcount
                if moved != len(tables.PROJECTIONS):
                    raise IntegrityError(f"tracking position {previous} was already moved on (another projector?)")
                for sql, params in statements:
                    db.executemany(sql, params)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            pipe.send(("done", number))
    except BaseException as exc:  # told to the folding process, which raises it
        try:
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
    finally:
        db.close()


@contextmanager
def _unsynced(conn: Connection) -> Iterator[None]:
    """SQLite's ``synchronous=OFF`` on this connection for the block, restored after (even on an error)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.driver_connection  # autocommit: a PRAGMA outside any transaction
    synchronous = driver.execute("PRAGMA synchronous").fetchone()[0]
    driver.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA synchronous={int(synchronous)}")
