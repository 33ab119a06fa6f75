"""The grants' reports: awards, units, clauses and caps, each one query by ``--year``, ``--as-of`` and
``--known-at`` (``projections.reports`` runs them; ``projections.report_sql_gen`` compiles them).

The plain report reads the running totals; asked ``--as-of``/``--known-at``, the money comes from the journal
lines the report may see (``award_flows``), so a fact recorded later with an earlier date shows up.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from . import movements
from . import schema as s
from .query_parts import award_columns, awards_named, stood, total, upto
from .report_rows import FAR


def award_flows(as_of: str, known_at: int | None = None):
    """Per application, from the journal lines dated on or before ``as_of`` (known at ``known_at``)."""
    j = s.journal.c
    return (
        select(j.application, *movements.sums(movements.award_measures()))
        .where(*upto(as_of, known_at), j.application.is_not(None))
        .group_by(j.application)
        .subquery()
    )


def awards_query(year: int | None, as_of: str | None, known_at: int | None = None):
    a = s.awards.c
    if known_at is not None:
        as_of = as_of or FAR
    flows = None if as_of is None else award_flows(as_of, known_at)
    m = a if flows is None else flows.c  # where the money figures come from: running totals, or the journal
    money = (m.awarded, m.disbursed, m.pending, m.spent, m.recovered)
    available = (m.disbursed - m.spent - m.recovered).label("available")
    query = select(*award_columns(*money, available, as_of=as_of, known_at=known_at)).select_from(awards_named())
    if flows is None:
        query = query.where(a.status == "awarded")
    else:  # a cancelled award (撤销批复) stood until its cancellation: shown while the journal then shows it
        query = query.join(flows, flows.c.application == a.application).where(
            a.awarded_on <= as_of, *stood(a.status, flows.c.awarded)
        )
    if year is not None:
        query = query.where(a.fiscal_year == year)
    return query.order_by(a.application)


# -- units, clauses, caps -------------------------------------------------------------


def units_query(year: int | None, as_of: str | None, known_at: int | None = None):
    """Every unit registered by then, with its applications and the money under its awards.

    The running totals answer the plain report; ``--as-of`` and ``--year`` compute the same figures from the
    journal, counting applications the same way (every submission, awarded or not), so ``--as-of TODAY``
    equals the plain report. ``--known-at`` alone reads what was recorded by then.
    """
    u, a = s.units.c, s.awards.c
    if as_of is None and year is None and known_at is None:
        query = select(u.unit, u.name, u.type, u.applications, u.awarded, u.disbursed, u.spent, u.recovered)
        return query.order_by(u.unit)
    if as_of is None and year is None:
        return _units_known_at(known_at).order_by(u.unit)
    day = as_of or "9999-12-31"
    flows = award_flows(day, known_at)
    f = flows.c
    recorded = [a.submitted_seq <= known_at] if known_at is not None else []
    per_unit = (
        select(
            a.unit,
            func.count().label("applications"),
            total(f.awarded).label("awarded"),
            total(f.disbursed).label("disbursed"),
            total(f.spent).label("spent"),
            total(f.recovered).label("recovered"),
        )
        .select_from(s.awards.outerjoin(flows, flows.c.application == a.application))
        .where(a.applied_on <= day, *recorded, *([a.fiscal_year == year] if year is not None else []))
        .group_by(a.unit)
        .subquery()
    )
    p = per_unit.c
    query = (
        select(
            u.unit,
            u.name,
            u.type,
            func.coalesce(p.applications, 0).label("applications"),
            func.coalesce(p.awarded, 0).label("awarded"),
            func.coalesce(p.disbursed, 0).label("disbursed"),
            func.coalesce(p.spent, 0).label("spent"),
            func.coalesce(p.recovered, 0).label("recovered"),
        )
        .select_from(s.units.outerjoin(per_unit, per_unit.c.unit == u.unit))
        .where(or_(u.registered_on.is_(None), u.registered_on <= day, per_unit.c.unit.is_not(None)))
    )
    if year is not None:
        query = query.where(per_unit.c.unit.is_not(None))
    if known_at is not None:
        query = query.where(u.registered_seq <= known_at)
    return query.order_by(u.unit)  # report_rows makes PostgreSQL's Decimal sums ints


def _units_known_at(known_at: int | None):
    """Every unit registered by ``known_at``, with its applications and money as then recorded."""
    u, a = s.units.c, s.awards.c
    f = award_flows(FAR, known_at)
    applied = (
        select(a.unit, func.count().label("applications"))
        .where(a.submitted_seq <= known_at)
        .group_by(a.unit)
        .subquery()
    )
    money = (
        select(
            a.unit,
            total(f.c.awarded).label("awarded"),
            total(f.c.disbursed).label("disbursed"),
            total(f.c.spent).label("spent"),
            total(f.c.recovered).label("recovered"),
        )
        .join(f, f.c.application == a.application)
        .group_by(a.unit)
        .subquery()
    )
    zero = 0
    return (
        select(
            u.unit,
            u.name,
            u.type,
            func.coalesce(applied.c.applications, zero).label("applications"),
            *(func.coalesce(money.c[k], zero).label(k) for k in ("awarded", "disbursed", "spent", "recovered")),
        )
        .outerjoin(applied, applied.c.unit == u.unit)
        .outerjoin(money, money.c.unit == u.unit)
        .where(u.registered_seq <= known_at)
    )


def clauses_query(year: int | None, as_of: str | None, known_at: int | None = None):
    c = s.clauses.c
    if known_at is not None:
        as_of = as_of or FAR
    if as_of is None:
        query = select(c.clause, c.year, c.count, c.awarded, c.disbursed)
        if year is not None:
            query = query.where(c.year == year)
        order = (c.clause, c.year)
    else:
        a = s.awards.c
        flows = award_flows(as_of, known_at)
        f = flows.c
        sub = (
            select(
                a.clause,
                a.fiscal_year.label("year"),
                func.count().label("count"),
                total(f.awarded).label("awarded"),
                total(f.disbursed).label("disbursed"),
            )
            .join(flows, flows.c.application == a.application)
            .where(a.awarded_on <= as_of, *stood(a.status, f.awarded), *([a.fiscal_year == year] if year else []))
            .group_by(a.clause, a.fiscal_year)
            .subquery()
        )
        query = select(sub)
        order = (sub.c.clause, sub.c.year)
    return query.order_by(*order)


def caps_query(year: int | None, as_of: str | None, known_at: int | None = None):
    c = s.caps.c
    if known_at is not None:
        as_of = as_of or FAR
    if as_of is None:
        query = select(c.unit, c.cap_group, c.year, c.cap, c.used, c.awards).where(c.year.not_in(("once", "life")))
        if year is not None:
            query = query.where(c.year == str(year))
        query = query.order_by(c.unit, c.cap_group, c.year)
    else:
        a, j = s.awards.c, s.journal.c
        used = (
            select(a.unit, a.cap_group, a.fiscal_year, total(j.debit).label("used"), func.count().label("awards"))
            .join(s.awards, a.application == j.application)
            .where(j.account == "commitment", j.movement == "award", *upto(as_of, known_at), a.cap_group.is_not(None))
            .group_by(a.unit, a.cap_group, a.fiscal_year)
            .subquery()
        )
        query = select(c.unit, c.cap_group, c.year, c.cap, used.c.used, used.c.awards).join(
            used,
            and_(
                used.c.unit == c.unit,
                used.c.cap_group == c.cap_group,
                func.cast(used.c.fiscal_year, s.caps.c.year.type) == c.year,
            ),
        )
        if year is not None:
            query = query.where(c.year == str(year))
        query = query.order_by(c.unit, c.cap_group, c.year)
    return query
