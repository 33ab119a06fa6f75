"""The money's reports: funds, equity, the trial balance, pending (what waits for a second person) and the
carryover (结转结余表), each one query by ``--year``, ``--as-of`` and ``--known-at`` (``projections.reports`` runs
them; ``projections.report_sql_gen`` compiles them)."""

from __future__ import annotations

from sqlalchemy import Integer, and_, case, cast, func, not_, or_, select

from . import movements
from . import schema as s
from .query_parts import at_stake, total, upto
from .report_rows import FAR


def _sum(condition, column=None):
    j = s.journal.c
    return total(case((condition, column if column is not None else j.debit), else_=0))


# -- funds ------------------------------------------------------------------------


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


# -- equity -------------------------------------------------------------------------


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


# -- carryover (结转结余表) ---------------------------------------------------------------


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
