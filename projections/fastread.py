"""The fast read path: a report from a SQLite ledger with the standard library alone, or from a PostgreSQL
ledger with libpq alone (``projections.libpq``; psycopg where libpq cannot be loaded).

A report as a new process used to spend nearly all its time importing eventsourcing and SQLAlchemy to run
one indexed query. This module answers the same reads with ``sqlite3`` (or libpq), the SQL compiled once
from ``projections.reports`` (``projections.report_sql`` and ``projections.report_sql_pg``, generated; a test
fails when either is stale) and the rows finished by the same Python (``projections.report_rows``). It
answers only when that is safe:

- the ledger is a SQLite file, or a PostgreSQL database named by a URL ``ledger.eventstore.parse_url``
  accepts (the URL goes to libpq as ``ledger.pgconnect`` gives it: Unix sockets, ``~/.pgpass``,
  ``PGSERVICE``); a server that refuses the login, or does not answer, is told exactly as the full path
  tells it (``pgconnect.refusal``), without waiting for the full path to ask again;
- the read models stand at the head of the log (every projection's tracking position ≥ the last event's
  position, read in one transaction; on PostgreSQL a read-only REPEATABLE READ one, so every query sees the
  same snapshot): after a crash between a write and its projection the read models are behind, and the full
  path catches them up first, so no report shows stale numbers;
- the actor holds a role, folded from the actor's own events (``Registered``, ``RoleGranted``,
  ``RoleRevoked``; keys change no role): every role may read, and anything else (no role, an unknown event)
  goes to the full path, which refuses or answers exactly as before.

Otherwise, and on any database error (a login without SELECT on a read model, a table missing), it returns
``None`` and the caller takes the full path (so does ``GRANTLEDGER_FAST_READ=0``, for comparing the two). It
serves ``report`` (the journal side; xlsx stays on the full path), ``fund list``, ``unit list``, ``unit show``,
``history`` (on PostgreSQL with each event's database login, as the full path) and ``role list``; and
``replica_note``, what ``--read-db`` says on stderr about a PostgreSQL standby.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from ledger.values import may_read

DEFAULT_URL = "sqlite:///grantledger.db"  # as ledger.eventstore.DEFAULT_URL (a test checks)
ACTOR_TOPIC = "ledger.actors:Actor."
POLICY_LOADED_TOPIC = "ledger.policy_register:PolicyRegister.Loaded"
PG_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")  # as ledger.pgconnect.SCHEMES (a test checks)
PG_EVENTS = "grantledger_events"  # the event store's table on PostgreSQL (eventsourcing: the application's name)
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


class Unanswerable(Exception):
    """The database could not answer (either driver's error): the full path answers instead."""


class Reader:
    """One read transaction on either engine: the same questions, each in its engine's SQL and placeholders."""

    def __init__(self, conn: Any, pg: bool):
        self.conn = conn
        self.pg = pg
        self.events = PG_EVENTS if pg else "stored_events"
        self.position = "notification_id" if pg else "rowid"
        self.mark = "%s" if pg else "?"

    @property
    def sql(self) -> Any:
        """The generated queries of this engine (``SQL``, ``LISTS``, ``POSITION_AT``)."""
        if self.pg:
            from . import report_sql_pg

            return report_sql_pg
        from . import report_sql

        return report_sql

    def run(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """A cursor over the rows (``description``, ``fetchall``); any driver error is ``Unanswerable``."""
        with self.answering():
            return self.conn.execute(sql, params)

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        return self.rows_of(self.run(sql, params))

    def shaped(self, sql: str, params: dict[str, Any], keys: Sequence[str]) -> list[dict] | None:
        """The rows as dicts under ``keys``, or ``None`` when the query's columns are not those (another schema)."""
        cursor = self.run(sql, params)
        if cursor.description is None or len(cursor.description) != len(keys):
            return None
        return [dict(zip(keys, row, strict=True)) for row in self.rows_of(cursor)]

    def rows_of(self, cursor: Any) -> list[tuple]:
        with self.answering():
            return cursor.fetchall()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Any driver's error as ``Unanswerable`` (sqlite3's, libpq's, psycopg's)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise Unanswerable(str(exc)) from exc
        except Exception as exc:
            if self.pg and _is_driver_error(exc):
                raise Unanswerable(str(exc)) from exc
            raise

    def originator(self, aggregate_id: Any) -> Any:
        """An aggregate id as this engine stores it: a uuid on PostgreSQL, 32 hex digits in SQLite."""
        return aggregate_id if self.pg else aggregate_id.hex


def _is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` is libpq's refusal or psycopg's error (psycopg's only asked when it is imported)."""
    from .libpq import Error

    psycopg = sys.modules.get("psycopg")
    return isinstance(exc, Error) or (psycopg is not None and isinstance(exc, psycopg.Error))


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


def pg_url(url: str | None) -> str | None:
    """A PostgreSQL ``--db`` URL that ``ledger.eventstore.parse_url`` would accept, else ``None``."""
    if os.environ.get("GRANTLEDGER_FAST_READ") == "0":
        return None
    url = url or os.environ.get("GRANTLEDGER_DB") or DEFAULT_URL
    if url.partition("://")[0] not in PG_SCHEMES:
        return None
    from ledger.pgconnect import parts

    named = parts(url)
    if not named["dbname"] and not named["service"]:
        return None  # the full path says what is missing
    return url


def pg_connect(url: str) -> Any | None:
    """A connection to the PostgreSQL ledger at ``url`` in autocommit, or ``None``: libpq's own
    (``projections.libpq``, no driver imported) when libpq loads, else psycopg's, each from the URL as the
    event store's pool reads it (``ledger.pgconnect``). A refusal the server gave (a wrong password, no such
    database, no answer) is raised as the full path raises it."""
    from ledger.errors import LedgerError
    from ledger.pgconnect import conninfo, db_timeout, refusal

    from . import libpq

    try:
        timeout = db_timeout()
    except LedgerError:
        return None  # a bad GRANTLEDGER_DB_TIMEOUT: the full path refuses it
    try:
        conn = libpq.connect(conninfo(url), timeout)
    except libpq.ConnectError as exc:
        found = refusal(url, str(exc))
        if found is None:
            return None
        raise found from None
    if conn is not None:
        return conn
    import psycopg

    try:
        return psycopg.connect(conninfo(url), connect_timeout=timeout, autocommit=True)
    except psycopg.OperationalError as exc:
        found = refusal(url, str(exc))
        if found is None:
            return None
        raise found from None
    except psycopg.Error:
        return None


@contextmanager
def reading(url: str | None, actor: str) -> Iterator[Reader | None]:
    """A read-only connection in one read transaction, if the fast path may answer; else ``None``."""
    pg = pg_url(url)
    if pg is not None:
        conn = pg_connect(pg)
        if conn is None:
            yield None
            return
        try:
            yield _ready(Reader(conn, pg=True), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", actor)
        finally:
            conn.close()
        return
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
        yield _ready(Reader(conn, pg=False), "BEGIN", actor)
    finally:
        conn.close()


def _ready(reader: Reader, begin: str, actor: str) -> Reader | None:
    """The reader, in its read transaction, when the read models are current and the actor may read; else None."""
    try:
        reader.run(begin)
        return reader if current(reader) and has_role(reader, actor) else None
    except Unanswerable:
        return None


def current(reader: Reader) -> bool:
    """Whether every read model stands at the head of the log."""
    from .tracking import raw_positions

    positions = raw_positions(reader.rows, reader.mark)
    if len(positions) != 1:
        return False
    latest = reader.rows(f"SELECT MAX({reader.position}) FROM {reader.events}")[0][0] or 0
    return positions.pop() >= latest


def person(reader: Reader, actor: str) -> dict | None:
    """An actor folded from its events as ``ledger.actors.Actor`` folds them: name, roles, key, custody,
    since. ``None`` when unregistered or an event is not one of those below (then the full path judges)."""
    from ledger.ids import key_id

    folded: dict | None = None
    rows = reader.rows(
        f"SELECT topic, state FROM {reader.events} WHERE originator_id = {reader.mark} ORDER BY originator_version",
        (reader.originator(key_id("actor", actor)),),
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


def has_role(reader: Reader, actor: str) -> bool:
    try:
        found = person(reader, actor)
    except (ValueError, KeyError, TypeError):  # an event this fold does not expect: let the full path judge
        return False
    return found is not None and may_read(found["roles"])


def loaded_titles(reader: Reader) -> dict[str, str]:
    """The titles of the clauses of every loaded policy document (``projections.clause_titles``)."""
    from .clause_titles import from_states, register_id

    m = reader.mark
    rows = reader.rows(
        f"SELECT state FROM {reader.events} WHERE originator_id = {m} AND topic = {m} ORDER BY originator_version",
        (reader.originator(register_id()), POLICY_LOADED_TOPIC),
    )
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

    try:
        with reading(url, actor) as reader:
            if reader is None:
                return None
            generated = reader.sql
            if isinstance(known_at, str):
                known_at = reader.rows(generated.POSITION_AT, {"moment": known_at})[0][0]
            shape = f"{name}:period" if since is not None else name
            sql, keys = generated.SQL[(shape, year is not None, as_of is not None, known_at is not None)]
            params = {"year": year, "year_text": str(year), "as_of": as_of, "known_at": known_at, "since": since}
            rows = reader.shaped(sql, params, keys)
            if rows is None:
                return None
            titles = loaded_titles(reader) if name == "awards" else None
    except (Unanswerable, ValueError, KeyError, TypeError):  # ValueError: a CatalogueError too (full path judges)
        return None
    if since is not None:
        return narrowed(finish(shape, rows, year, as_of, titles), filters or {})
    return narrowed(finish(name, rows, year, as_of, titles), filters or {}, name)


def listing(url: str | None, actor: str, name: str, key: str | None = None) -> list[dict] | None:
    """``fund list``, ``unit list``, ``unit show KEY`` (zero or one row) or ``history KEY``, or ``None``."""
    from .report_rows import finish_list

    try:
        with reading(url, actor) as reader:
            if reader is None:
                return None
            sql, keys = reader.sql.LISTS[name]
            rows = reader.shaped(sql, {"key": key}, keys)
            if rows is None:
                return None
            rows = finish_list(name, rows)
            if reader.pg and name == "history" and rows:  # the database login that wrote each event (as the facade)
                logins = dict(
                    reader.rows(
                        "SELECT notification_id, db_login FROM event_logins WHERE notification_id = ANY(%s)",
                        ([r["seq"] for r in rows],),
                    )
                )
                for row in rows:
                    row["db_login"] = logins.get(row["seq"])
    except Unanswerable:
        return None
    return rows


def people(url: str | None, actor: str) -> list[dict] | None:
    """``role list`` (as ``Ledger.roles``): every person, their roles and their key, or ``None``."""
    from ledger.keys import fingerprint

    try:
        with reading(url, actor) as reader:
            if reader is None:
                return None
            names = sorted(r[0] for r in reader.rows("SELECT key FROM origins WHERE kind = 'actor'"))
            found = [person(reader, name) for name in names]
    except (Unanswerable, ValueError, KeyError, TypeError):
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


def replica_note(url: str | None, primary_url: str | None) -> str | None:
    """What ``--read-db`` says on stderr after a read (``cli.context.replica_note``, ``projections.replica``),
    asked with libpq alone (``pg_connect``): the note for a PostgreSQL standby at ``url`` (the primary at
    ``primary_url``, ``--db``, asked how far ahead it is when it answers), ``""`` when ``url`` is not PostgreSQL
    (no note), and ``None`` when the standby could not be asked (then the full path answers, and says why)."""
    pg = pg_url(url)
    if pg is None:
        return None if (url or "").partition("://")[0] in PG_SCHEMES else ""
    from .replica import HELD, REPLAY, WAL_BEHIND, measured

    try:
        conn = pg_connect(pg)
    except Exception:
        return None
    if conn is None:
        return None
    try:
        row = conn.execute(REPLAY).fetchone()
        here = conn.execute(HELD).fetchone()[0]
    except Exception:
        return None
    finally:
        conn.close()
    primary = pg_url(primary_url)

    def ask(lsn: str | None) -> tuple[int, int | None]:
        other = pg_connect(primary)
        if other is None:
            raise LookupError(f"the primary did not answer: {primary}")
        with other:
            events = other.execute(HELD).fetchone()[0]
            if not lsn:
                return events, None
            return events, other.execute(WAL_BEHIND.format(lsn="%s"), (lsn,)).fetchone()[0]

    return measured(tuple(row), here, ask if primary is not None else None).note()
