"""The listings: ``fund list``, ``unit list``, ``unit show CODE`` and ``history KEY``, with their queries
(``LIST_QUERIES``, compiled for the fast read path beside the reports'), and the keys a "did you mean" offers."""

from __future__ import annotations

from sqlalchemy import Connection, String, cast, func, literal, or_, select, union

from . import schema as s
from .query_parts import fetch, total
from .report_rows import finish_list


def fund_list(conn: Connection) -> list[dict]:
    """Every fund with its name, approval threshold, budget over all years and scope (city, clauses)."""
    return finish_list("fund list", fetch(conn, LIST_QUERIES["fund list"]()))


def fund_list_query():
    n, f = s.fund_names.c, s.funds.c
    years = (
        select(
            f.fund,
            func.count().label("years"),
            total(f.appropriated).label("appropriated"),
            total(f.committed).label("committed"),
            total(f.returned).label("returned"),
        )
        .group_by(f.fund)
        .subquery()
    )
    y = years.c
    query = select(
        n.fund,
        n.name,
        n.threshold.label("approval_threshold"),
        func.coalesce(y.years, 0).label("years"),
        func.coalesce(y.appropriated, 0).label("appropriated"),
        func.coalesce(y.committed, 0).label("committed"),
        func.coalesce(y.returned, 0).label("returned"),
        n.city,
        n.clauses,
    ).select_from(s.fund_names.outerjoin(years, y.fund == n.fund))
    return query.order_by(n.fund)


def unit_list(conn: Connection) -> list[dict]:
    return fetch(conn, LIST_QUERIES["unit list"]())


def unit_list_query():
    u = s.units.c
    query = select(u.unit, u.name, u.type, u.registered_on, u.applications, u.awarded, u.disbursed)
    return query.order_by(u.unit)


def unit_show(conn: Connection, code: str) -> dict | None:
    rows = finish_list("unit show", fetch(conn, LIST_QUERIES["unit show"](code)))
    return rows[0] if rows else None


def unit_show_query(code: str):
    u = s.units.c
    return select(
        u.unit, u.name, u.type, u.registered_on, u.applications, u.awarded, u.disbursed, u.spent, u.recovered
    ).where(u.unit == code)


def keys_like(conn: Connection, kind: str, key: str, limit: int = 5000) -> list[str]:
    """Candidate REFs or voucher numbers for a "did you mean": those sharing the mistyped key's first character."""
    column = s.awards.c.application if kind == "application" else s.journal.c.voucher
    head = key[:1]
    query = select(column).where(column.is_not(None))
    if head.isalnum():
        query = query.where(column.like(f"{head}%"))
    return [r[0] for r in conn.execute(query.distinct().limit(limit))]


# -- history ----------------------------------------------------------------------------


def history(conn: Connection, key: str) -> list[dict]:
    """Every event about an application REF, unit CODE, fund, voucher or actor, oldest first."""
    return finish_list("history", fetch(conn, LIST_QUERIES["history"](key)))


def history_query(key: str):
    """The key itself and the applications of a unit's or a fund's awards, as one set the index is probed with:
    written as ``key = KEY OR key IN (…)``, PostgreSQL scanned all of ``event_keys`` (370 ms at 10^6 events,
    against 0.3 ms for the union; SQLite probed the index either way)."""
    k, a = s.event_keys.c, s.awards.c
    related = union(select(cast(literal(key), String)), select(a.application).where(or_(a.unit == key, a.fund == key)))
    columns = (k.seq, k.type, k.effective_date, k.recorded_at, k.actor, k.amount, k.voucher, k.detail)
    return select(*columns).where(k.key.in_(related)).group_by(*columns).order_by(k.seq)


# The queries of the listings (``fund list``, ``unit list``, ``unit show CODE``, ``history KEY``), compiled
# for the fast read path beside the reports'.
LIST_QUERIES = {
    "fund list": fund_list_query,
    "unit list": unit_list_query,
    "unit show": unit_show_query,
    "history": history_query,
}
