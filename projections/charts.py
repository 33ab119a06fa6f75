"""Payments by month for each fund-year: the web view's chart, from the same journal the reports read.

A payment is money reaching a unit's 专账 (``earmarked`` debited by a disbursement or an investment),
exactly what ``report funds`` counts as disbursed; a reversal posts it again negative, so each
fund-year's months add up to its ``disbursed`` figure.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from . import schema as s
from .reports import total


def payments_by_month(conn: Connection, year: int | None = None) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """{(fund, year): [("YYYY-MM", 分), …]} in month order, months with no payment left out."""
    j = s.journal.c
    month = func.substr(j.effective_date, 1, 7).label("month")
    query = (
        select(j.fund, j.year, month, total(j.debit).label("paid"))
        .where(j.account == "earmarked", j.movement.in_(("disbursement", "investment")))
        .group_by(j.fund, j.year, month)
        .order_by(j.fund, j.year, month)
    )
    if year is not None:
        query = query.where(j.year == year)
    found: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for fund, fund_year, key, paid in conn.execute(query):
        if paid:
            found.setdefault((fund, fund_year), []).append((key, paid))
    return found
