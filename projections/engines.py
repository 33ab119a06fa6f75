"""The SQLAlchemy engines the read models are written and read through, one place for their settings.

SQLite: autocommit connections that issue ``BEGIN`` themselves (``BEGIN IMMEDIATE`` for a write, so
projectors take turns) and skip the disk sync of projection commits; PostgreSQL: connections made as libpq
makes them from the ``--db`` URL, exactly as the event store's pool does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.eventstore import StoreURL

if TYPE_CHECKING:  # SQLAlchemy is imported where used: a command's catch-up on a SQLite file runs without it
    from sqlalchemy import Engine


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


def sqlite_file(engine: Engine) -> str | None:
    """The path of the SQLite file ``engine`` writes (None: not SQLite, in memory, or a ``file:`` URI)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database
