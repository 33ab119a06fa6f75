"""Keeping the read models current: one page loop, for a command's catch-up, a bulk fill and a forked fill.

eventsourcing's ``ProjectionRunner`` needs the recorder's ``subscribe()``,
which its SQLite recorder does not have; so, as its docs suggest for polling,
the projector pulls pages with ``select_notifications`` after the position
recorded in ``projection_tracking`` (``projections.tracking``) and writes each
page's rows and the new position in one transaction. A crash between an
event's write and its projection leaves the position behind; the next command
catches up, and the guarded position update means no page is ever applied twice.

Projectors are serialised per database (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: ``SELECT … FOR UPDATE`` on the tracking rows). The engines are
``projections.engines``', the read models ``projections.read_model``'s, and the
unsynced writing of a bulk fill ``projections.page_writer``'s.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError, Tracking

from . import (
    corrections,  # noqa: F401 - registers the corrections' folds
    held,  # noqa: F401 - registers the held acts' folds
    journal,  # noqa: F401 - registers the journal folds
    page_writer,
    projects,  # noqa: F401 - registers the projects' folds (issue 24)
    settlements,  # noqa: F401 - registers the settlements' and re-charges' folds
)
from .decoding import loads as _loads
from .engines import sqlite_file
from .folds import FOLDS, ORIGINATE, UNSTORED, history_details, history_keys, origin_of, originate
from .page import Event, Origins, Page

if TYPE_CHECKING:  # SQLAlchemy is imported where used: a command's catch-up on a SQLite file runs without it
    from sqlalchemy import Connection

    from .read_model import ReadModel, SqliteReadModel

PAGE_SIZE = 2000
WRITER_FROM = 20_000  # events to go before a bulk catch-up forks a writer process (fewer: not worth a fork)
IN_FLIGHT = 2  # pages folded but not yet committed by the writer process: the memory bound
Progress = Callable[[int, int], None]
# One page of a catch-up: (events applied, the page's last position, whether to look for another page), or
# None when the log has nothing more.
Turn = Callable[[], "tuple[int, int, bool] | None"]


def pages(turn: Turn, target: int, progress: Progress | None) -> int:
    """The page loop every catch-up runs: ``turn`` until it finds nothing more (or says stop), telling
    ``progress`` after each page; the events applied."""
    done = 0
    while (page := turn()) is not None:
        count, last, again = page
        done += count
        if progress:
            progress(last, max(target, last))
        if not again:
            break
    return done


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
        ahead = list(written or ()) if stop is None and check is None and contiguous(written) else []
        shortcut = False

        def turn() -> tuple[int, int, bool] | None:
            nonlocal ahead, shortcut
            with self.read_model.write() as conn, conn.begin():
                position = self.read_model._position(conn, lock=True)
                if ahead and ahead[0][0] == position + 1:  # committed by us, and next in the log
                    rows, ahead, shortcut = ahead[:page_size], ahead[page_size:], True
                else:
                    ahead = []
                    rows = self._read(position, page_size, stop, check)
                if not rows:
                    return None
                last = self._step(conn, rows, position, check)
            # the log held nothing beyond what we wrote when we looked: no need to read it again
            return len(rows), last, not (shortcut and not ahead and last >= latest)

        return pages(turn, stop or latest, progress)

    def _read(self, position: int, page_size: int, stop: int | None, check: Callable | None) -> list[tuple]:
        """The next page of the log after ``position`` (with the stored hashes when ``check`` is to see them)."""
        return self.app.recorder.select_raw(position, page_size, stop, with_hashes=check is not None)

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
        target = stop or self.app.recorder.max_notification_id() or 0
        path = sqlite_file(self.read_model.engine)
        if path is not None and hasattr(os, "fork"):
            with self.read_model.engine.connect() as conn:
                position = self.read_model._position(conn)
            if target - position >= self.writer_from:
                return self._fill_forked(path, position, target, progress, stop, check, page_size)
        with self.read_model.write() as conn, page_writer.unsynced(conn):

            def turn() -> tuple[int, int, bool] | None:
                with conn.begin():
                    position = self.read_model._position(conn, lock=True)
                    rows = self._read(position, page_size, stop, check)
                    if not rows:
                        return None
                    return len(rows), self._step(conn, rows, position, check), True

            return pages(turn, target, progress)

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
            target=page_writer.write_pages, args=(path, theirs, self.read_model.application_name), daemon=True
        )
        writer.start()
        theirs.close()
        waiting: deque[int] = deque()

        def turn() -> tuple[int, int, bool] | None:
            nonlocal position
            rows = self._read(position, page_size, stop, check)
            if not rows:
                return None
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
            position = last
            return len(rows), last, True

        try:
            done = pages(turn, target, progress)
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
        from sqlalchemy import delete
        from sqlalchemy.schema import DropIndex

        from . import schema, tracking

        with self.read_model.write() as conn, conn.begin():
            for table in schema.REBUILT:
                for index in table.indexes if drop_indexes else ():
                    conn.execute(DropIndex(index, if_exists=True))
                conn.execute(delete(table))
            tracking.set_all(conn, 0)
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
