"""The web view's database access: read-only at the database level, and the log's head.

SQLite is opened through a ``file:…?mode=ro`` URI, so the driver itself
refuses any write; PostgreSQL sessions start with
``default_transaction_read_only=on``. The web view never catches the read
models up (that would be a write): every page says when they are behind the
log, and the next CLI command, or ``grantledger replay``, brings them current.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, text

from ledger import errors
from ledger.eventstore import HASHES_TABLE, parse_url
from projections import tracking

# eventsourcing's table names for our application's stored events, by engine.
EVENTS_TABLE = {"sqlite": "stored_events", "postgresql": "grantledger_events"}


def read_only_engine(url: str | None) -> Engine:
    store = parse_url(url)
    if store.engine == "sqlite":
        path = os.path.abspath(store.sqlite_file)
        if not os.path.exists(path):
            raise errors.not_found(f"数据库文件 {path} 不存在: 先运行 grantledger init")
        uri = store.settings["SQLITE_DBNAME"] if store.settings["SQLITE_DBNAME"].startswith("file:") else None
        uri = uri or f"file:{quote(path)}?mode=ro"
        return create_engine(f"sqlite:///{uri}&uri=true", connect_args={"check_same_thread": False, "timeout": 30})
    from projections.engines import pg_engine

    return pg_engine(store, options="-c default_transaction_read_only=on", pool_pre_ping=True, pool_size=4)


def check_initialised(engine: Engine) -> None:
    """Refuse to serve a database that has no read models (``init`` has not been run)."""
    try:
        with engine.connect() as conn:
            tracking.count(conn)
    except Exception as error:  # the table is missing, or the database cannot be opened
        raise errors.invalid(f"数据库尚未初始化或无法读取 ({type(error).__name__}): 先运行 grantledger init") from None


def head(conn: Connection) -> dict:
    """The log's last position and its stored chain hash, and how far the read models have got."""
    row = conn.execute(
        text(f"SELECT notification_id, hash FROM {HASHES_TABLE} ORDER BY notification_id DESC LIMIT 1")
    ).first()
    position = tracking.lowest(conn)
    last = row[0] if row else 0
    return {
        "events": last,
        "head_hash": bytes(row[1]).hex() if row else None,
        "projected": position,
        "behind": max(0, last - position),
    }
