"""Writing pages without waiting for the disk: the bulk catch-up's connection settings and its writer process.

A replay or a scratch rebuild commits each page with its tracking position in one guarded transaction, but
with SQLite's ``synchronous=OFF``: a power cut may lose the last pages committed, never the event log (another
connection writes it), and their tracking position goes back with them. ``write_pages`` is the forked writer
``Projector.fill`` hands its folded pages to on a SQLite file with many events to go.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from . import tracking

if TYPE_CHECKING:
    from sqlalchemy import Connection


def write_pages(path: str, pipe, application_name: str) -> None:
    """The writer process: each page's rows and its guarded position move in one transaction, unsynced."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")  # this connection only; it ends with the process
        while (item := pipe.recv()) is not None:
            number, statements, previous, last = item
            db.execute("BEGIN IMMEDIATE")
            try:
                tracking.raw_move(db, previous, last, application_name)
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
def unsynced(conn: Connection) -> Iterator[None]:
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
