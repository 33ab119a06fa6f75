"""The pieces every report query is built from: a BIGINT sum, the journal lines a report may see, an award's
columns and the awards with their names.

Apart from ``projections.reports`` so that ``projections.movements`` (the period and monthly queries) builds on
them without importing ``reports``, which imports it (no import circle, issue 28); ``reports`` re-exports them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, and_, cast, func, or_

from . import schema as s


def total(expression):
    """SUM as a BIGINT on every engine (PostgreSQL's SUM of BIGINT is NUMERIC)."""
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)


def upto(as_of: str | None, known_at: int | None) -> list:
    """Which journal lines a report may see: dated on or before ``as_of``, recorded at or before ``known_at``."""
    j = s.journal.c
    return [
        *([j.effective_date <= as_of] if as_of is not None else []),
        *([j.seq <= known_at] if known_at is not None else []),
    ]


def award_columns(*money) -> list:
    """An award's columns as ``report awards`` lists them, its ``money`` columns in the middle (from
    ``awards_named``)."""
    a, u, n = s.awards.c, s.units.c, s.fund_names.c
    described = [a.application, a.unit, u.name.label("unit_name"), a.clause, a.fund, n.name.label("fund_name")]
    return [*described, a.fiscal_year, a.fiscal_year.label("year"), a.mode, *money, a.doc, a.exception_doc]


def awards_named():
    """The awards with their unit's and fund's names."""
    a, u, n = s.awards.c, s.units.c, s.fund_names.c
    return s.awards.outerjoin(s.units, u.unit == a.unit).outerjoin(s.fund_names, n.fund == a.fund)


def stood(status, awarded, *more) -> list:
    """An award as a report asked ``--as-of``/``--known-at`` sees it: awarded, or cancelled later (撤销批复) while
    the journal lines it sees still hold its amount (``awarded`` and ``more``: sums of those lines)."""
    held = or_(awarded != 0, *(m != 0 for m in more))
    return [or_(status == "awarded", and_(status == "cancelled", held))]
