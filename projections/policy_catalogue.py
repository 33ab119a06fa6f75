"""The policy catalogue as it stands, without the application: ``policy list`` and ``policy show`` (issue 26).

The catalogue is public: the shipped documents, plus every document loaded with ``policy load``, which lives
only in the log as the policy register's ``Loaded`` events. The full path opens the whole application to fold
the register (``ledger.handlers.policies.catalogue_of``); this module reads the same events of a SQLite file
with the standard library's ``sqlite3`` (read-only, as ``projections.fastread``) and applies the documents
in the order loaded exactly as the register's fold does (``ledger.clauses.with_documents``), so listing or
showing a clause imports neither eventsourcing nor SQLAlchemy. On PostgreSQL it reads the same events with
libpq alone, through the fast read path's connection and ``Reader`` (``projections.fastread``: the URL as
``ledger.pgconnect`` gives it to libpq, a refused login told as the full path tells it).

It answers the shipped catalogue when the ledger file is not there (as the full path does), the shipped one
plus the loaded documents when it can read them, and ``None`` otherwise — a URL it does not read plainly,
any database error (a PostgreSQL database never initialised, a login without SELECT on the log), a document
that does not parse, ``GRANTLEDGER_FAST_READ=0`` — and then the caller takes the full path, which answers
or refuses exactly as before. Unlike a report it asks for no role and no current read models: the
catalogue is public, and it is folded from the log, not from a read model.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import TYPE_CHECKING

from .clause_titles import LOADED_TOPIC, register_id
from .fastread import Reader, Unanswerable, pg_connect, pg_url

if TYPE_CHECKING:
    from ledger.clauses import Catalogue

FIELDS = ("document", "doc_number", "file_name", "text", "sha256", "actor", "on")  # a Loaded event's, as kept

DEFAULT_URL = "sqlite:///grantledger.db"  # as ledger.eventstore.DEFAULT_URL (tests/unit/test_policy_catalogue.py)


def sqlite_path(url: str | None) -> str | None:
    """The file of a plain ``sqlite:///FILE`` URL (there or not), else ``None``."""
    url = url or os.environ.get("GRANTLEDGER_DB") or DEFAULT_URL
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    if not path or path.startswith((":memory:", "file:")):
        return None
    return path


def loaded_documents(path: str) -> list[dict] | None:
    """The register's ``Loaded`` events of the SQLite ledger at ``path``, in order, as the register keeps them;
    ``None`` when they cannot be read."""
    from urllib.parse import quote

    from ledger.sqlite_share import immutable_uri, read_only_folder

    uri = immutable_uri(path) if read_only_folder(path) else f"file:{quote(os.path.abspath(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        return documents_of(Reader(conn, pg=False))
    finally:
        conn.close()


def loaded_documents_pg(url: str) -> list[dict] | None:
    """The same from the PostgreSQL ledger at ``url`` (one query, no transaction of its own: a single SELECT
    sees one snapshot); ``None`` when they cannot be read. A login the server refuses is raised (as the full
    path would raise it: ``fastread.pg_connect``)."""
    conn = pg_connect(url)
    if conn is None:
        return None
    try:
        return documents_of(Reader(conn, pg=True))
    finally:
        conn.close()


def documents_of(reader: Reader) -> list[dict] | None:
    """The ``Loaded`` events through ``reader``, in the order loaded; ``None`` when they cannot be read."""
    m = reader.mark
    try:
        rows = reader.rows(
            f"SELECT state FROM {reader.events} WHERE originator_id = {m} AND topic = {m} ORDER BY originator_version",
            (reader.originator(register_id()), LOADED_TOPIC),
        )
    except Unanswerable:
        return None
    try:
        return [{name: data[name] for name in FIELDS} for data in (json.loads(state) for (state,) in rows)]
    except (ValueError, KeyError, TypeError):
        return None


def catalogue(url: str | None) -> Catalogue | None:
    """The shipped catalogue and the documents loaded into the ledger at ``url``, or ``None``: ask the full path."""
    if os.environ.get("GRANTLEDGER_FAST_READ") == "0":
        return None
    path = sqlite_path(url)
    pg = pg_url(url) if path is None else None
    if path is None and pg is None:
        return None
    from ledger import clauses

    if path is not None and not os.path.exists(path):
        return clauses.default()  # no ledger: the catalogue as shipped (as the full path answers)
    documents = loaded_documents(path) if path is not None else loaded_documents_pg(pg)
    if documents is None:
        return None
    try:
        return clauses.with_documents(clauses.default(), documents)
    except (clauses.CatalogueError, ValueError, KeyError, TypeError):
        return None
