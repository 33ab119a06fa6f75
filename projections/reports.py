"""Reports: indexed reads of the projections, never of the event log.

Current reports read the running-total tables. ``--as-of D`` reports are
computed from the journal lines whose effective date is on or before D, so a
fact recorded later with an earlier effective date shows up in them.
``--known-at P`` reports (P a log position) take only the journal lines, and
the rows, of events at or before P: the report as it could have been printed
when P was the head, whatever was recorded later; with ``--as-of`` both at once.
This module runs each report: its one query (``QUERIES``: built in ``report_awards``,
``report_funds``, ``movements`` and ``overdue``), then its rows' Python
(``report_rows``); the listings are ``listings``'. Rows are plain dicts of
plain values; amounts are integer 分, and ``MONEY`` says which columns of each
report are amounts (the formatters print those as 元). Long reports stay fast
that way: no per-value wrapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from . import movements, overdue
from .query_parts import fetch
from .report_awards import awards_query, caps_query, clauses_query, units_query
from .report_funds import carryover_query, equity_query, funds_query, pending_query, trial_balance_query
from .report_rows import (  # noqa: F401 - the rows' half of each report; re-exported for existing callers
    AWARD_MONEY,
    CARRYOVER_MONEY,
    EQUITY_MONEY,
    FAR,
    FILTERS,
    FUND_MONEY,
    HISTORY_MONEY,
    LIST_MONEY,
    MONEY,
    REPORTS,
    UNIT_MONEY,
    finish,
    finish_list,
    narrowed,
    shanghai,
    with_clause_titles,
)


def run(
    conn: Connection,
    name: str,
    year: int | None = None,
    as_of: str | None = None,
    filters: dict[str, str | None] | None = None,
    known_at: int | None = None,
    since: str | None = None,
    titles: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Report ``name``; with ``since`` (``--from``, inclusive) the period from ``since`` to ``as_of`` (``--to``).
    ``titles``: the loaded policy documents' clause titles (``report_rows.finish``)."""
    if since is not None:
        return narrowed(period(conn, name, year, as_of, known_at, since, titles), filters or {})
    if titles and name == "awards":
        return narrowed(rows_of(conn, name, year, as_of, known_at, titles), filters or {}, name)
    return narrowed(REPORT_FUNCTIONS[name](conn, year, as_of, known_at), filters or {}, name)


def period(
    conn: Connection,
    name: str,
    year: int | None,
    to: str | None,
    known_at: int | None,
    since: str,
    titles: Mapping[str, str] | None = None,
) -> list:
    """``report funds|awards --from since --to to``: each figure's opening, movement and closing."""
    query = movements.PERIOD_QUERIES[name](year, to, known_at, since)
    return finish(f"{name}:period", fetch(conn, query), year, to, titles)


def rows_of(
    conn: Connection,
    name: str,
    year: int | None,
    as_of: str | None,
    known_at: int | None,
    titles: Mapping[str, str] | None = None,
) -> list[dict]:
    """Report ``name``: its one query (``QUERIES``), then its rows' Python (``report_rows.finish``)."""
    return finish(name, fetch(conn, QUERIES[name](year, as_of, known_at)), year, as_of, titles)


def awards(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "awards", year, as_of, known_at)


def funds(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "funds", year, as_of, known_at)


def units(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "units", year, as_of, known_at)


def clauses(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "clauses", year, as_of, known_at)


def caps(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "caps", year, as_of, known_at)


def equity(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "equity", year, as_of, known_at)


def trial_balance(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "trial-balance", year, as_of, known_at)


def pending(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "pending", year, as_of, known_at)


def carryover(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "carryover", year, as_of, known_at)


def monthly(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "monthly", year, as_of, known_at)


REPORT_FUNCTIONS = {
    "awards": awards,
    "funds": funds,
    "units": units,
    "caps": caps,
    "clauses": clauses,
    "equity": equity,
    "trial-balance": trial_balance,
    "pending": pending,
    "carryover": carryover,
    "monthly": monthly,
    "overdue": lambda conn, year, as_of, known_at=None: rows_of(conn, "overdue", year, as_of, known_at),
}

# Each report's one query, by year, as-of date and known-at position: what ``projections.report_sql``
# compiles for the fast read path (``python -m projections.report_sql`` writes it; a test fails when stale).
QUERIES = {
    "awards": awards_query,
    "funds": funds_query,
    "units": units_query,
    "caps": caps_query,
    "clauses": clauses_query,
    "equity": equity_query,
    "trial-balance": trial_balance_query,
    "pending": pending_query,
    "carryover": carryover_query,
    "monthly": movements.monthly_query,
    "overdue": overdue.overdue_query,
}
