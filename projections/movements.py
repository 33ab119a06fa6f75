"""Money moved in a period: ``report funds|awards --from D --to T`` and ``report monthly`` (月度执行进度).

Each figure of ``report funds`` and ``report awards`` is a sum of journal lines (``FUND_MEASURES``,
``AWARD_MEASURES``: the one definition both reports use). A period report sums each one twice in a single
pass over the lines dated on or before T: the lines dated before D give the opening balance (as of the end
of D−1), all of them the closing balance (as of T, exactly what ``--as-of T`` prints); the movement in the
period is closing − opening, so opening + movement = closing holds for every figure, to the 分.
``--known-at`` limits both to what was recorded by then, as it does every report.

``report monthly`` sums, per fund-year, its appropriation and its payments (money reaching units: disbursed
and invested, net of reversals) by the month of their effective date; ``report_rows`` lays them out month by
month with the cumulative payments and the execution rate. The queries here are built on the helpers of
``projections.query_parts`` (which ``reports`` uses too).
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select

from . import schema as s
from .query_parts import award_columns, awards_named, stood, total, upto
from .report_rows import FAR

PAID = ("disbursement", "investment")  # money reaching a unit's 专账


def award_measures() -> dict:
    """Per award: (condition on a journal line, the column it adds) for each figure of ``report awards``."""
    j = s.journal.c
    return {
        "awarded": (and_(j.account == "commitment", j.movement == "award"), j.debit),
        "disbursed": (and_(j.account == "earmarked", j.movement.in_(PAID)), j.debit),
        "pending": (j.account == "pending", j.debit - j.credit),
        "spent": (and_(j.account == "earmarked", j.movement == "expenditure"), j.credit),
        "recovered": (and_(j.account == "earmarked", j.movement == "recovery"), j.credit),
    }


def fund_measures() -> dict:
    """Per fund and year: (condition, column) for each figure of ``report funds``."""
    j = s.journal.c
    return {
        "appropriated": (j.account == "appropriation", j.credit),
        "committed": (and_(j.account == "commitment", j.movement == "award"), j.debit),
        "disbursed": (and_(j.account == "earmarked", j.movement.in_(PAID)), j.debit),
        "returned": (and_(j.account == "fund_available", j.movement.in_(("recovery", "exit"))), j.debit),
        "carried_forward": (j.account == "carried_forward", j.debit),
    }


def sums(measures: dict) -> list:
    """Each measure summed over the lines the query sees, labelled by its name."""

    return [total(case((condition, column), else_=0)).label(name) for name, (condition, column) in measures.items()]


def opening_and_closing(measures: dict, since: str) -> list:
    """Each measure summed twice: ``opening_<name>`` over the lines dated before ``since``, ``closing_<name>``
    over every line the query sees."""

    before = s.journal.c.effective_date < since
    columns = []
    for name, (condition, column) in measures.items():
        columns.append(total(case((and_(condition, before), column), else_=0)).label(f"opening_{name}"))
        columns.append(total(case((condition, column), else_=0)).label(f"closing_{name}"))
    return columns


def funds_period_query(year: int | None, as_of: str | None, known_at: int | None, since: str):
    """Per fund and year with any journal line by ``as_of`` (the period's last day; every line when None)."""

    j = s.journal.c
    query = (
        select(j.fund, j.year, *opening_and_closing(fund_measures(), since))
        .where(*upto(as_of, known_at), j.fund.is_not(None))
        .group_by(j.fund, j.year)
    )
    if year is not None:
        query = query.where(j.year == year)
    return query.order_by(j.fund, j.year)


def awards_period_query(year: int | None, as_of: str | None, known_at: int | None, since: str):
    """Per award decided by ``as_of``: its descriptive columns, then each figure's opening and closing sums."""

    a, j = s.awards.c, s.journal.c
    flows = (
        select(j.application, *opening_and_closing(award_measures(), since))
        .where(*upto(as_of, known_at), j.application.is_not(None))
        .group_by(j.application)
        .subquery()
    )
    query = (
        select(*award_columns(*(c for c in flows.c if c.name != "application"), as_of=as_of or FAR, known_at=known_at))
        .select_from(awards_named())
        .join(flows, flows.c.application == a.application)
        .where(a.awarded_on <= (as_of or FAR), *stood(a.status, flows.c.closing_awarded, flows.c.opening_awarded))
    )
    if year is not None:
        query = query.where(a.fiscal_year == year)
    return query.order_by(a.application)


PERIOD_QUERIES = {"funds": funds_period_query, "awards": awards_period_query}


def monthly_query(year: int | None, as_of: str | None = None, known_at: int | None = None):
    """Per fund, fiscal year and month of the effective date: the appropriation and the payments (net of
    reversals) of the fund-year dated in that month."""

    j, n = s.journal.c, s.fund_names.c
    measures = {k: v for k, v in fund_measures().items() if k in ("appropriated", "disbursed")}
    month = func.substr(j.effective_date, 1, 7)
    sums_by_month = (
        select(j.fund, j.year, month.label("month"), *sums(measures))
        .where(*upto(as_of, known_at), j.fund.is_not(None), or_(*(c for c, _ in measures.values())))
        .group_by(j.fund, j.year, month)
    )
    if year is not None:
        sums_by_month = sums_by_month.where(j.year == year)
    found = sums_by_month.subquery()
    f = found.c
    return (
        select(f.fund, n.name.label("fund_name"), f.year, f.month, f.appropriated, f.disbursed)
        .select_from(found.outerjoin(s.fund_names, n.fund == f.fund))
        .order_by(f.fund, f.year, f.month)
    )
