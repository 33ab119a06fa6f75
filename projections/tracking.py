"""The read models' tracking positions: the one module that reads and writes ``projection_tracking``.

Every projection has a row there holding the last log position folded into it; all of them move together,
from the position they share to a page's last, in the transaction that writes the page (style point 8). Each
need has one function here, used by every caller: SQLAlchemy connections (``position``, ``move``, ``ensure``,
``set_all``, ``lowest``, ``count``) and plain driver connections — the catch-up after a command on a SQLite
file, the forked page writer, the fast read path on ``sqlite3`` or psycopg (``raw_positions``,
``raw_position``, ``raw_move``). Neither SQLAlchemy nor eventsourcing is imported until used: the plain paths
run without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .tables import PROJECTIONS

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection

TABLE = "projection_tracking"


def _integrity_error(message: str) -> Exception:
    from eventsourcing.persistence import IntegrityError

    return IntegrityError(message)


def agreed(positions: set[int]) -> int:
    """The position every projection stands at (0 before any is recorded); projections that disagree fail."""
    if len(positions) != 1:
        if not positions:
            return 0
        raise _integrity_error(f"projections disagree on their position: {sorted(positions)}")
    return next(iter(positions))


def _moved(count: int, previous: int) -> None:
    if count != len(PROJECTIONS):
        raise _integrity_error(f"tracking position {previous} was already moved on (another projector?)")


# -- SQLAlchemy connections ------------------------------------------------------------------------------------


def positions(conn: Connection, lock: bool = False) -> set[int]:
    """Each projection's position (``lock``: on PostgreSQL, ``FOR UPDATE``, so projectors take turns)."""
    from sqlalchemy import select

    from . import schema

    t = schema.tracking
    query = select(t.c.notification_id).where(t.c.projection.in_(PROJECTIONS))
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return set(conn.execute(query).scalars())


def position(conn: Connection, lock: bool = False) -> int:
    return agreed(positions(conn, lock))


def lowest(conn: Connection) -> int:
    """The position the slowest projection stands at (0 when none is recorded): how far the reads have got."""
    found = positions(conn)
    return min(found) if found else 0


def count(conn: Connection) -> int:
    """How many positions are recorded (raises when the table is missing: the read models were never made)."""
    from sqlalchemy import func, select

    from . import schema

    return conn.execute(select(func.count()).select_from(schema.tracking)).scalar_one()


def move(conn: Connection, previous: int, last: int, application_name: str) -> None:
    """Move every projection from ``previous`` to ``last``, or fail (so no page is ever applied twice)."""
    from sqlalchemy import update

    from . import schema

    t = schema.tracking
    result = conn.execute(
        update(t)
        .where(t.c.projection.in_(PROJECTIONS), t.c.notification_id == previous, t.c.notification_id < last)
        .values(notification_id=last, application_name=application_name)
    )
    _moved(result.rowcount, previous)


def ensure(conn: Connection, application_name: str) -> None:
    """A row at position 0 for every projection that has none."""
    from sqlalchemy.dialects import postgresql, sqlite

    from . import schema

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(schema.tracking).on_conflict_do_nothing(index_elements=["projection"])
    rows = [{"projection": p, "application_name": application_name, "notification_id": 0} for p in PROJECTIONS]
    conn.execute(stmt, rows)


def set_all(conn: Connection, position: int) -> None:
    """Every recorded position set to ``position``, unguarded (a reset to zero; a rebuild from a seal)."""
    from sqlalchemy import update

    from . import schema

    conn.execute(update(schema.tracking).values(notification_id=position))


# -- plain driver connections (sqlite3, psycopg) -------------------------------------------------------------------


def positions_sql(mark: str = "?") -> str:
    """The positions' query with the driver's placeholder (``?`` for sqlite3, ``%s`` for psycopg)."""
    marks = ", ".join([mark] * len(PROJECTIONS))
    return f"SELECT {TABLE}.notification_id FROM {TABLE} WHERE {TABLE}.projection IN ({marks})"


MOVE_SQL = (
    f"UPDATE {TABLE} SET notification_id = ?, application_name = ? "
    f"WHERE projection IN ({', '.join('?' * len(PROJECTIONS))}) "
    "AND notification_id = ? AND notification_id < ?"
)


def raw_positions(rows: Callable[[str, Sequence[Any]], Iterable[Sequence[Any]]], mark: str = "?") -> set[int]:
    """Each projection's position through ``rows(sql, params)`` (a ``sqlite3`` connection's ``execute``, or
    the fast read path's ``Reader.rows``)."""
    return {row[0] for row in rows(positions_sql(mark), PROJECTIONS)}


def raw_position(conn: sqlite3.Connection) -> int:
    """As ``position``, on a ``sqlite3`` connection (its ``BEGIN IMMEDIATE`` holds SQLite's lock already)."""
    return agreed(raw_positions(conn.execute))


def raw_move(conn: sqlite3.Connection, previous: int, last: int, application_name: str) -> None:
    """As ``move``, on a ``sqlite3`` connection."""
    _moved(conn.execute(MOVE_SQL, (last, application_name, *PROJECTIONS, previous, last)).rowcount, previous)
