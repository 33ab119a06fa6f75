"""The clause titles of the loaded policy documents, read from the policy register's events (issue 28).

A report prints each award's ``clause_title``: the shipped clauses' titles are generated into
``projections.report_sql``; a document loaded with ``policy load`` lives only in the log, as the register's
``Loaded`` events (its text, sha256, who and when). The read paths without the application — the fast path
on ``sqlite3`` and the read-only web view — read those events here and parse the documents exactly as
``ledger.handlers.policies.built`` does; the full path asks the catalogue itself (``facade.loaded_titles``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ledger.ids import key_id

LOADED_TOPIC = "ledger.policy_register:PolicyRegister.Loaded"
EVENTS_TABLE = {"sqlite": "stored_events", "postgresql": "grantledger_events"}  # eventsourcing's, by engine


def register_id() -> Any:
    return key_id("policy-register")


def from_states(states: Iterable[bytes | str]) -> dict[str, str]:
    """Clause id → title over the ``Loaded`` events' stored states, in the order loaded (empty: none)."""
    titles: dict[str, str] = {}
    for state in states:
        from ledger import clauses  # only when a document was loaded: a report needs no TOML otherwise

        d = json.loads(state)
        loaded = clauses.read(d["text"], d["file_name"], clauses.Origin(d["actor"], d["on"], d["sha256"]))
        titles.update((cl.id, cl.title) for cl in loaded.clauses)
    return titles


def loaded(conn: Any) -> dict[str, str]:
    """The loaded clauses' titles through a SQLAlchemy connection (the web view's, read-only); empty when the
    events cannot be read (a login without SELECT on the log): the report then shows what is shipped."""
    from sqlalchemy import text

    table = EVENTS_TABLE.get(conn.dialect.name)
    if table is None:
        return {}
    sqlite = conn.dialect.name == "sqlite"
    query = text(f"SELECT state FROM {table} WHERE originator_id = :id AND topic = :topic ORDER BY originator_version")
    params = {"id": register_id().hex if sqlite else register_id(), "topic": LOADED_TOPIC}
    try:
        if sqlite:  # a failed read leaves a SQLite transaction as it was
            rows = conn.execute(query, params).scalars().all()
        else:
            with conn.begin_nested():  # a savepoint: a refused read leaves the page's transaction usable
                rows = conn.execute(query, params).scalars().all()
    except Exception:
        return {}
    return from_states(bytes(r) if isinstance(r, memoryview) else r for r in rows)
