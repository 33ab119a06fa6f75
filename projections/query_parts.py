"""The pieces every report query is built from: a BIGINT sum, the journal lines a report may see, an award's
columns and the awards with their names, and the rows as dicts (``fetch``).

Apart from ``projections.reports`` so that the query modules (``report_awards``, ``report_funds``,
``movements``, ``listings``) build on them without importing ``reports``, which imports them (no import
circle, issue 28).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Connection, and_, case, cast, func, or_, select

from . import schema as s


def fetch(conn: Connection, query) -> list[dict[str, Any]]:
    """Rows as dicts, straight from the driver's tuples (a report can have tens of thousands)."""
    result = conn.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.cursor.fetchall()]


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


def award_columns(*money, as_of: str | None = None, known_at: int | None = None) -> list:
    """An award's columns as ``report awards`` lists them, its ``money`` columns in the middle (from
    ``awards_named``). Asked ``--as-of``/``--known-at``, the fund is the one the award was committed against
    then (a re-charge, 调整资金来源, moves it later: ``fund_then``)."""
    a, u, n = s.awards.c, s.units.c, s.fund_names.c
    if as_of is None and known_at is None:
        fund, fund_name = a.fund, n.name
    else:
        fund = func.coalesce(fund_then(as_of, known_at), a.fund)
        names = s.fund_names.alias("fund_then_names")
        fund_name = select(names.c.name).where(names.c.fund == fund).correlate(s.awards).scalar_subquery()
    described = [a.application, a.unit, u.name.label("unit_name"), a.clause, fund.label("fund")]
    described.append(fund_name.label("fund_name"))
    return [*described, a.fiscal_year, a.fiscal_year.label("year"), a.mode, *money, a.doc, a.exception_doc]


def fund_then(as_of: str | None, known_at: int | None):
    """The fund of the award's latest commitment the report may see (its award, or a re-charge's new fund)."""
    j = s.journal.alias("commitment_then").c
    seen = [
        *([j.effective_date <= as_of] if as_of is not None else []),
        *([j.seq <= known_at] if known_at is not None else []),
    ]
    return (
        select(j.fund)
        .where(j.application == s.awards.c.application, j.account == "commitment", j.movement == "award", j.debit > 0)
        .where(*seen)
        .order_by(j.seq.desc())
        .limit(1)
        .correlate(s.awards)
        .scalar_subquery()
    )


def awards_named():
    """The awards with their unit's and fund's names."""
    a, u, n = s.awards.c, s.units.c, s.fund_names.c
    return s.awards.outerjoin(s.units, u.unit == a.unit).outerjoin(s.fund_names, n.fund == a.fund)


def stood(status, awarded, *more) -> list:
    """An award as a report asked ``--as-of``/``--known-at`` sees it: awarded, or cancelled later (撤销批复) while
    the journal lines it sees still hold its amount (``awarded`` and ``more``: sums of those lines)."""
    held = or_(awarded != 0, *(m != 0 for m in more))
    return [or_(status == "awarded", and_(status == "cancelled", held))]


def at_stake():
    """What a held act puts at stake, in 分 (``report pending``'s ``amount``): a payment's or an equity act's own
    amount; for a correction or a re-charge, what the award stood at when it was proposed, read from the journal
    lines recorded before it (so every ``--as-of``/``--known-at`` view, and a rebuild, shows the same):
    a cancellation (撤销批复) releases the award's outstanding commitment, a reduction (调减) the difference to
    its new amount, a re-charge (调整资金来源) moves the outstanding commitment to the new fund. A correction
    (更正申报) shows the corrected amount asked, or the amount asked when only the clause changes; a
    re-evaluation (复评) the amount asked that its grade decides. Needs ``s.awards`` joined on the application."""
    h, a, j = s.held_acts.c, s.awards.c, s.journal.alias("stake_lines").c
    before = [j.application == h.application, j.account == "commitment", j.seq < h.made_seq]
    outstanding = select(total(j.debit - j.credit)).where(*before).correlate(s.held_acts).scalar_subquery()
    awarded = select(total(j.debit)).where(*before, j.movement == "award").correlate(s.held_acts).scalar_subquery()
    return case(
        (h.kind.in_(("cancel-award", "recharge")), outstanding),
        (h.kind == "reduce-award", awarded - h.amount),
        (h.kind.in_(("correct", "reevaluate")), func.coalesce(h.amount, a.asked)),
        else_=h.amount,
    )
