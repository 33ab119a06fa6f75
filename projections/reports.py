"""Reports: indexed reads of the projections, never of the event log.

Current reports read the running-total tables. ``--as-of D`` reports are
computed from the journal lines whose effective date is on or before D, so a
fact recorded later with an earlier effective date shows up in them.
``--known-at P`` reports (P a log position) take only the journal lines, and
the rows, of events at or before P: the report as it could have been printed
when P was the head, whatever was recorded later; with ``--as-of`` both at once.
Rows are plain dicts of plain values; amounts are integer 分, and ``MONEY``
says which columns of each report are amounts (the formatters print those
as 元). Long reports stay fast that way: no per-value wrapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    case,
    cast,
    func,
    inspect,
    not_,
    or_,
    select,
    text,
)

from . import movements, overdue
from . import schema as s
from .query_parts import at_stake, award_columns, awards_named, stood, total, upto
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


def _fetch(conn: Connection, query) -> list[dict[str, Any]]:
    """Rows as dicts, straight from the driver's tuples (a report can have tens of thousands)."""
    result = conn.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.cursor.fetchall()]


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
    return finish(f"{name}:period", _fetch(conn, query), year, to, titles)


def rows_of(
    conn: Connection,
    name: str,
    year: int | None,
    as_of: str | None,
    known_at: int | None,
    titles: Mapping[str, str] | None = None,
) -> list[dict]:
    """Report ``name``: its one query (``QUERIES``), then its rows' Python (``report_rows.finish``)."""
    return finish(name, _fetch(conn, QUERIES[name](year, as_of, known_at)), year, as_of, titles)


def position_at(conn: Connection, timestamp: str) -> int:
    """The last log position recorded at or before ``timestamp`` (ISO 8601 in UTC, as events store it)."""
    return conn.execute(position_at_query(timestamp)).scalar_one()


def position_at_query(timestamp: str):
    k = s.event_keys.c
    return select(func.coalesce(func.max(k.seq), 0).label("seq")).where(k.recorded_at <= timestamp)


def has_signatures(conn: Connection) -> bool:
    """Whether the store keeps signed ranges (every ledger since the second edition's keys)."""
    return "event_signatures" in inspect(conn).get_table_names()


def signers(conn: Connection, seqs: list[int]) -> dict[int, tuple[str, str]]:
    """Who signed each event, by seq: (actor, key fingerprint) of the signed range that holds it."""
    from ledger.keys import fingerprint

    if not seqs or not has_signatures(conn):
        return {}
    ranges = conn.execute(
        text("SELECT first_seq, last_seq, actor, key FROM event_signatures WHERE last_seq >= :lo AND first_seq <= :hi"),
        {"lo": min(seqs), "hi": max(seqs)},
    ).all()
    found = {}
    for seq in seqs:
        for first, last, actor, key in ranges:
            if first <= seq <= last:
                found[seq] = (actor, fingerprint(key))
                break
    return found


def _sum(condition, column=None):
    j = s.journal.c
    return total(case((condition, column if column is not None else j.debit), else_=0))


# -- awards -----------------------------------------------------------------------


def _award_flows(as_of: str, known_at: int | None = None):
    """Per application, from the journal lines dated on or before ``as_of`` (known at ``known_at``)."""
    j = s.journal.c
    return (
        select(j.application, *movements.sums(movements.award_measures()))
        .where(*upto(as_of, known_at), j.application.is_not(None))
        .group_by(j.application)
        .subquery()
    )


def awards(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "awards", year, as_of, known_at)


def awards_query(year: int | None, as_of: str | None, known_at: int | None = None):
    a = s.awards.c
    if known_at is not None:
        as_of = as_of or FAR
    flows = None if as_of is None else _award_flows(as_of, known_at)
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


# -- funds ------------------------------------------------------------------------


def funds(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "funds", year, as_of, known_at)


def funds_query(year: int | None, as_of: str | None, known_at: int | None = None):
    if as_of is None and known_at is None:
        f = s.funds.c
    else:
        j = s.journal.c
        f = (
            select(j.fund, j.year, *movements.sums(movements.fund_measures()))
            .where(*upto(as_of, known_at), j.fund.is_not(None))
            .group_by(j.fund, j.year)
            .subquery()
            .c
        )
    query = select(
        f.fund,
        f.year,
        f.appropriated,
        f.committed,
        f.disbursed,
        f.returned,
        (f.appropriated + f.returned - f.committed).label("available"),
        f.carried_forward,
    )
    if year is not None:
        query = query.where(f.year == year)
    return query.order_by(f.fund, f.year)


# -- units, clauses, caps -------------------------------------------------------------


def units(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "units", year, as_of, known_at)


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
    flows = _award_flows(day, known_at)
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
    f = _award_flows(FAR, known_at)
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


def clauses(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "clauses", year, as_of, known_at)


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
        flows = _award_flows(as_of, known_at)
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


def caps(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "caps", year, as_of, known_at)


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


# -- equity -------------------------------------------------------------------------


def equity(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "equity", year, as_of, known_at)


def equity_query(year: int | None, as_of: str | None, known_at: int | None = None):
    e, a = s.equity.c, s.awards.c
    if known_at is not None:
        as_of = as_of or FAR
    if as_of is None:
        source = s.equity
        columns = [
            e.application,
            e.unit,
            e.invested,
            e.cost,
            e.stake,
            e.converted,
            e.exited_stake,
            e.proceeds,
            e.gain,
            e.written_off,
        ]
    else:
        j = s.journal.c
        holding = j.account == "equity_holding"
        source = (
            select(
                j.application,
                a.unit,
                _sum(holding).label("invested"),
                (_sum(holding) - _sum(holding, j.credit)).label("cost"),
                total(case((holding, j.stake), else_=0)).label("stake"),
                total(case((and_(holding, j.movement == "conversion"), j.stake), else_=0)).label("converted"),
                total(case((and_(holding, j.movement == "exit"), -j.stake), else_=0)).label("exited_stake"),
                _sum(and_(j.account == "fund_available", j.movement == "exit")).label("proceeds"),
                (_sum(j.account == "equity_gain", j.credit) - _sum(j.account == "equity_gain")).label("gain"),
                _sum(j.account == "equity_writeoff").label("written_off"),
            )
            .join(s.awards, a.application == j.application)
            .where(*upto(as_of, known_at), j.movement.in_(("investment", "conversion", "exit", "write_off")))
            .group_by(j.application, a.unit)
            .subquery()
        )
        columns = list(source.c)
    query = select(*columns, a.mode, a.fiscal_year, a.fund, a.clause).join(
        s.awards, a.application == source.c.application
    )
    if year is not None:
        query = query.where(a.fiscal_year == year)
    return query.order_by(source.c.application)


# -- trial balance ---------------------------------------------------------------------


def trial_balance(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "trial-balance", year, as_of, known_at)


def trial_balance_query(year: int | None, as_of: str | None, known_at: int | None = None):
    if as_of is None and year is None and known_at is None:
        b = s.balances.c
        query = select(b.account, b.debit, b.credit)
        order = b.account
    else:
        j = s.journal.c
        conditions = upto(as_of, known_at)
        if year is not None:
            conditions.append(j.year == year)
        query = (
            select(j.account, total(j.debit).label("debit"), total(j.credit).label("credit"))
            .where(*conditions)
            .group_by(j.account)
        )
        order = j.account
    return query.order_by(order)


# -- pending: what waits for a second person -------------------------------------------------


def pending(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "pending", year, as_of, known_at)


def pending_query(year: int | None, as_of: str | None = None, known_at: int | None = None):
    """Every act held for a second person and not yet approved or voided (``projections.held``): voucher or
    document, application, kind, amount, maker, date, reason, and what ``report_rows`` needs to say why it is
    held. ``--as-of D``: proposed by D and not settled by D; ``--known-at P``: as recorded up to P."""
    h, u, n = s.held_acts.c, s.units.c, s.fund_names.c
    if as_of is None and known_at is None:
        waiting = h.status == "pending"
    else:
        dated = [h.made_on <= as_of] if as_of is not None else []
        recorded = [h.made_seq <= known_at] if known_at is not None else []
        settled = [h.settled_on <= as_of] if as_of is not None else []
        settled += [h.settled_seq <= known_at] if known_at is not None else []
        waiting = and_(*dated, *recorded, or_(h.settled_seq.is_(None), not_(and_(*settled))))
    query = (
        select(
            h.key.label("voucher"),
            h.application,
            h.kind,
            at_stake().label("amount"),  # a correction's or a re-charge's too (``query_parts.at_stake``)
            h.maker,
            h.made_on.label("date"),
            h.reason,
            h.rule,
            n.threshold,
            h.unit,
            u.name.label("unit_name"),
            h.clause,
            h.fund,
            h.year.label("fiscal_year"),
        )
        .select_from(
            s.held_acts.outerjoin(s.units, u.unit == h.unit)
            .outerjoin(s.fund_names, n.fund == h.fund)
            .outerjoin(s.awards, s.awards.c.application == h.application)
        )
        .where(waiting)
        .order_by(h.made_on, h.key)
    )
    if year is not None:
        query = query.where(h.year == year)
    return query


# -- lists: funds and units --------------------------------------------------------------------


def fund_list(conn: Connection) -> list[dict]:
    """Every fund with its name, approval threshold, budget over all years and scope (city, clauses)."""
    return finish_list("fund list", _fetch(conn, LIST_QUERIES["fund list"]()))


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
    return _fetch(conn, LIST_QUERIES["unit list"]())


def unit_list_query():
    u = s.units.c
    query = select(u.unit, u.name, u.type, u.registered_on, u.applications, u.awarded, u.disbursed)
    return query.order_by(u.unit)


def unit_show(conn: Connection, code: str) -> dict | None:
    rows = finish_list("unit show", _fetch(conn, LIST_QUERIES["unit show"](code)))
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


# -- carryover (结转结余表) ---------------------------------------------------------------


def carryover(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    return rows_of(conn, "carryover", year, as_of, known_at)


def carryover_query(year: int | None, as_of: str | None, known_at: int | None = None):
    """Per fund and year: what carries into the next year (committed − paid by 12-31) and what lapses
    (appropriated + returned − committed), and whether a close is in force. Once closed, nothing dated in
    the year can move these figures, so they equal the ones the close recorded."""
    j = s.journal.c
    in_year = cast(func.substr(j.effective_date, 1, 4), Integer) <= j.year
    close_count = total(
        case(
            (and_(j.account == "lapsed", j.movement == "close"), 1),
            (and_(j.account == "lapsed", j.movement == "reopen"), -1),
            else_=0,
        )
    )
    query = (
        select(
            j.fund,
            j.year,
            _sum(j.account == "appropriation", j.credit).label("appropriated"),
            _sum(and_(j.account == "fund_available", j.movement.in_(("recovery", "exit")))).label("returned"),
            _sum(and_(j.account == "commitment", j.movement == "award")).label("committed"),
            _sum(and_(j.account == "earmarked", j.movement.in_(("disbursement", "investment")), in_year)).label(
                "disbursed"
            ),
            close_count.label("closes"),
        )
        .where(*upto(as_of, known_at), j.fund.is_not(None))
        .group_by(j.fund, j.year)
        .order_by(j.fund, j.year)
    )
    if year is not None:
        query = query.where(j.year == year)
    return query


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


# -- history ----------------------------------------------------------------------------


def history(conn: Connection, key: str) -> list[dict]:
    """Every event about an application REF, unit CODE, fund, voucher or actor, oldest first."""
    return finish_list("history", _fetch(conn, LIST_QUERIES["history"](key)))


def history_query(key: str):
    k, a = s.event_keys.c, s.awards.c
    related = select(a.application).where(or_(a.unit == key, a.fund == key))
    columns = (k.seq, k.type, k.effective_date, k.recorded_at, k.actor, k.amount, k.voucher, k.detail)
    return select(*columns).where(or_(k.key == key, k.key.in_(related))).group_by(*columns).order_by(k.seq)


# The queries of the listings (``fund list``, ``unit list``, ``unit show CODE``, ``history KEY``), compiled
# for the fast read path beside the reports'.
LIST_QUERIES = {
    "fund list": fund_list_query,
    "unit list": unit_list_query,
    "unit show": unit_show_query,
    "history": history_query,
}
