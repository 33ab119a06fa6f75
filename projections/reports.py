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

from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, and_, case, cast, func, or_, select

from ledger.values import format_stake

from . import schema as s
from .journal import account_name

REPORTS = ("awards", "funds", "units", "caps", "clauses", "equity", "trial-balance", "carryover")
FAR = "9999-12-31"  # as of no particular date: every effective date


def _fetch(conn: Connection, query) -> list[dict[str, Any]]:
    """Rows as dicts, straight from the driver's tuples (a report can have tens of thousands)."""
    result = conn.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.cursor.fetchall()]


def run(
    conn: Connection, name: str, year: int | None = None, as_of: str | None = None, known_at: int | None = None
) -> list[dict[str, Any]]:
    return REPORT_FUNCTIONS[name](conn, year, as_of, known_at)


def upto(as_of: str | None, known_at: int | None) -> list:
    """Which journal lines a report may see: dated on or before ``as_of``, recorded at or before ``known_at``."""
    j = s.journal.c
    return [
        *([j.effective_date <= as_of] if as_of is not None else []),
        *([j.seq <= known_at] if known_at is not None else []),
    ]


def position_at(conn: Connection, timestamp: str) -> int:
    """The last log position recorded at or before ``timestamp`` (ISO 8601 in UTC, as events store it)."""
    k = s.event_keys.c
    return conn.execute(select(func.coalesce(func.max(k.seq), 0)).where(k.recorded_at <= timestamp)).scalar_one()


def total(expression):
    """SUM as a BIGINT on every engine (PostgreSQL's SUM of BIGINT is NUMERIC)."""
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)


def _sum(condition, column=None):
    j = s.journal.c
    return total(case((condition, column if column is not None else j.debit), else_=0))


# -- awards -----------------------------------------------------------------------


def _award_flows(as_of: str, known_at: int | None = None):
    """Per application, from the journal lines dated on or before ``as_of`` (known at ``known_at``)."""
    j = s.journal.c
    return (
        select(
            j.application,
            _sum(and_(j.account == "commitment", j.movement == "award")).label("awarded"),
            _sum(and_(j.account == "earmarked", j.movement.in_(("disbursement", "investment")))).label("disbursed"),
            (_sum(j.account == "pending") - _sum(j.account == "pending", j.credit)).label("pending"),
            _sum(and_(j.account == "earmarked", j.movement == "expenditure"), j.credit).label("spent"),
            _sum(and_(j.account == "earmarked", j.movement == "recovery"), j.credit).label("recovered"),
        )
        .where(*upto(as_of, known_at), j.application.is_not(None))
        .group_by(j.application)
        .subquery()
    )


AWARD_MONEY = ("awarded", "disbursed", "pending", "spent", "recovered", "available")


def awards(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    a = s.awards.c
    if known_at is not None:
        as_of = as_of or FAR
    flows = None if as_of is None else _award_flows(as_of, known_at)
    m = a if flows is None else flows.c  # where the money figures come from: running totals, or the journal
    query = select(
        a.application,
        a.unit,
        a.clause,
        a.fund,
        a.fiscal_year,
        a.mode,
        m.awarded,
        m.disbursed,
        m.pending,
        m.spent,
        m.recovered,
        (m.disbursed - m.spent - m.recovered).label("available"),
        a.doc,
        a.exception_doc,
    ).where(a.status == "awarded")
    if flows is not None:
        query = query.join(flows, flows.c.application == a.application).where(a.awarded_on <= as_of)
    if year is not None:
        query = query.where(a.fiscal_year == year)
    return _fetch(conn, query.order_by(a.application))


# -- funds ------------------------------------------------------------------------

FUND_MONEY = ("appropriated", "committed", "disbursed", "returned", "available", "carried_forward")


def funds(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    if as_of is None and known_at is None:
        f = s.funds.c
    else:
        j = s.journal.c
        f = (
            select(
                j.fund,
                j.year,
                _sum(j.account == "appropriation", j.credit).label("appropriated"),
                _sum(and_(j.account == "commitment", j.movement == "award")).label("committed"),
                _sum(and_(j.account == "earmarked", j.movement.in_(("disbursement", "investment")))).label("disbursed"),
                _sum(and_(j.account == "fund_available", j.movement.in_(("recovery", "exit")))).label("returned"),
                _sum(j.account == "carried_forward").label("carried_forward"),
            )
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
    return _fetch(conn, query.order_by(f.fund, f.year))


# -- units, clauses, caps -------------------------------------------------------------


UNIT_MONEY = ("awarded", "disbursed", "spent", "recovered")


def units(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    u, a = s.units.c, s.awards.c
    if as_of is None and year is None and known_at is None:
        query = select(u.unit, u.name, u.type, u.applications, u.awarded, u.disbursed, u.spent, u.recovered)
    elif as_of is None and year is None:
        query = _units_known_at(known_at)
    else:
        flows = _award_flows(as_of or FAR, known_at)
        f = flows.c
        per_unit = (
            select(
                a.unit,
                func.count().label("applications"),
                total(f.awarded).label("awarded"),
                total(f.disbursed).label("disbursed"),
                total(f.spent).label("spent"),
                total(f.recovered).label("recovered"),
            )
            .join(flows, flows.c.application == a.application)
            .where(a.status == "awarded", *([a.fiscal_year == year] if year is not None else []))
            .group_by(a.unit)
            .subquery()
        )
        p = per_unit.c
        query = select(u.unit, u.name, u.type, p.applications, p.awarded, p.disbursed, p.spent, p.recovered).join(
            per_unit, per_unit.c.unit == u.unit
        )
    return _fetch(conn, query.order_by(u.unit))


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
            .where(a.status == "awarded", a.awarded_on <= as_of, *([a.fiscal_year == year] if year else []))
            .group_by(a.clause, a.fiscal_year)
            .subquery()
        )
        query = select(sub)
        order = (sub.c.clause, sub.c.year)
    return _fetch(conn, query.order_by(*order))


def caps(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
    c = s.caps.c
    if known_at is not None:
        as_of = as_of or FAR
    if as_of is None:
        query = select(c.unit, c.cap_group, c.year, c.cap, c.used, c.awards).where(c.year != "once")
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
    rows = _fetch(conn, query)
    for row in rows:
        row["year"] = int(row["year"])
        row["remaining"] = row["cap"] - row["used"]
    return rows


# -- equity -------------------------------------------------------------------------

EQUITY_MONEY = ("invested", "cost", "proceeds", "gain", "written_off")


def equity(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
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
    query = select(*columns, a.mode, a.fiscal_year).join(s.awards, a.application == source.c.application)
    if year is not None:
        query = query.where(a.fiscal_year == year)
    rows = []
    for r in conn.execute(query.order_by(source.c.application)):
        row = dict(r._mapping)
        row["status"] = "written-off" if row["written_off"] else ("held" if row["stake"] else "exited")
        for stake in ("stake", "converted", "exited_stake"):
            row[stake] = format_stake(row[stake])
        rows.append(row)
    return rows


# -- trial balance ---------------------------------------------------------------------


def trial_balance(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
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
    rows = []
    total_debit = total_credit = 0
    for r in conn.execute(query.order_by(order)):
        balance = r.debit - r.credit
        rows.append(
            {
                "account": r.account,
                "name": account_name(r.account),
                "debit": r.debit,
                "credit": r.credit,
                "balance": balance,
            }
        )
        total_debit += r.debit
        total_credit += r.credit
    rows.append(
        {
            "account": "total",
            "name": "合计",
            "debit": total_debit,
            "credit": total_credit,
            "balance": total_debit - total_credit,
        }
    )
    return rows


# -- carryover (结转结余表) ---------------------------------------------------------------

CARRYOVER_MONEY = ("appropriated", "returned", "committed", "disbursed", "carried_forward", "lapsed")


def carryover(conn: Connection, year: int | None, as_of: str | None, known_at: int | None = None) -> list[dict]:
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
    rows = []
    for row in _fetch(conn, query):
        closed = row.pop("closes") > 0
        if not (closed or row["appropriated"] or row["returned"] or row["committed"]):
            continue  # a year with nothing but money carried into it
        row["carried_forward"] = row["committed"] - row["disbursed"]
        row["lapsed"] = row["appropriated"] + row["returned"] - row["committed"]
        row["closed"] = closed
        rows.append(row)
    return rows


MONEY = {
    "awards": frozenset(AWARD_MONEY),
    "funds": frozenset(FUND_MONEY),
    "units": frozenset(UNIT_MONEY),
    "caps": frozenset(("cap", "used", "remaining")),
    "clauses": frozenset(("awarded", "disbursed")),
    "equity": frozenset(EQUITY_MONEY),
    "trial-balance": frozenset(("debit", "credit", "balance")),
    "carryover": frozenset(CARRYOVER_MONEY),
}

REPORT_FUNCTIONS = {
    "awards": awards,
    "funds": funds,
    "units": units,
    "caps": caps,
    "clauses": clauses,
    "equity": equity,
    "trial-balance": trial_balance,
    "carryover": carryover,
}


# -- history ----------------------------------------------------------------------------


def history(conn: Connection, key: str) -> list[dict]:
    """Every event about an application REF, unit CODE, fund, voucher or actor, oldest first."""
    k, a = s.event_keys.c, s.awards.c
    related = select(a.application).where(or_(a.unit == key, a.fund == key))
    query = (
        select(k.seq, k.type, k.effective_date, k.recorded_at, k.actor)
        .where(or_(k.key == key, k.key.in_(related)))
        .group_by(k.seq, k.type, k.effective_date, k.recorded_at, k.actor)
        .order_by(k.seq)
    )
    return [dict(r._mapping) for r in conn.execute(query)]
