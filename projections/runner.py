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

import json
from collections.abc import Callable, Sequence

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from sqlalchemy import Connection, Engine, create_engine, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.eventstore import StoreURL

from . import (
    journal,  # noqa: F401 - registers the journal folds
    schema,
)
from .folds import FOLDS, ORIGINATE, history_details, history_keys, originate
from .page import Event, Origins, Page

PAGE_SIZE = 2000
Progress = Callable[[int, int], None]


def make_engine(store: StoreURL) -> Engine:
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
    return create_engine(
        store.sqlalchemy_url, pool_pre_ping=True, pool_timeout=timeout, connect_args={"connect_timeout": timeout}
    )


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

    def ensure_tracking(self, conn: Connection) -> None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(schema.tracking).on_conflict_do_nothing(index_elements=["projection"])
        conn.execute(
            stmt,
            [
                {"projection": p, "application_name": self.application_name, "notification_id": 0}
                for p in schema.PROJECTIONS
            ],
        )


def contiguous(rows: Sequence[tuple] | None) -> bool:
    """Rows at consecutive positions (so the log holds nothing else between the first and the last)."""
    return bool(rows) and rows[-1][0] - rows[0][0] + 1 == len(rows)


class Projector:
    """Folds the application's event log into the read models."""

    def __init__(self, app, read_model: ReadModel):
        self.app = app
        self.read_model = read_model
        self.origins = Origins()
        self.transcoder = app.mapper.transcoder
        self.cipher = app.mapper.cipher
        self.compressor = app.mapper.compressor

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
                if check is not None:
                    check(rows)
                self.apply(conn, rows)
                last = rows[-1][0]
                self.read_model._insert_tracking(conn, position, Tracking(self.read_model.application_name, last))
            done += len(rows)
            if progress:
                progress(last, max(target, last))
            if shortcut and not ahead and last >= latest:
                return done  # the log held nothing beyond what we wrote when we looked: no need to read it again

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
            data = json.loads(state)
            recorded = data["timestamp"]["_data_"]
        return Event(seq, topic.rpartition(":")[2], data, originator_id, recorded, {})

    def apply(self, conn: Connection, rows: Sequence[tuple]) -> None:
        events = [self.decode(*row[:4]) for row in rows]
        self.origins.load(conn, (e.originator_id for e in events if e.name not in ORIGINATE))
        page = Page(self.origins)
        for e in events:
            make = ORIGINATE.get(e.name)
            if make is not None:
                originate(e, page, **make(e))
            e.origin = self.origins.get(e.originator_id)
            for fold in FOLDS.get(e.name, ()):
                fold(e, page)
            details = history_details(e)
            for key in history_keys(e):
                page.append(
                    "event_keys",
                    key=key,
                    seq=e.seq,
                    type=e.name,
                    effective_date=e.on,
                    recorded_at=e.recorded_at,
                    actor=e.actor,
                    **details,
                )
        page.flush(conn)
        self.origins.trim()

    def reset(self) -> None:
        """Empty every read model and move its position back to zero, in one transaction."""
        with self.read_model.write() as conn, conn.begin():
            for table in schema.REBUILT:
                conn.execute(delete(table))
            conn.execute(update(schema.tracking).values(notification_id=0))
            self.read_model.ensure_tracking(conn)
        self.origins.clear()

    def replay(self, progress: Progress | None = None) -> int:
        self.reset()
        return self.catch_up(progress)
