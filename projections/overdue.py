"""``report overdue`` (逾期未验收项目表): projects past their end date (执行期, after every extension) and not
closed (验收/结题) by the report's date, from the ``projects`` read model (``projections.projects``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ledger import dates

from . import schema as s

OVERDUE_MONEY = ("awarded", "disbursed", "spent", "recovered", "available")


def overdue_query(year: int | None, as_of: str | None = None, known_at: int | None = None):
    """Open projects with an end date (the Python half keeps those past it on the report's day)."""
    p, a, u = s.projects.c, s.awards.c, s.units.c
    still_open = p.closed_on.is_(None) if as_of is None else or_(p.closed_on.is_(None), p.closed_on > as_of)
    query = (
        select(
            p.application,
            p.unit,
            u.name.label("unit_name"),
            p.clause,
            p.fund,
            p.year.label("fiscal_year"),
            p.end_date,
            a.awarded,
            a.disbursed,
            a.spent,
            a.recovered,
        )
        .select_from(s.projects.join(s.awards, a.application == p.application).outerjoin(s.units, u.unit == p.unit))
        .where(p.end_date.is_not(None), still_open)
        .order_by(p.end_date, p.application)
    )
    if year is not None:
        query = query.where(p.year == year)
    return query


def overdue_rows(rows: list[dict], as_of: str | None) -> list[dict]:
    """Those past their end date on ``as_of`` (today in Asia/Shanghai when not given), with the days overdue."""
    day = as_of or dates.today()
    shown = []
    for row in rows:
        if row["end_date"] >= day:
            continue
        row["days_overdue"] = (date.fromisoformat(day) - date.fromisoformat(row["end_date"])).days
        row["available"] = row["disbursed"] - row["spent"] - row["recovered"]
        shown.append(row)
    return shown
