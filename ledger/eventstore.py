"""Which event store, and the hash-chained recorders: the one place that knows.

``sqlite:///path`` selects eventsourcing's own SQLite recorder (measured here
about 2× faster to write and 3× faster to read than the SQLAlchemy one);
``postgresql+psycopg://user@host:port/db`` (or any libpq URL: a Unix socket, a service) selects its PostgreSQL
recorder. Both are subclassed only to write ``event_hashes`` — one row per
event, in the same transaction, after the store's write lock is held — so
the chain follows log order exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory

from . import signing
from .chain import GENESIS, link
from .errors import invalid
from .pgconnect import db_timeout
from .signing import SIGNATURES_TABLE, SNAPSHOT_SIGNATURES_TABLE

DEFAULT_URL = "sqlite:///grantledger.db"
HASHES_TABLE = "event_hashes"


@dataclass(frozen=True)
class ChainedEvent:
    """A stored event as the auditor sees it: position, content and stored hash."""

    seq: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    hash: bytes | None


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} (notification_id INTEGER PRIMARY KEY, hash BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {SIGNATURES_TABLE} (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, "
            "actor TEXT NOT NULL, key TEXT NOT NULL, signature BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {SNAPSHOT_SIGNATURES_TABLE} (originator_id TEXT NOT NULL, "
            "version INTEGER NOT NULL, actor TEXT NOT NULL, key TEXT NOT NULL, signature BLOB NOT NULL, "
            "PRIMARY KEY (originator_id, version))",
        ]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        # The inserts above take SQLite's write lock, so the last hash read here is the true predecessor.
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.execute(f"SELECT hash FROM {HASHES_TABLE} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        links = list(chain_rows(row[0] if row else GENESIS, ids, stored_events))
        c.executemany(f"INSERT INTO {HASHES_TABLE} VALUES (?, ?)", links)
        signer = signing.active()
        if signer is not None and links:
            c.execute(
                f"INSERT INTO {SIGNATURES_TABLE} VALUES (?, ?, ?, ?, ?)",
                signing.signature_row(signer, links[0][0], links[-1][0], links[-1][1]),
            )
        return ids

    def insert_snapshot_signature(self, originator_id: UUID, version: int, actor: str, key: str, sig: bytes) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT OR IGNORE INTO {SNAPSHOT_SIGNATURES_TABLE} VALUES (?, ?, ?, ?, ?)",
                (originator_id.hex, version, actor, key, sig),
            )

    def select_snapshot_signature(self, originator_id: UUID, version: int) -> tuple | None:
        """(actor, public key, signature) of a snapshot, or None (unsigned, or not yet upgraded)."""
        try:
            with self.datastore.transaction(commit=False) as c:
                c.execute(
                    f"SELECT actor, key, signature FROM {SNAPSHOT_SIGNATURES_TABLE} "
                    "WHERE originator_id = ? AND version = ?",
                    (originator_id.hex, version),
                )
                row = c.fetchone()
        except Exception:  # a first-edition ledger has no such table: its snapshots are simply not trusted
            return None
        return tuple(row) if row else None

    def select_signatures(self, after: int, limit: int) -> list[tuple]:
        """(first, last, actor, public key, signature) of the signed ranges starting after a position."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT first_seq, last_seq, actor, key, signature FROM {SIGNATURES_TABLE} "
                "WHERE first_seq > ? ORDER BY first_seq LIMIT ?",
                (after, limit),
            )
            return [tuple(r) for r in c.fetchall()]

    def select_chain(self, after: int, limit: int) -> list[ChainedEvent]:
        statement = (
            f"SELECT e.rowid AS seq, e.originator_id, e.originator_version, e.topic, e.state, h.hash "
            f"FROM {self.events_table_name} e LEFT JOIN {HASHES_TABLE} h ON h.notification_id = e.rowid "
            f"WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (after, limit))
            return [ChainedEvent(r[0], UUID(r[1]), r[2], r[3], r[4], r[5]) for r in c.fetchall()]

    def select_raw(self, after: int, limit: int, stop: int | None = None, with_hashes: bool = False) -> list[tuple]:
        """(seq, originator id as 16 bytes, topic, state[, version, stored hash]) after a position.

        The projections' fast read: plain tuples, no event objects. ``with_hashes`` adds what ``verify``
        needs to check the chain in the same pass.
        """
        columns = "e.rowid, e.originator_id, e.topic, e.state" + (
            ", e.originator_version, h.hash" if with_hashes else ""
        )
        join = f" LEFT JOIN {HASHES_TABLE} h ON h.notification_id = e.rowid" if with_hashes else ""
        statement = f"SELECT {columns} FROM {self.events_table_name} e{join} WHERE e.rowid > ? AND e.rowid <= ? "
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement + "ORDER BY e.rowid LIMIT ?", (after, stop if stop is not None else 2**62, limit))
            return [(r[0], bytes.fromhex(r[1]), *r[2:]) for r in c.fetchall()]

    def select_existing(self, ids: Sequence[UUID]) -> list[UUID]:
        found: list[UUID] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), 500):
                chunk = [i.hex for i in ids[start : start + 500]]
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table_name} WHERE originator_id IN "
                    f"({','.join('?' * len(chunk))})",
                    chunk,
                )
                found.extend(UUID(r[0]) for r in c.fetchall())
        return found

    def select_orphan_hashes(self, after: int = 0) -> list[int]:
        """Hash rows whose event is gone: a deleted event leaves its hash behind (only past ``after``, when
        given: ``verify --since-seal``)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT notification_id FROM {HASHES_TABLE} h WHERE h.notification_id > ? AND NOT EXISTS "
                f"(SELECT 1 FROM {self.events_table_name} e WHERE e.rowid = h.notification_id) "
                f"ORDER BY notification_id LIMIT 10",
                (after,),
            )
            return [r[0] for r in c.fetchall()]


def chain_rows(
    previous: bytes, ids: Sequence[int], stored_events: Sequence[StoredEvent]
) -> Iterator[tuple[int, bytes]]:
    for seq, s in zip(ids, stored_events, strict=True):
        previous = link(previous, seq, s.originator_id, s.originator_version, s.topic, s.state)
        yield seq, previous


class ChainedSQLiteFactory(SQLiteFactory):
    application_recorder_class = ChainedSQLiteRecorder


@dataclass(frozen=True)
class StoreURL:
    """A parsed ``--db`` URL: which engine, and the eventsourcing settings for it."""

    url: str
    engine: str  # "sqlite" or "postgresql"
    settings: dict[str, str]

    @property
    def sqlalchemy_url(self) -> str:
        name = self.settings.get("SQLITE_DBNAME", "")
        if self.engine == "sqlite" and name.startswith("file:"):
            return f"sqlite:///{name}&uri=true"
        return self.url

    @property
    def sqlite_file(self) -> str:
        """The database file of a SQLite ledger (the path, also when it is opened through a ``file:`` URI)."""
        from urllib.parse import unquote

        name = self.settings.get("SQLITE_DBNAME", "")
        return unquote(name[len("file:") :].split("?", 1)[0]) if name.startswith("file:") else name


def parse_url(url: str | None) -> StoreURL:
    url = url or os.environ.get("GRANTLEDGER_DB") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path or path.startswith(":memory:"):
            raise invalid(f"--db {url!r}: 请给出一个文件, 例如 sqlite:///grantledger.db (内存中的账本什么也留不下)")
        from .sqlite_share import immutable_uri, read_only_folder

        if read_only_folder(path):  # a copy in a folder nobody can write: read it without locks or side files
            path = immutable_uri(path)
        return StoreURL(
            url,
            "sqlite",
            {
                "PERSISTENCE_MODULE": f"{__name__}:ChainedSQLiteFactory",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": "30",
            },
        )
    if parts.scheme in ("postgresql+psycopg", "postgresql", "postgres"):
        from .pgconnect import parts as pg_parts

        named = pg_parts(url)
        if not named["dbname"] and not named["service"]:
            raise invalid(
                f"--db {_masked(url)!r}: 没有指明数据库, 例如 postgresql+psycopg://用户@主机:端口/库 "
                "或 postgresql+psycopg:///库?host=/var/run/postgresql 或 ?service=服务名"
                " (密码放在 ~/.pgpass, 不要写在 URL 里)"
            )
        timeout = db_timeout()
        query = f"?{parts.query}" if parts.query else ""
        return StoreURL(
            f"postgresql+psycopg://{parts.netloc}{parts.path}{query}",
            "postgresql",
            {
                "PERSISTENCE_MODULE": "ledger.eventstore_pg:ChainedPostgresFactory",
                "GRANTLEDGER_PG_URL": f"postgresql+psycopg://{parts.netloc}{parts.path}{query}",
                # the display values (messages); the pool connects with the libpq URL itself (Unix sockets, .pgpass,
                # services and the PG* variables all work as in psql)
                "POSTGRES_DBNAME": named["dbname"],
                "POSTGRES_HOST": named["host"],
                "POSTGRES_PORT": named["port"],
                "POSTGRES_USER": named["user"],
                "POSTGRES_PASSWORD": unquote(parts.password or ""),
                "POSTGRES_CONNECT_TIMEOUT": str(timeout),
                "POSTGRES_LOCK_TIMEOUT": str(3 * timeout),
                "POSTGRES_POOL_SIZE": "2",
            },
        )
    raise invalid(f"--db {_masked(url)!r}: 请用 sqlite:///文件 或 postgresql+psycopg://用户@主机/库")


def _masked(url: str) -> str:
    """The URL with any password replaced by ***, for a message."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
