"""The fast read path: a report from a SQLite ledger with the standard library alone.

A report as a new process used to spend nearly all its time importing eventsourcing and SQLAlchemy to run
one indexed query. This module answers the same reads with ``sqlite3``, the SQL compiled once from
``projections.reports`` (``projections.report_sql``, generated; a test fails when it is stale) and the
rows finished by the same Python (``projections.report_rows``). It answers only when that is safe:

- the ledger is a SQLite file (PostgreSQL keeps the full path);
- the read models stand at the head of the log (every projection's tracking position ≥ the last event's
  position, read in one transaction): after a crash between a write and its projection the read models are
  behind, and the full path catches them up first, so no report shows stale numbers;
- the actor holds a role, folded from the actor's own events (``Registered``, ``RoleGranted``,
  ``RoleRevoked``; keys change no role): every role may read, and anything else (no role, an unknown event)
  goes to the full path, which refuses or answers exactly as before.

Otherwise, and on any database error, it returns ``None`` and the caller takes the full path.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

DEFAULT_URL = "sqlite:///grantledger.db"  # as ledger.eventstore.DEFAULT_URL (a test checks)
PROJECTIONS = ("origins", "awards", "funds", "units", "caps", "clauses", "equity", "journal", "history")  # schema's
ACTOR_TOPIC = "ledger.actors:Actor."
NO_ROLE_CHANGE = frozenset(("KeyBound", "KeyRotated"))


def sqlite_path(url: str | None) -> str | None:
    """The file of a ``sqlite:///FILE`` ledger (as ``ledger.eventstore.parse_url`` reads it), else ``None``."""
    url = url or os.environ.get("GRANTLEDGER_DB") or DEFAULT_URL
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    if not path or path.startswith(":memory:") or not os.path.isfile(path):
        return None
    return path


@contextmanager
def reading(url: str | None, actor: str) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection in one read transaction, if the fast path may answer; else ``None``."""
    path = sqlite_path(url)
    if path is None:
        yield None
        return
    try:
        conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    try:
        conn.execute("BEGIN")
        yield conn if current(conn) and has_role(conn, actor) else None
    finally:
        conn.close()


def current(conn: sqlite3.Connection) -> bool:
    """Whether every read model stands at the head of the log."""
    marks = ", ".join("?" * len(PROJECTIONS))
    positions = {
        row[0]
        for row in conn.execute(
            f"SELECT notification_id FROM projection_tracking WHERE projection IN ({marks})", PROJECTIONS
        )
    }
    if len(positions) != 1:
        return False
    latest = conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0
    return positions.pop() >= latest


def roles(conn: sqlite3.Connection, actor: str) -> list[str] | None:
    """The actor's roles from its events; ``None`` when unregistered or an event is not understood here."""
    from ledger.ids import key_id

    held: list[str] | None = None
    rows = conn.execute(
        "SELECT topic, state FROM stored_events WHERE originator_id = ? ORDER BY originator_version",
        (key_id("actor", actor).hex,),
    )
    for topic, state in rows:
        kind = topic[len(ACTOR_TOPIC) :] if topic.startswith(ACTOR_TOPIC) else None
        if kind == "Registered":
            held = []
        elif held is None:
            return None
        elif kind == "RoleGranted":
            held.append(json.loads(state)["role"])
        elif kind == "RoleRevoked":
            held.remove(json.loads(state)["role"])
        elif kind not in NO_ROLE_CHANGE:
            return None
    return held


def has_role(conn: sqlite3.Connection, actor: str) -> bool:
    try:
        return bool(roles(conn, actor))
    except (ValueError, KeyError, TypeError):  # an event this fold does not expect: let the full path judge
        return False


def report(
    url: str | None,
    actor: str,
    name: str,
    year: int | None = None,
    as_of: str | None = None,
    filters: dict[str, str | None] | None = None,
    known_at: int | str | None = None,
) -> list[dict] | None:
    """``Ledger.report`` (the journal side) on the fast path, or ``None``: then ask the full path."""
    from .report_rows import finish, narrowed
    from .report_sql import POSITION_AT, SQL

    try:
        with reading(url, actor) as conn:
            if conn is None:
                return None
            if isinstance(known_at, str):
                known_at = conn.execute(POSITION_AT, {"moment": known_at}).fetchone()[0]
            sql, keys = SQL[(name, year is not None, as_of is not None, known_at is not None)]
            params = {"year": year, "year_text": str(year), "as_of": as_of, "known_at": known_at}
            cursor = conn.execute(sql, params)
            if len(cursor.description) != len(keys):
                return None
            rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    except sqlite3.Error:
        return None
    return narrowed(finish(name, rows, year, as_of), filters or {})
