"""The books' entries from the journal through a chart: the trial balance of each side, and the vouchers
(记账凭证) — one per money event, numbered per month as an accounting system numbers them — with what each
voucher line carries for the accounting systems' imports (辅助核算, attachments)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from . import schema as s
from .chart_of_accounts import SIDE_NAMES, SIDES, Chart, Line, book
from .query_parts import total

# -- trial balance ---------------------------------------------------------------------------------


def trial_balance(
    conn: Connection, chart: Chart, side: str, year: int | None = None, as_of: str | None = None
) -> list[dict]:
    """The trial balance of one side (``financial``/``budget``) or ``both``, each ending with its 合计 row.

    The chart is linear in the journal's figures, so the journal is summed per movement and account in SQL
    first and booked once per movement."""
    j = s.journal.c
    query = select(j.movement, j.account, total(j.debit).label("debit"), total(j.credit).label("credit"))
    if as_of is not None:
        query = query.where(j.effective_date <= as_of)
    if year is not None:
        query = query.where(j.year == year)
    grouped: dict[str, list] = defaultdict(list)
    for r in conn.execute(query.group_by(j.movement, j.account)):
        grouped[r.movement].append((r.account, r.debit, r.credit))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for movement, lines in grouped.items():
        for line in book(chart, movement, lines):
            sums[line.account][0] += line.debit
            sums[line.account][1] += line.credit
    rows = []
    for one in SIDES if side == "both" else (side,):
        debit_total = credit_total = 0
        for code in sorted(c for c in sums if chart.accounts[c].side == one):
            debit, credit = sums[code]
            rows.append(_tb_row(one, code, chart.accounts[code].name, debit, credit))
            debit_total += debit
            credit_total += credit
        rows.append(_tb_row(one, "total", f"{SIDE_NAMES[one]}合计", debit_total, credit_total))
    return rows


def _tb_row(side: str, account: str, name: str, debit: int, credit: int) -> dict:
    return {"side": side, "account": account, "name": name, "debit": debit, "credit": credit, "balance": debit - credit}


# -- vouchers: one per money event ---------------------------------------------------------------------


@dataclass
class Voucher:
    seq: int
    date: str
    event: str
    movements: list[str]
    application: str | None
    voucher: str | None
    fund: str | None
    year: int | None
    clause: str | None
    actor: str | None  # who made the voucher (制单人): for an approved payment, the maker, not the approver
    lines: list[Line] = field(default_factory=list)
    number: int = 0  # 凭证号: 1, 2, … per 会计期间 (the month of the date), in date order
    unit: str | None = None
    unit_name: str | None = None

    @property
    def period(self) -> int:
        """会计期间: the month of the voucher's date."""
        return int(self.date[5:7])

    def summary(self, chart: Chart) -> str:
        """摘要: what happened and to what, at most 60 characters (U8's limit)."""
        what = "、".join(chart.movements[m].summary for m in self.movements if chart.movements[m].entries)
        if self.event == "Grant.Reversed":
            what = f"红字冲正 {what}"
        about = self.application or (f"{self.fund} {self.year}年度" if self.fund else "")
        text = " ".join(part for part in (what, about, self.voucher or "") if part)
        return text[:60]

    def merged(self) -> list[Line]:
        """Lines summed per side, account and direction: financial first, then budget, debits before credits."""
        sums: dict[tuple, int] = defaultdict(int)
        rules: dict[tuple, str] = {}
        for line in self.lines:
            key = (SIDES.index(line.side), 0 if line.debit else 1, line.account)
            sums[key] += line.debit or line.credit
            rules.setdefault(key, line.rule)
        out = []
        for key in sorted(sums, key=lambda k: (k[0], k[1])):
            side, direction, account = key
            amount = sums[key]
            if amount:
                debit, credit = (amount, 0) if direction == 0 else (0, amount)
                out.append(Line(SIDES[side], account, debit, credit, rules[key]))
        return out


def vouchers(conn: Connection, chart: Chart, year: int | None = None) -> list[Voucher]:
    """Every money event with entries in the books, in date order (log order within a day), numbered 1, 2, …
    per 会计期间 (month), as an accounting system numbers them."""
    j, a, k = s.journal.c, s.awards.c, s.event_keys.c
    who = select(k.seq, func.max(k.type).label("type"), func.max(k.actor).label("actor")).group_by(k.seq).subquery()
    query = (
        select(
            j.seq,
            j.movement,
            j.effective_date,
            j.account,
            j.fund,
            j.year,
            j.application,
            j.voucher,
            j.debit,
            j.credit,
            a.clause,
            a.unit,
            who.c.type,
            who.c.actor,
        )
        .outerjoin(s.awards, a.application == j.application)
        .outerjoin(who, who.c.seq == j.seq)
        .order_by(j.seq, j.line)
    )
    if year is not None:
        query = query.where(j.effective_date >= f"{year:04d}-01-01", j.effective_date <= f"{year:04d}-12-31")
    out: list[Voucher] = []
    per_event: dict[str, list] = {}
    current: Voucher | None = None

    def close() -> None:
        if current is None:
            return
        for movement, lines in per_event.items():
            current.lines.extend(book(chart, movement, lines))
        if current.lines:
            out.append(current)

    for r in conn.execute(query):
        if current is None or r.seq != current.seq:
            close()
            current = Voucher(
                r.seq, r.effective_date, r.type or "", [], r.application, r.voucher, r.fund, r.year, r.clause, r.actor
            )
            current.unit = r.unit
            per_event = {}
        if r.movement not in per_event:
            current.movements.append(r.movement)
        per_event.setdefault(r.movement, []).append((r.account, r.debit, r.credit))
    close()
    _name_makers_and_units(conn, out)
    out.sort(key=lambda v: (v.date, v.seq))
    numbers: dict[str, int] = defaultdict(int)
    for v in out:
        numbers[v.date[:7]] += 1
        v.number = numbers[v.date[:7]]
    return out


MADE = ("Grant.Disbursed", "Grant.Invested")  # the events that make a payment a second person may approve


def _name_makers_and_units(conn: Connection, found: list[Voucher]) -> None:
    """制单人 of an approved payment is its maker (the approval is the event that moves the money); each
    voucher's unit and clause get their names for 辅助核算."""
    k = s.event_keys.c
    approved = {v.voucher for v in found if v.event == "Grant.Approved" and v.voucher}
    if approved:
        rows = conn.execute(
            select(k.voucher, func.min(k.seq), func.max(k.actor))
            .where(k.voucher.in_(sorted(approved)), k.type.in_(MADE))
            .group_by(k.voucher)
        )
        makers = {voucher: actor for voucher, _, actor in rows}
        for v in found:
            if v.event == "Grant.Approved" and v.voucher in makers:
                v.actor = makers[v.voucher]
    units = {v.unit for v in found if v.unit}
    if units:
        u = s.units.c
        names = dict(conn.execute(select(u.unit, u.name).where(u.unit.in_(sorted(units)))).all())
        for v in found:
            v.unit_name = names.get(v.unit)


# -- what a voucher line carries into an accounting system ----------------------------------------------


def attachments(v: Voucher) -> int:
    return 1 if v.voucher else 0


def voucher_rows(chart: Chart, books: list[Voucher]) -> Iterator[tuple[Voucher, Line]]:
    for v in books:
        for line in v.merged():
            yield v, line


def assists(chart: Chart, v: Voucher, line: Line) -> dict[str, str]:
    """The 辅助核算 a line carries: its account's (chart ``assist``), filled from the voucher."""
    wanted = chart.accounts[line.account].assist
    found = {}
    if "project" in wanted and v.application:
        found["project"] = v.application
    if "unit" in wanted and v.unit:
        found["unit"] = v.unit
    return found
