"""Payments by month for each fund-year: the web view's chart, from the same journal the reports read.

A payment is money reaching a unit's 专账 (``earmarked`` debited by a disbursement or an investment),
exactly what ``report funds`` counts as disbursed; a reversal posts it again negative, so each
fund-year's months add up to its ``disbursed`` figure. Journal lines are only ever appended, in log
order, so a reader can keep the sums and add just the lines after the position it last read
(``after``/``upto`` select them by the journal's primary key).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from . import schema as s
from .query_parts import total

Months = dict[tuple[str, int], dict[str, int]]


def payments_by_month(conn: Connection, year: int | None = None, after: int = 0, upto: int | None = None) -> Months:
    """{(fund, year): {"YYYY-MM": 分}} from the journal lines of events after ``after`` up to ``upto``."""
    j = s.journal.c
    month = func.substr(j.effective_date, 1, 7).label("month")
    query = (
        select(j.fund, j.year, month, total(j.debit).label("paid"))
        .where(j.account == "earmarked", j.movement.in_(("disbursement", "investment")))
        .group_by(j.fund, j.year, month)
    )
    if after:
        query = query.where(j.seq > after)
    if upto is not None:
        query = query.where(j.seq <= upto)
    if year is not None:
        query = query.where(j.year == year)
    found: Months = {}
    for fund, fund_year, key, paid in conn.execute(query):
        found.setdefault((fund, fund_year), {})[key] = paid
    return found


def add(into: Months, more: Months) -> Months:
    for fund_year, months in more.items():
        mine = into.setdefault(fund_year, {})
        for month, paid in months.items():
            mine[month] = mine.get(month, 0) + paid
    return into


def in_order(months: dict[str, int]) -> list[tuple[str, int]]:
    """The months that paid something (net of reversals), oldest first."""
    return [(month, paid) for month, paid in sorted(months.items()) if paid]
