"""The policy catalogue as it stands, without the application: ``policy list`` and ``policy show`` (issue 26).

The catalogue is public: the shipped documents, plus every document loaded with ``policy load``, which lives
only in the log as the policy register's ``Loaded`` events. The full path opens the whole application to fold
the register (``ledger.handlers.policies.catalogue_of``); this module reads the same events of a SQLite file
with the standard library's ``sqlite3`` (read-only, as ``projections.fastread``) and applies the documents
in the order loaded exactly as the register's fold does (``ledger.clauses.with_documents``), so listing or
showing a clause imports neither eventsourcing nor SQLAlchemy.

It answers the shipped catalogue when the ledger file is not there (as the full path does), the shipped one
plus the loaded documents when it can read them, and ``None`` otherwise — PostgreSQL, a URL it does not
read plainly, any database error, a document that does not parse, ``GRANTLEDGER_FAST_READ=0`` — and then
the caller takes the full path, which answers or refuses exactly as before.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import TYPE_CHECKING

from .clause_titles import LOADED_TOPIC, register_id

if TYPE_CHECKING:
    from ledger.clauses import Catalogue

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
        rows = conn.execute(
            "SELECT state FROM stored_events WHERE originator_id = ? AND topic = ? ORDER BY originator_version",
            (register_id().hex, LOADED_TOPIC),
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    fields = ("document", "doc_number", "file_name", "text", "sha256", "actor", "on")
    try:
        return [{name: data[name] for name in fields} for data in (json.loads(state) for (state,) in rows)]
    except (ValueError, KeyError, TypeError):
        return None


def catalogue(url: str | None) -> Catalogue | None:
    """The shipped catalogue and the documents loaded into the ledger at ``url``, or ``None``: ask the full path."""
    if os.environ.get("GRANTLEDGER_FAST_READ") == "0":
        return None
    path = sqlite_path(url)
    if path is None:
        return None
    from ledger import clauses

    if not os.path.exists(path):
        return clauses.default()  # no ledger: the catalogue as shipped (as the full path answers)
    documents = loaded_documents(path)
    if documents is None:
        return None
    try:
        return clauses.with_documents(clauses.default(), documents)
    except (clauses.CatalogueError, ValueError, KeyError, TypeError):
        return None
