"""What each page shows, from the report functions the CLI uses (``projections.reports``) — one source of numbers.

Figures that other work adds after this view (carried-forward balances and
seals, signatures and key fingerprints, a recorded verify run) come through
the adapters in ``web/adapters.py``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from ledger.values import format_stake
from projections import charts, listings, reports
from projections import schema as s
from projections.report_rows import execution_rate  # 执行率: one rounding rule, the reports' own

from .adapters import carried_forward, event_signers
from .source import EVENTS_TABLE

# -- funds -----------------------------------------------------------------------------------


def fund_names(conn: Connection) -> dict[str, str]:
    f = s.fund_names.c
    return {r.fund: r.name for r in conn.execute(select(f.fund, f.name))}


class MonthlyPayments:
    """The chart's sums, kept between requests: only journal lines after the last position read are added, so
    a page at 10^6 events scans the journal once per server, not once per view. A replay that moved the read
    models back starts the sums again."""

    def __init__(self) -> None:
        self.position = 0
        self.months: charts.Months = {}
        self.lock = threading.Lock()

    def upto(self, conn: Connection, position: int) -> charts.Months:
        with self.lock:
            if position < self.position:
                self.position, self.months = 0, {}
            if position > self.position:
                charts.add(self.months, charts.payments_by_month(conn, after=self.position, upto=position))
                self.position = position
            return {key: dict(months) for key, months in self.months.items()}


def funds(conn: Connection, year: int | None, months: charts.Months | None = None) -> list[dict]:
    """``report funds`` with each fund-year's name, carried-forward balance, execution rate and monthly payments
    (``months``, e.g. from ``MonthlyPayments``; read afresh when not given)."""
    names = fund_names(conn)
    if months is None:
        months = charts.payments_by_month(conn, year)
    rows = reports.funds(conn, year, None)
    for row in rows:
        row["fund_name"] = names.get(row["fund"])
        row["carried_forward"] = carried_forward(conn, row["fund"], row["year"])
        row["execution_rate"] = execution_rate(row["disbursed"], row["appropriated"])
        row["months"] = charts.in_order(months.get((row["fund"], row["year"]), {}))
    return rows


def monthly(conn: Connection, year: int) -> list[dict]:
    """``report monthly --year`` (月度执行进度): each fund's months, cumulative payments and 执行率, with 合计."""
    return reports.run(conn, "monthly", year)


# -- awards ----------------------------------------------------------------------------------


def awards(
    conn: Connection,
    year: int | None = None,
    fund: str | None = None,
    unit: str | None = None,
    clause: str | None = None,
    q: str | None = None,
) -> list[dict]:
    """``report awards`` filtered by fund, unit, clause (exact) and a search text (in the reference, unit or
    clause). Issue 15 adds filters to the report itself; then they can move into its query."""
    rows = reports.awards(conn, year, None)
    if fund:
        rows = [r for r in rows if r["fund"] == fund]
    if unit:
        rows = [r for r in rows if r["unit"] == unit]
    if clause:
        rows = [r for r in rows if r["clause"] == clause]
    if q:
        needle = q.strip().lower()
        names = unit_names(conn)
        rows = [
            r
            for r in rows
            if needle in r["application"].lower()
            or needle in (r["unit"] or "").lower()
            or needle in (names.get(r["unit"]) or "").lower()
            or needle in (r["clause"] or "").lower()
        ]
    return rows


def unit_names(conn: Connection) -> dict[str, str]:
    u = s.units.c
    return {r.unit: r.name for r in conn.execute(select(u.unit, u.name))}


def application(conn: Connection, ref: str) -> dict | None:
    """The application's own row (any status), from the awards read model."""
    a = s.awards.c
    row = conn.execute(select(s.awards).where(a.application == ref)).first()
    return dict(row._mapping) if row else None


MONEY_FIELDS = frozenset(
    (
        *("amount", "asked", "cost", "proceeds", "gain", "valuation", "equity_amount"),
        # the later acts': a reduction's before and after, a project's award, releases and closeout figures
        *("before", "after", "awarded", "released", "recovered", "retained", "balance", "spent", "paid"),
    )
)
PREFIXED = frozenset(("before", "after"))  # a correction's before/after records: 原申报金额, 更正后申报金额 …
BY_CATEGORY = frozenset(("budget",))  # a 任务书's budget: an amount per expenditure category
STAKE_FIELDS = frozenset(("stake",))
HIDDEN_FIELDS = frozenset(("timestamp", "originator_topic", "actor", "on"))


def history(conn: Connection, key: str) -> list[dict]:
    """``history KEY`` (the CLI's rows), each event with its journal lines, the keys it is filed under, its
    own fields and the key that signed it."""
    rows = listings.history(conn, key)
    seqs = [r["seq"] for r in rows]
    if not seqs:
        return rows
    j, k = s.journal.c, s.event_keys.c
    lines: dict[int, list[dict]] = {}
    for line in conn.execute(
        select(j.seq, j.account, j.movement, j.voucher, j.debit, j.credit)
        .where(j.seq.in_(seqs))
        .order_by(j.seq, j.line)
    ):
        lines.setdefault(line.seq, []).append(dict(line._mapping))
    keys: dict[int, list[str]] = {}
    for row in conn.execute(select(k.seq, k.key).where(k.seq.in_(seqs)).order_by(k.seq, k.key)):
        keys.setdefault(row.seq, []).append(row.key)
    details = event_fields(conn, seqs)
    signers = event_signers(conn, seqs)
    for row in rows:
        seq = row["seq"]
        row["lines"] = lines.get(seq, [])
        row["keys"] = keys.get(seq, [])
        row["fields"] = details.get(seq, [])
        row["signer"] = signers.get(seq)
    return rows


def event_fields(conn: Connection, seqs: list[int]) -> dict[int, list[tuple[str, Any, str]]]:
    """Each event's own fields as (name, value, kind) — kind is "money", "stake" or "text" — read from the
    stored events (JSON; an encrypted or compressed store shows none)."""
    table = EVENTS_TABLE[conn.dialect.name]
    position = "rowid" if conn.dialect.name == "sqlite" else "notification_id"
    query = text(f"SELECT {position}, state FROM {table} WHERE {position} IN :seqs").bindparams(
        bindparam("seqs", expanding=True)
    )
    found: dict[int, list[tuple[str, Any, str]]] = {}
    for seq, state in conn.execute(query, {"seqs": seqs}):
        try:
            data = json.loads(bytes(state))
        except ValueError:
            continue
        found[seq] = list(_flatten(data))
    return found


def _flatten(data: dict, prefix: str = ""):
    for name, value in data.items():
        if name in HIDDEN_FIELDS or value is None:
            continue
        if name in BY_CATEGORY and isinstance(value, dict):
            yield from ((f"category:{k}", v, "money") for k, v in value.items() if isinstance(v, int))
        elif isinstance(value, dict) and "_type_" not in value:
            yield from _flatten(value, f"{name}." if name in PREFIXED else prefix)
        elif isinstance(value, dict):
            yield prefix + name, value.get("_data_"), "text"
        elif name in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            yield prefix + name, value, "money"
        elif name in STAKE_FIELDS and isinstance(value, int):
            yield prefix + name, format_stake(value), "text"
        else:
            yield prefix + name, value, "text"


# -- units -----------------------------------------------------------------------------------


def units(conn: Connection, q: str | None = None) -> list[dict]:
    rows = reports.units(conn, None, None)
    if q:
        needle = q.strip().lower()
        rows = [r for r in rows if needle in r["unit"].lower() or needle in (r["name"] or "").lower()]
    return rows


def unit(conn: Connection, code: str) -> dict | None:
    found = [r for r in reports.units(conn, None, None) if r["unit"] == code]
    if not found:
        return None
    row = found[0]
    row["awards"] = awards(conn, unit=code)
    row["caps"] = [c for c in reports.caps(conn, None, None) if c["unit"] == code]
    return row
