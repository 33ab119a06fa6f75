"""The hash-chained PostgreSQL recorder (imported only for ``postgresql+psycopg://`` URLs).

eventsourcing's recorder takes an EXCLUSIVE lock on the events table before it
inserts, so inserts commit in notification-id order; the chain rows are
written inside that same locked transaction, after the ids are known.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from . import pgconnect, signing
from .chain import GENESIS
from .eventstore import HASHES_TABLE, ChainedEvent, chain_rows


def _read(method: Callable[..., Any]) -> Callable[..., Any]:
    """A read, tried once more after a dropped connection (a server restart leaves the pool one stale connection)."""
    inner = method.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(inner)
    def read(*args: Any, **kwargs: Any) -> Any:
        try:
            return inner(*args, **kwargs)
        except (InterfaceError, OperationalError):
            time.sleep(0.2)
            return inner(*args, **kwargs)

    return read


def _write(method: Callable[..., Any]) -> Callable[..., Any]:
    """A write, tried once; tried again (twice at most) only after "pipeline aborted": a statement before COMMIT
    failed, so nothing was written, and psycopg's pipeline hides why — a later try reports the real error (e.g. a
    missing privilege). Any other failure is settled by ``ledger.storage.written``, never blindly repeated."""
    inner = method.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(inner)
    def write(*args: Any, **kwargs: Any) -> Any:
        for _ in range(2):
            try:
                return inner(*args, **kwargs)
            except OperationalError as exc:
                if "pipeline aborted" not in str(exc).lower():
                    raise
        try:
            return inner(*args, **kwargs)
        except OperationalError as exc:
            denied = args[0].denied_tables() if "pipeline aborted" in str(exc).lower() else []
            if denied:  # the pipeline hid why: a login that may not write says so
                raise ProgrammingError(
                    f"permission denied for table {', '.join(denied)}: this database login may not write the ledger"
                ) from exc
            raise

    return write


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    insert_events = _write(PostgresApplicationRecorder.insert_events)

    def denied_tables(self) -> list[str]:
        """The ledger's tables this login may not insert into (asked on a fresh connection; empty if unknown)."""
        tables = (self.events_table_name, HASHES_TABLE, signing.SIGNATURES_TABLE)
        try:
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(
                    SQL("SELECT t FROM unnest(%s::text[]) AS t WHERE NOT has_table_privilege(t, 'INSERT')"),
                    (list(tables),),
                )
                return [row["t"] for row in curs.fetchall()]
        except Exception:  # a courtesy: the refusal stands either way
            return []

    select_events = _read(PostgresAggregateRecorder.select_events)
    select_notifications = _read(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _read(PostgresApplicationRecorder.max_notification_id)

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        hashes = Identifier(self.datastore.schema, HASHES_TABLE)
        events = Identifier(self.datastore.schema, self.events_table_name)
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0} (notification_id bigint PRIMARY KEY, hash bytea NOT NULL)").format(
                hashes
            )
        )
        signatures = Identifier(self.datastore.schema, signing.SIGNATURES_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} (first_seq bigint PRIMARY KEY, last_seq bigint NOT NULL, "
                "actor text NOT NULL, key text NOT NULL, signature bytea NOT NULL)"
            ).format(signatures)
        )
        snapshot_signatures = Identifier(self.datastore.schema, signing.SNAPSHOT_SIGNATURES_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} (originator_id uuid NOT NULL, version bigint NOT NULL, "
                "actor text NOT NULL, key text NOT NULL, signature bytea NOT NULL, "
                "PRIMARY KEY (originator_id, version))"
            ).format(snapshot_signatures)
        )
        self.insert_snapshot_signature_statement = SQL(
            "INSERT INTO {0} VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
        ).format(snapshot_signatures)
        self.select_snapshot_signature_statement = SQL(
            "SELECT actor, key, signature FROM {0} WHERE originator_id = %s AND version = %s"
        ).format(snapshot_signatures)
        self.insert_signature = SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s, %s)").format(signatures)
        self.select_signatures_statement = SQL(
            "SELECT first_seq, last_seq, actor, key, signature FROM {0} "
            "WHERE first_seq > %s ORDER BY first_seq LIMIT %s"
        ).format(signatures)
        self.select_last_hash = SQL("SELECT hash FROM {0} ORDER BY notification_id DESC LIMIT 1").format(hashes)
        self.insert_hash = SQL("INSERT INTO {0} VALUES (%s, %s)").format(hashes)
        self.select_chain_statement = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, h.hash "
            "FROM {0} e LEFT JOIN {1} h ON h.notification_id = e.notification_id "
            "WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s"
        ).format(events, hashes)
        self.select_raw_statements = {
            with_hashes: SQL(
                "SELECT e.notification_id, e.originator_id, e.topic, e.state"
                + (
                    ", e.originator_version, h.hash FROM {0} e LEFT JOIN {1} h ON h.notification_id = e.notification_id"
                    if with_hashes
                    else " FROM {0} e"
                )
                + " WHERE e.notification_id > %s AND e.notification_id <= %s ORDER BY e.notification_id LIMIT %s"
            ).format(events, hashes)
            for with_hashes in (False, True)
        }
        self.select_existing_statement = SQL(
            "SELECT DISTINCT originator_id FROM {0} WHERE originator_id = ANY(%s)"
        ).format(events)
        self.select_orphans_statement = SQL(
            "SELECT h.notification_id FROM {1} h WHERE h.notification_id > %s AND NOT EXISTS "
            "(SELECT 1 FROM {0} e WHERE e.notification_id = h.notification_id) ORDER BY 1 LIMIT 10"
        ).format(events, hashes)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        curs.execute(self.select_last_hash, prepare=True)
        row = curs.fetchone()
        previous = bytes(row["hash"]) if row else GENESIS
        links = list(chain_rows(previous, ids, stored_events))
        curs.executemany(self.insert_hash, links)
        signer = signing.active()
        if signer is not None and links:
            curs.execute(self.insert_signature, signing.signature_row(signer, links[0][0], links[-1][0], links[-1][1]))
        return ids

    def insert_snapshot_signature(self, originator_id: UUID, version: int, actor: str, key: str, sig: bytes) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.insert_snapshot_signature_statement, (originator_id, version, actor, key, sig))

    def select_snapshot_signature(self, originator_id: UUID, version: int) -> tuple | None:
        try:
            with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
                curs.execute(self.select_snapshot_signature_statement, (originator_id, version))
                row = curs.fetchone()
        except Exception:  # a first-edition ledger has no such table: its snapshots are simply not trusted
            return None
        return (row[0], row[1], bytes(row[2])) if row else None

    def select_signatures(self, after: int, limit: int) -> list[tuple]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.select_signatures_statement, (after, limit), prepare=True)
            return [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in curs.fetchall()]

    def select_chain(self, after: int, limit: int) -> list[ChainedEvent]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_chain_statement, (after, limit), prepare=True)
            return [
                ChainedEvent(
                    r["notification_id"],
                    r["originator_id"],
                    r["originator_version"],
                    r["topic"],
                    bytes(r["state"]),
                    bytes(r["hash"]) if r["hash"] is not None else None,
                )
                for r in curs.fetchall()
            ]

    def select_raw(self, after: int, limit: int, stop: int | None = None, with_hashes: bool = False) -> list[tuple]:
        statement = self.select_raw_statements[with_hashes]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (after, stop if stop is not None else 2**62, limit), prepare=True)
            if with_hashes:
                return [
                    (r[0], r[1].bytes, r[2], bytes(r[3]), r[4], None if r[5] is None else bytes(r[5]))
                    for r in curs.fetchall()
                ]
            return [(r[0], r[1].bytes, r[2], bytes(r[3])) for r in curs.fetchall()]

    def select_existing(self, ids: Sequence[UUID]) -> list[UUID]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.select_existing_statement, (list(ids),), prepare=True)
            return [r[0] for r in curs.fetchall()]

    def select_orphan_hashes(self, after: int = 0) -> list[int]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_orphans_statement, (after,))
            return [r["notification_id"] for r in curs.fetchall()]

    def wait_for_writers(self) -> None:
        """Wait (at most the lock timeout) until no transaction holds the write lock on the events table: a commit
        in flight on the server when the connection dropped has then either landed or been rolled back."""
        table = Identifier(self.datastore.schema, self.events_table_name)
        try:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                curs.execute(SQL("SET LOCAL lock_timeout = '{0}s'").format(max(1, self.datastore.lock_timeout)))
                curs.execute(SQL("LOCK TABLE {0} IN SHARE MODE").format(table))
        except ProgrammingError:  # a read-only role may not lock: it cannot have had a commit in flight either
            return


class SnapshotPostgresRecorder(PostgresAggregateRecorder):
    insert_events = _write(PostgresAggregateRecorder.insert_events)
    select_events = _read(PostgresAggregateRecorder.select_events)


class ChainedPostgresFactory(PostgresFactory):
    application_recorder_class = ChainedPostgresRecorder
    aggregate_recorder_class = SnapshotPostgresRecorder

    def __init__(self, env: Any):
        super().__init__(env)
        url = env.get("GRANTLEDGER_PG_URL")
        if url:  # connect with the libpq URL itself: Unix sockets, ~/.pgpass, PGPASSFILE, PGSERVICE, PG* variables
            pool = self.datastore.pool
            pool.conninfo = pgconnect.conninfo(url)
            pool.kwargs = {
                "row_factory": pool.kwargs.get("row_factory"),
                "connect_timeout": int(env.get("POSTGRES_CONNECT_TIMEOUT") or 5),
            }
