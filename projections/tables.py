"""The read-model tables' names and columns as plain data, for what writes them without SQLAlchemy.

The folds' page (``projections.page``) and the catch-up after a command on a SQLite file need only names and
column orders; ``projections.schema`` (SQLAlchemy, alembic's source) stays the definition, and
``tests/unit/test_tables.py`` fails when the two disagree."""

from __future__ import annotations

PROJECTIONS = ("origins", "awards", "funds", "units", "caps", "clauses", "equity", "journal", "history")

# table name → its columns, in the table's order
COLUMNS: dict[str, tuple[str, ...]] = {
    "origins": ("originator_id", "kind", "key", "unit", "clause", "fund", "year"),
    "journal": (
        "seq",
        "line",
        "effective_date",
        "movement",
        "account",
        "fund",
        "year",
        "application",
        "voucher",
        "debit",
        "credit",
        "stake",
    ),
    "event_keys": ("key", "seq", "type", "effective_date", "recorded_at", "actor", "amount", "voucher", "detail"),
    "held_acts": (
        "key",
        "kind",
        "application",
        "unit",
        "clause",
        "fund",
        "year",
        "amount",
        "maker",
        "made_on",
        "made_seq",
        "reason",
        "rule",
        "status",
        "settled_by",
        "settled_on",
        "settled_seq",
        "settled_reason",
    ),
    "projects": (
        "application",
        "unit",
        "clause",
        "fund",
        "year",
        "opened_on",
        "end_date",
        "tranches",
        "released",
        "signing_on",
        "midterm_on",
        "acceptance_on",
        "evaluation_on",
        "status",
        "result",
        "close_doc",
        "closed_on",
        "balance",
        "recovered",
        "retained",
        "retain_doc",
    ),
}
