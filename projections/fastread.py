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

Otherwise, and on any database error, it returns ``None`` and the caller takes the full path (so does
``GRANTLEDGER_FAST_READ=0``, for comparing the two). It serves ``report`` (the journal side; xlsx stays on the
full path), ``fund list``, ``unit list``, ``unit show``, ``history`` and ``role list``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from ledger.values import may_read

DEFAULT_URL = "sqlite:///grantledger.db"  # as ledger.eventstore.DEFAULT_URL (a test checks)
ACTOR_TOPIC = "ledger.actors:Actor."
POLICY_LOADED_TOPIC = "ledger.policy_register:PolicyRegister.Loaded"
# The events this module folds (an actor's, for its roles; the loaded documents, for clause titles), and the rest
# (``ledger.vocabulary``; tests/unit/test_vocabulary.py). An actor's event not handled sends a read to the full path.
HANDLES = frozenset(
    {"Actor.Registered", "Actor.RoleGranted", "Actor.RoleRevoked", "Actor.KeyBound", "Actor.KeyRotated"}
    | {"PolicyRegister.Loaded"}
)
IGNORES = frozenset(
    {
        "Project.*",  # a project's acts move no money (a closeout's 追回 is a Grant.Recovered)
        "Fund.*",
        "FundYear.*",
        "Grant.*",
        "Installation.*",
        "KeyBinding.*",
        "Period.*",
        "PolicyRegister.Opened",
        "Seal.*",
        "Unit.*",
        "UnitCap.*",
        "Voucher.*",
    }
)


def sqlite_path(url: str | None) -> str | None:
    """The file of a ``sqlite:///FILE`` ledger (as ``ledger.eventstore.parse_url`` reads it), else ``None``."""
    if os.environ.get("GRANTLEDGER_FAST_READ") == "0":
        return None
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
        from ledger.sqlite_share import immutable_uri, read_only_folder

        uri = immutable_uri(path) if read_only_folder(path) else f"file:{quote(os.path.abspath(path))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
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
    from .report_sql import PROJECTIONS  # projections.schema's, generated

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


def person(conn: sqlite3.Connection, actor: str) -> dict | None:
    """An actor folded from its events as ``ledger.actors.Actor`` folds them: name, roles, key, custody,
    since. ``None`` when unregistered or an event is not one of those below (then the full path judges)."""
    from ledger.ids import key_id

    folded: dict | None = None
    rows = conn.execute(
        "SELECT topic, state FROM stored_events WHERE originator_id = ? ORDER BY originator_version",
        (key_id("actor", actor).hex,),
    )
    for topic, state in rows:
        kind = topic[len(ACTOR_TOPIC) :] if topic.startswith(ACTOR_TOPIC) else None
        data = json.loads(state)
        if kind == "Registered":
            folded = {"name": data["name"], "roles": [], "key": None, "custody": None, "since": None}
        elif folded is None:
            return None
        elif kind == "RoleGranted":
            folded["roles"].append(data["role"])
        elif kind == "RoleRevoked":
            folded["roles"].remove(data["role"])
        elif kind == "KeyBound":
            folded.update(key=data["key"], custody=data["custody"], since=data["on"])
        elif kind == "KeyRotated":
            folded.update(key=data["key"], since=data["on"])
        else:
            return None
    return folded


def has_role(conn: sqlite3.Connection, actor: str) -> bool:
    try:
        found = person(conn, actor)
    except (ValueError, KeyError, TypeError):  # an event this fold does not expect: let the full path judge
        return False
    return found is not None and may_read(found["roles"])


def loaded_titles(conn: sqlite3.Connection) -> dict[str, str]:
    """The titles of the clauses of every loaded policy document (``projections.clause_titles``)."""
    from .clause_titles import from_states, register_id

    rows = conn.execute(
        "SELECT state FROM stored_events WHERE originator_id = ? AND topic = ? ORDER BY originator_version",
        (register_id().hex, POLICY_LOADED_TOPIC),
    ).fetchall()
    return from_states(state for (state,) in rows)


def report(
    url: str | None,
    actor: str,
    name: str,
    year: int | None = None,
    as_of: str | None = None,
    filters: dict[str, str | None] | None = None,
    known_at: int | str | None = None,
    since: str | None = None,
) -> list[dict] | None:
    """``Ledger.report`` (the journal side) on the fast path, or ``None``: then ask the full path. ``since``:
    the period report (``--from``) of funds or awards."""
    from .report_rows import finish, narrowed
    from .report_sql import POSITION_AT, SQL

    try:
        with reading(url, actor) as conn:
            if conn is None:
                return None
            if isinstance(known_at, str):
                known_at = conn.execute(POSITION_AT, {"moment": known_at}).fetchone()[0]
            shape = f"{name}:period" if since is not None else name
            sql, keys = SQL[(shape, year is not None, as_of is not None, known_at is not None)]
            params = {"year": year, "year_text": str(year), "as_of": as_of, "known_at": known_at, "since": since}
            cursor = conn.execute(sql, params)
            if len(cursor.description) != len(keys):
                return None
            rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
            titles = loaded_titles(conn) if name == "awards" else None
    except (sqlite3.Error, ValueError, KeyError, TypeError):  # ValueError: a CatalogueError too (full path judges)
        return None
    if since is not None:
        return narrowed(finish(shape, rows, year, as_of, titles), filters or {})
    return narrowed(finish(name, rows, year, as_of, titles), filters or {}, name)


def listing(url: str | None, actor: str, name: str, key: str | None = None) -> list[dict] | None:
    """``fund list``, ``unit list``, ``unit show KEY`` (zero or one row) or ``history KEY``, or ``None``."""
    from .report_rows import finish_list
    from .report_sql import LISTS

    sql, keys = LISTS[name]
    try:
        with reading(url, actor) as conn:
            if conn is None:
                return None
            cursor = conn.execute(sql, {"key": key})
            if len(cursor.description) != len(keys):
                return None
            rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    except sqlite3.Error:
        return None
    return finish_list(name, rows)


def people(url: str | None, actor: str) -> list[dict] | None:
    """``role list`` (as ``Ledger.roles``): every person, their roles and their key, or ``None``."""
    from ledger.keys import fingerprint

    try:
        with reading(url, actor) as conn:
            if conn is None:
                return None
            names = sorted(r[0] for r in conn.execute("SELECT key FROM origins WHERE kind = 'actor'"))
            found = [person(conn, name) for name in names]
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    if any(p is None for p in found):
        return None
    return [
        {
            "actor": p["name"],
            "roles": list(p["roles"]),
            "key": fingerprint(p["key"]) if p["key"] else None,
            "custody": p["custody"],
            "since": p["since"],
        }
        for p in found
        if p is not None
    ]
