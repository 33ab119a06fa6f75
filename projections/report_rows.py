"""What each report does with its rows after the query: the Python half of ``projections.reports``.

The queries are built with SQLAlchemy (``projections.reports.QUERIES``, ``projections.listings``); what
happens to their rows afterwards (clause titles, stakes as text, totals rows, ``remaining``…) lives here,
free of SQLAlchemy, so the
fast read path (``projections.fastread``) runs the very same code over rows fetched with the standard
library's ``sqlite3``. Both paths call ``finish``: one place for each report's Python, one for its SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from ledger.money import format_human
from ledger.values import CATEGORIES, format_stake

REPORTS = (
    "awards",
    "funds",
    "units",
    "caps",
    "clauses",
    "equity",
    "trial-balance",
    "pending",
    "carryover",
    "monthly",
    "overdue",
)
PERIOD_REPORTS = ("funds", "awards")  # the reports ``--from``/``--to`` turns into a period's movements
SINCE_START = "0000-01-01"  # ``--to`` without ``--from``: the period runs from the first entry
FAR = "9999-12-31"  # as of no particular date: every effective date

AWARD_MONEY = ("awarded", "disbursed", "pending", "spent", "recovered", "available")
FUND_MONEY = ("appropriated", "committed", "disbursed", "returned", "available", "carried_forward")
UNIT_MONEY = ("awarded", "disbursed", "spent", "recovered")
EQUITY_MONEY = ("invested", "cost", "proceeds", "gain", "written_off")
CARRYOVER_MONEY = ("appropriated", "returned", "committed", "disbursed", "carried_forward", "lapsed")
MONTHLY_MONEY = ("appropriated", "disbursed", "cumulative")
# The figures a period report gives as opening, movement and closing (``projections.movements``); the balance
# (``available``) has an opening and a closing only: its movement is the figures'.
AWARD_FIGURES = ("awarded", "disbursed", "pending", "spent", "recovered")
FUND_FIGURES = ("appropriated", "committed", "disbursed", "returned", "carried_forward")


def _period_money(figures: tuple[str, ...]) -> frozenset[str]:
    ends = (f"{end}_{m}" for end in ("opening", "closing") for m in figures)
    return frozenset((*figures, "opening_available", "closing_available", *ends))


MONEY = {
    "awards": frozenset(AWARD_MONEY),
    "funds": frozenset(FUND_MONEY),
    "units": frozenset(UNIT_MONEY),
    "caps": frozenset(("cap", "used", "remaining")),
    "clauses": frozenset(("awarded", "disbursed")),
    "equity": frozenset(EQUITY_MONEY),
    "trial-balance": frozenset(("debit", "credit", "balance")),
    "pending": frozenset(("amount",)),
    "carryover": frozenset(CARRYOVER_MONEY),
    "monthly": frozenset(MONTHLY_MONEY),
    "overdue": frozenset(("awarded", "disbursed", "spent", "recovered", "available")),
    "awards:period": _period_money(AWARD_FIGURES),
    "funds:period": _period_money(FUND_FIGURES),
}

# Which of --fund --unit --clause each report can be narrowed by (the rows carry those columns).
FILTERS = {
    "awards": ("fund", "unit", "clause"),
    "funds": ("fund",),
    "units": ("unit",),
    "caps": ("unit",),
    "clauses": ("clause",),
    "equity": ("fund", "unit", "clause"),
    "trial-balance": (),
    "pending": ("fund", "unit", "clause"),
    "carryover": ("fund",),
    "monthly": ("fund",),
    "overdue": ("fund", "unit", "clause"),
}


def narrowed(rows: list[dict], filters: dict[str, str], name: str | None = None) -> list[dict]:
    """The rows that match every filter given; then the report's own totals rows, if it has them (``monthly``:
    they add up what the filters left)."""
    wanted = {k: v for k, v in filters.items() if v is not None}
    if wanted:
        rows = [row for row in rows if all(row.get(k) == v for k, v in wanted.items())]
    if name == "monthly":
        rows = rows + monthly_totals(rows)
    return rows


TITLED = frozenset(("awards", "awards:period"))  # the reports whose rows carry ``clause_title``


def with_clause_titles(rows: list[dict], titles: Mapping[str, str] | None = None) -> list[dict]:
    """Each row's ``clause_title`` from the catalogue as it stands, placed right after its ``clause``: the
    shipped clauses' titles (generated, a test fails when stale) and ``titles``, the loaded documents' (issue
    28: an award under a loaded clause had none)."""
    from .report_sql import CLAUSE_TITLES  # generated from ledger.clauses.default(); a test fails when stale

    known = {**CLAUSE_TITLES, **titles} if titles else CLAUSE_TITLES
    titled = []
    for row in rows:
        title = known.get(row["clause"])
        out: dict[str, Any] = {}
        for key, value in row.items():
            out[key] = value
            if key == "clause":
                out["clause_title"] = title
        titled.append(out)
    return titled


def _units(rows: list[dict]) -> list[dict]:
    for row in rows:  # PostgreSQL's COALESCE over a BIGINT sum may come back as Decimal
        for column in ("applications", *UNIT_MONEY):
            row[column] = int(row[column])
    return rows


def _caps(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["year"] = int(row["year"])
        row["remaining"] = row["cap"] - row["used"]
    return rows


def _equity(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["status"] = "written-off" if row["written_off"] else ("held" if row["stake"] else "exited")
        for stake in ("stake", "converted", "exited_stake"):
            row[stake] = format_stake(row[stake])
    return rows


def _trial_balance(fetched: list[dict]) -> list[dict]:
    from .report_sql import ACCOUNTS  # the journal's account names, as generated from projections.journal

    rows = []
    total_debit = total_credit = 0
    for r in fetched:
        account = r["account"]
        if account.startswith("expense:"):
            name = f"专项支出-{CATEGORIES.get(account[8:], account[8:])}"
        else:
            name = ACCOUNTS.get(account, account)
        rows.append(
            {
                "account": account,
                "name": name,
                "debit": r["debit"],
                "credit": r["credit"],
                "balance": r["debit"] - r["credit"],
            }
        )
        total_debit += r["debit"]
        total_credit += r["credit"]
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


def held_because(kind: str, rule: str | None, amount: int | None, threshold: int | None, fund: str | None) -> str:
    """Why an act waits for a second person, in a clerk's words (short: it is a table column)."""
    if rule == "threshold":
        of = f"资金 {fund} 的" if fund else ""
        limit = f"{of}审批阈值 {format_human(threshold)}" if threshold is not None else f"{of}审批阈值"
        if amount is not None and threshold is not None and amount < threshold:
            return f"单笔低于{limit}, 但与同一申报在累计审批期内的其他付款合计达到阈值 (防拆分)"
        shown = f" {format_human(amount)}" if amount is not None else ""
        return f"单笔{shown} 达到{limit}"
    if kind == "reopen":
        return "重新开账须另一名管理员或审批人复核"
    return "须另一人复核 (不相容岗位分离)"


def _pending(rows: list[dict]) -> list[dict]:
    shown = []
    for row in rows:
        rule, threshold = row.pop("rule"), row.pop("threshold")
        out: dict[str, Any] = {}
        for key, value in row.items():
            out[key] = value
            if key == "reason":
                out["held_because"] = held_because(row["kind"], rule, row["amount"], threshold, row.get("fund"))
        shown.append(out)
    return shown


def _carryover(fetched: list[dict]) -> list[dict]:
    rows = []
    for row in fetched:
        closed = row.pop("closes") > 0
        if not (closed or row["appropriated"] or row["returned"] or row["committed"]):
            continue  # a year with nothing but money carried into it
        row["carried_forward"] = row["committed"] - row["disbursed"]
        row["lapsed"] = row["appropriated"] + row["returned"] - row["committed"]
        row["closed"] = closed
        rows.append(row)
    return rows


def execution_rate(disbursed: int, appropriated: int) -> str | None:
    """执行率 = paid ÷ appropriated, as a percentage to a tenth, rounded half up, in integers (no floats):
    ``"12.3%"``; None when nothing is appropriated."""
    if appropriated <= 0:
        return None
    tenths = (disbursed * 2000 + appropriated) // (2 * appropriated)
    sign, tenths = ("-", -tenths) if tenths < 0 else ("", tenths)
    return f"{sign}{tenths // 10}.{tenths % 10}%"


def _in_period(figures: tuple[str, ...], balance: Callable[[dict], int]) -> Callable[[list[dict]], list[dict]]:
    """A period report's rows: its descriptive columns, each figure's opening (as of the day before the period),
    its movement in the period (closing − opening) and its closing (as of the period's last day), and the
    balance at both ends; the award's document numbers last."""

    def step(fetched: list[dict]) -> list[dict]:
        rows = []
        for row in fetched:
            opening = {m: int(row.pop(f"opening_{m}")) for m in figures}
            closing = {m: int(row.pop(f"closing_{m}")) for m in figures}
            tail = {k: row.pop(k) for k in ("doc", "exception_doc") if k in row}
            row.update({f"opening_{m}": opening[m] for m in figures}, opening_available=balance(opening))
            row.update({m: closing[m] - opening[m] for m in figures})
            row.update({f"closing_{m}": closing[m] for m in figures}, closing_available=balance(closing))
            rows.append(row | tail)
        return rows

    return step


def _award_balance(f: dict) -> int:
    return f["disbursed"] - f["spent"] - f["recovered"]


def _fund_balance(f: dict) -> int:
    return f["appropriated"] + f["returned"] - f["committed"]


def _monthly(fetched: list[dict]) -> list[dict]:
    """Every month of each fund-year, January to December: the appropriation as of the month's end, the
    payments dated in the month, the payments up to its end (dated before the year too) and the rate."""
    by_fund_year: dict[tuple, list[dict]] = {}
    for line in fetched:
        by_fund_year.setdefault((line["fund"], line["year"]), []).append(line)
    rows = []
    for (fund, year), lines in by_fund_year.items():
        months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
        in_month = {line["month"]: line for line in lines}
        appropriated = sum(int(line["appropriated"]) for line in lines if line["month"] < months[0])
        cumulative = sum(int(line["disbursed"]) for line in lines if line["month"] < months[0])
        for month in months:
            line = in_month.get(month) or {"appropriated": 0, "disbursed": 0}
            paid = int(line["disbursed"])
            appropriated += int(line["appropriated"])
            cumulative += paid
            rows.append(
                {
                    "fund": fund,
                    "fund_name": lines[0]["fund_name"],
                    "year": year,
                    "month": month,
                    "appropriated": appropriated,
                    "disbursed": paid,
                    "cumulative": cumulative,
                    "execution_rate": execution_rate(cumulative, appropriated),
                }
            )
    return rows


def monthly_totals(rows: list[dict]) -> list[dict]:
    """One 合计 row (fund ``total``) per year and month, adding up every fund's row of that month."""
    summed: dict[tuple, dict] = {}
    for row in rows:
        key = (row["year"], row["month"])
        total = summed.setdefault(
            key,
            {"fund": "total", "fund_name": "合计", "year": row["year"], "month": row["month"]}
            | dict.fromkeys(MONTHLY_MONEY, 0),
        )
        for column in MONTHLY_MONEY:
            total[column] += row[column]
    for total in summed.values():
        total["execution_rate"] = execution_rate(total["cumulative"], total["appropriated"])
    return [summed[key] for key in sorted(summed)]


FINISH: dict[str, Callable[[list[dict]], list[dict]]] = {
    "awards": with_clause_titles,  # (``finish`` gives the loaded clauses' titles itself)
    "units": _units,
    "caps": _caps,
    "equity": _equity,
    "trial-balance": _trial_balance,
    "pending": _pending,
    "carryover": _carryover,
    "monthly": _monthly,
    "awards:period": lambda rows: with_clause_titles(_in_period(AWARD_FIGURES, _award_balance)(rows)),
    "funds:period": _in_period(FUND_FIGURES, _fund_balance),
}


LIST_MONEY = frozenset(
    (
        "approval_threshold",
        "appropriated",
        "committed",
        "returned",
        "available",
        "awarded",
        "disbursed",
        "spent",
        "recovered",
    )
)
HISTORY_MONEY = frozenset(("amount",))


@cache
def _zone() -> Any:
    from zoneinfo import ZoneInfo  # only history shows times: the reports need no zone database

    return ZoneInfo("Asia/Shanghai")


def shanghai(recorded_at: str) -> str:
    """A stored UTC timestamp as Asia/Shanghai time (ISO 8601 with its +08:00 offset, to the second)."""
    moment = datetime.fromisoformat(recorded_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone()).isoformat(timespec="seconds")


def _fund_list(rows: list[dict]) -> list[dict]:
    for row in rows:
        for column in ("years", "appropriated", "committed", "returned"):
            row[column] = int(row[column])
        row["available"] = row["appropriated"] + row["returned"] - row["committed"]
        # the scope (ledger/scope.py): the city whose policy the fund pays for, and the clauses it names
        row["city"] = row.get("city") or None
        row["clauses"] = [c for c in (row.get("clauses") or "").split(",") if c] or None
    return rows


def _unit_show(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["available"] = row["disbursed"] - row["spent"] - row["recovered"]
    return rows


def _history(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["recorded_at"] = shanghai(row["recorded_at"])
    return rows


FINISH_LIST: dict[str, Callable[[list[dict]], list[dict]]] = {
    "fund list": _fund_list,
    "unit show": _unit_show,
    "history": _history,
}


def finish_list(name: str, rows: list[dict]) -> list[dict]:
    """A listing's rows as printed (``fund list``, ``unit list``, ``unit show``, ``history``)."""
    step = FINISH_LIST.get(name)
    return step(rows) if step is not None else rows


def finish(
    name: str, rows: list[dict], year: object = None, as_of: object = None, titles: Mapping[str, str] | None = None
) -> list[dict]:
    """Report ``name``'s rows as printed, from its query's rows (dicts in the query's column order); ``titles``:
    the loaded policy documents' clause titles (the shipped ones are known here)."""
    if name == "overdue":  # past the end date on the report's day (today when not given): projections.overdue
        from .overdue import overdue_rows

        return overdue_rows(rows, as_of)
    if name == "units" and as_of is None and year is None:
        return rows  # the running totals (or, with --known-at alone, what was recorded): as the driver gives them
    if titles and name == "awards":
        return with_clause_titles(rows, titles)
    if titles and name == "awards:period":
        return with_clause_titles(_in_period(AWARD_FIGURES, _award_balance)(rows), titles)
    step = FINISH.get(name)
    return step(rows) if step is not None else rows
